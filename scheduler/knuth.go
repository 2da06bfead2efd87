package scheduler

import "math/rand/v2"

// knuthStream is the second word of Knuth's PCG state.
const knuthStream = 0x2545f4914f6cdd1d

// Knuth estimates the number of schedules [DFS] would explore with a given
// preemption bound, without exploring them, by Knuth's estimator
// ("Estimating the efficiency of backtrack programs", Mathematics of
// Computation 29, 1975): each run is a random probe from the root of DFS's
// tree to a leaf, choosing uniformly among the options DFS would explore
// at every decision (every enabled thread while preemptions are left, only
// the current one once they are used up, every outcome of a data
// decision), and the product of the numbers of options along the probe is
// an unbiased estimate of the number of leaves. The estimate is the mean
// over the runs. It is unbiased but can have a large variance on lopsided
// trees; it is a guide for comparing sizes, not a count.
type Knuth struct {
	rng      *rand.Rand
	bound    int
	preempts int
	product  float64
	lastStep int64
	active   bool
	sum      float64
	runs     int
}

var (
	_ Strategy = (*Knuth)(nil)
	_ Finisher = (*Knuth)(nil)
)

// NewKnuth returns a Knuth estimator for DFS with the given preemption
// bound (negative: none), seeded with seed.
func NewKnuth(seed uint64, maxPreemptions int) *Knuth {
	return &Knuth{rng: rand.New(rand.NewPCG(seed, knuthStream)), bound: maxPreemptions, product: 1}
}

// Estimate returns the mean of the probes so far (0 before the first).
func (k *Knuth) Estimate() float64 {
	if k.runs == 0 {
		return 0
	}
	return k.sum / float64(k.runs)
}

// Runs returns the number of probes so far.
func (k *Knuth) Runs() int { return k.runs }

func (k *Knuth) enter(step int64, kind DecisionKind) {
	if k.active && (step < k.lastStep || step == k.lastStep && kind == DecThread) {
		k.finish()
	}
	k.active, k.lastStep = true, step
}

func (k *Knuth) finish() {
	k.sum += k.product
	k.runs++
	k.product, k.preempts, k.active = 1, 0, false
}

// NextThread implements [Strategy].
func (k *Knuth) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	k.enter(step, DecThread)
	if current >= 0 && k.bound >= 0 && k.preempts >= k.bound {
		return current, nil
	}
	k.product *= float64(len(enabled))
	i := k.rng.IntN(len(enabled))
	if current >= 0 && i != current {
		k.preempts++
	}
	return i, nil
}

// NextValue implements [Strategy].
func (k *Knuth) NextValue(thread ThreadID, n int, step int64) (int, error) {
	k.enter(step, DecValue)
	k.product *= float64(n)
	return k.rng.IntN(n), nil
}

// Finish implements [Finisher]: it ends the probe.
func (k *Knuth) Finish(steps int64) error {
	k.finish()
	return nil
}
