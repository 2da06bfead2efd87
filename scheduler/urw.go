package scheduler

import "math/rand/v2"

// urwStream is the second word of URW's PCG state; any fixed odd constant,
// distinct from the other strategies'.
const urwStream = 0x7f4a7c159e3779b9

// URW is the Uniform Random Walk of Zhao, Wolff, Mathur and Roychoudhury
// ("Selectively Uniform Concurrency Testing", ASPLOS 2025), which Shuttle
// ships as its URW scheduler.
//
// A random walk that picks uniformly among the enabled threads samples the
// interleavings of threads of uneven length very unevenly: an event of a
// short thread almost never comes after most of a long thread's. If every
// thread's number of events is known, picking each thread with probability
// proportional to the number of events it has left samples every
// interleaving of those events with the same probability. URW learns the
// numbers from the runs it has made: a thread's count is the most steps
// the thread (recognised across runs by its name, see [View.Name]) took in
// any earlier run, and a thread it has not seen yet counts as the mean of
// the threads it knows (1 in the first run, which is then a plain random
// walk). A thread that has used up its count keeps a weight of 1. The
// paper's selective variant (SURW), which counts only the events that touch
// chosen objects, is not implemented: every step counts.
//
// Because it learns, run i of a URW depends on its runs before i: the same
// seed and the same program give the same sequence of runs, and a run is
// reproduced alone by its recorded decisions (as every run is), not by a
// fresh URW. Data decisions are uniformly random. URW is an [Observer] and
// a [Finisher]; it must not be used by two engines at once.
type URW struct {
	rng  *rand.Rand
	view View
	// count maps a thread's name to the most steps it took in a run, and
	// mean is the mean of those counts (1 before any), the count of a
	// thread URW has not seen.
	count map[string]int64
	mean  int64
	// Per ThreadID of the current run: the steps taken so far.
	done   []int64
	events int // how much of the run's log URW has read
	weight []int64
}

var (
	_ Observer = (*URW)(nil)
	_ Finisher = (*URW)(nil)
)

// NewURW returns a URW strategy seeded with seed.
func NewURW(seed uint64) *URW {
	return &URW{rng: rand.New(rand.NewPCG(seed, urwStream)), count: map[string]int64{}, mean: 1}
}

// Observe implements [Observer]: a new run begins.
func (u *URW) Observe(v View) {
	u.view = v
	clear(u.done)
	u.done = u.done[:0]
	u.events = 0
}

// catchUp counts the steps taken since the last decision.
func (u *URW) catchUp() {
	if u.view.e == nil {
		return // not run by an engine
	}
	evs := u.view.Events()
	for ; u.events < len(evs); u.events++ {
		ev := evs[u.events]
		if ev.Kind != EvStep && ev.Kind != EvWake && ev.Kind != EvTimeout {
			continue
		}
		for int(ev.Thread) >= len(u.done) {
			u.done = append(u.done, 0)
		}
		u.done[ev.Thread]++
	}
}

// expected returns the number of steps thread id is expected to take in
// the run.
func (u *URW) expected(id ThreadID) int64 {
	if u.view.e != nil {
		if n, ok := u.count[u.view.Name(id)]; ok {
			return n
		}
	}
	return u.mean
}

// NextThread implements [Strategy]: thread i runs with probability
// proportional to the steps it is expected to have left.
func (u *URW) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	u.catchUp()
	u.weight = u.weight[:0]
	var total int64
	for _, id := range enabled {
		var done int64
		if int(id) < len(u.done) {
			done = u.done[id]
		}
		w := max(1, u.expected(id)-done)
		u.weight = append(u.weight, w)
		total += w
	}
	r := u.rng.Int64N(total)
	for i, w := range u.weight {
		if r < w {
			return i, nil
		}
		r -= w
	}
	return len(enabled) - 1, nil
}

// NextValue implements [Strategy]: the outcome is uniformly random.
func (u *URW) NextValue(thread ThreadID, n int, step int64) (int, error) {
	return u.rng.IntN(n), nil
}

// Finish implements [Finisher]: it learns how many steps each thread of the
// run took. It never fails.
func (u *URW) Finish(steps int64) error {
	u.catchUp()
	if u.view.e == nil {
		return nil
	}
	for id, n := range u.done {
		name := u.view.Name(ThreadID(id))
		u.count[name] = max(u.count[name], n)
	}
	var sum int64
	// The mean does not depend on the order of the map's iteration.
	for _, n := range u.count {
		sum += n
	}
	if len(u.count) > 0 {
		u.mean = max(1, sum/int64(len(u.count)))
	}
	return nil
}
