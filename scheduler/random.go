package scheduler

import "math/rand/v2"

// pcgStream is the second word of the PCG state; any fixed odd constant.
const pcgStream = 0x9e3779b97f4a7c15

// Random picks uniformly among the enabled tasks at every decision, and
// uniformly among the outcomes of every data decision, from a seeded PCG
// generator. The same seed gives the same run.
type Random struct {
	rng *rand.Rand
}

// NewRandom returns a Random strategy seeded with seed.
func NewRandom(seed uint64) *Random {
	return &Random{rng: rand.New(rand.NewPCG(seed, pcgStream))}
}

// NextThread implements [Strategy].
func (r *Random) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	return r.rng.IntN(len(enabled)), nil
}

// NextValue implements [Strategy].
func (r *Random) NextValue(thread ThreadID, n int, step int64) (int, error) {
	return r.rng.IntN(n), nil
}
