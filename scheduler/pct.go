package scheduler

import (
	"fmt"
	"math/rand/v2"
	"slices"
)

// Tuning numbers of PCT.
const (
	// pctStream is the second word of PCT's PCG state; any fixed odd
	// constant. It differs from Random's so that PCT and Random with the
	// same seed draw unrelated numbers.
	pctStream = 0xda942042e4dd58b5
	// pctFirstChangeStep is the lowest step number a change point can take.
	// Step 1 is the main task's first step, when it is the only task, so a
	// change there could change nothing; the random initial priorities
	// already decide who runs first.
	pctFirstChangeStep = 2
	// pctUnseen is the rank of a thread PCT has not seen yet in this run.
	// Threads in the priority band have ranks from 1 up; lowered threads
	// have ranks from pctFirstLowered down.
	pctUnseen = 0
	// pctFirstLowered is the rank given by the first change point of a run.
	pctFirstLowered = -1
)

// PCT is the Probabilistic Concurrency Testing strategy (Burckhardt,
// Kothari, Musuvathi and Nagarakatte, "A Randomized Scheduler with
// Probabilistic Guarantees of Finding Bugs", ASPLOS 2010).
//
// In every run each thread gets a random priority, distinct from the
// others, when PCT first sees it enabled, and depth-1 change points are
// drawn uniformly among the step numbers 2..k. At every scheduling decision
// the enabled thread with the highest priority runs. At the first decision
// at or after a change point at which the thread that ran last is still
// enabled, that thread's priority drops below every other priority, so the
// decision preempts it (one change point per decision; a change point that
// falls where no decision is made waits for the next one, which is where a
// change would first make a difference). In the paper's model, a run of a
// program with n threads and k steps exposes any given bug of depth d (one
// that needs d specific ordering constraints) with probability at least
// 1/(n·k^(d-1)); deferring change points to the next decision departs from
// that model, as the Coyote and Shuttle implementations do, so the bound is
// a guide rather than a promise.
//
// k, the number of steps of a run, is not known in advance: it starts at
// the estimate given to [NewPCT] and grows to the longest run seen. Data
// decisions are uniformly random, drawn from the same seeded PCG generator.
//
// One PCT serves many runs: it prepares fresh priorities and change points
// in [PCT.Finish], which the engine calls at the end of every run. Should a
// run end without Finish (a strategy panic that Run re-raises, or a driver
// that does not call it), PCT notices the new run when its first decision
// comes at a step that is not after the last decision seen. With a
// deterministic program that always happens, unless the earlier run made
// nothing but data decisions, all in one step; such a run is then taken as
// part of the next one. The same seed and the same program give the same
// sequence of runs. A PCT must not be used by two engines at once.
type PCT struct {
	rng   *rand.Rand
	depth int
	k     int64

	// State of the current run.
	changes  []int64    // change points, ascending
	next     int        // index in changes of the next change point to apply
	rank     []int64    // ThreadID -> rank (higher runs first); pctUnseen when not seen
	band     []ThreadID // threads not lowered, highest priority first
	lowered  int64      // the rank the next change point gives
	lastStep int64      // the step of the last decision of this run; 0 before the first
}

var (
	_ Strategy = (*PCT)(nil)
	_ Finisher = (*PCT)(nil)
)

// NewPCT returns a PCT strategy seeded with seed that targets bugs of the
// given depth (at least 1; depth 1 uses no change points), with maxSteps
// (at least 1) as the first estimate of the number of steps of a run.
func NewPCT(seed uint64, depth int, maxSteps int64) (*PCT, error) {
	if depth < 1 {
		return nil, fmt.Errorf("scheduler: PCT depth must be at least 1, got %d", depth)
	}
	if maxSteps < 1 {
		return nil, fmt.Errorf("scheduler: PCT step estimate must be at least 1, got %d", maxSteps)
	}
	p := &PCT{
		rng:   rand.New(rand.NewPCG(seed, pctStream)),
		depth: depth,
		k:     maxSteps,
	}
	p.newRun()
	return p, nil
}

// MaxSteps returns the current estimate of the number of steps of a run:
// the larger of the estimate given to [NewPCT] and the longest run seen.
func (p *PCT) MaxSteps() int64 { return p.k }

// Depth returns the bug depth PCT targets.
func (p *PCT) Depth() int { return p.depth }

// newRun forgets the priorities of the run that ended and draws the change
// points of the next one.
func (p *PCT) newRun() {
	clear(p.rank)
	p.rank = p.rank[:0]
	p.band = p.band[:0]
	p.lowered = pctFirstLowered
	p.lastStep = 0
	p.next = 0
	p.changes = p.changes[:0]

	// Draw min(depth-1, number of candidate steps) distinct step numbers
	// uniformly with Floyd's algorithm, which costs one draw per point
	// however large k is.
	span := p.k - pctFirstChangeStep + 1 // candidate steps: pctFirstChangeStep..k
	m := min(int64(p.depth-1), max(span, 0))
	for j := span - m; j < span; j++ {
		c := p.rng.Int64N(j + 1)
		if slices.Contains(p.changes, c) {
			c = j
		}
		p.changes = append(p.changes, c)
	}
	slices.Sort(p.changes)
	for i := range p.changes {
		p.changes[i] += pctFirstChangeStep
	}
}

// see gives thread id a random place in the priority band if this is the
// first time the run shows it.
func (p *PCT) see(id ThreadID) {
	for int(id) >= len(p.rank) {
		p.rank = append(p.rank, pctUnseen)
	}
	if p.rank[id] != pctUnseen {
		return
	}
	p.band = slices.Insert(p.band, p.rng.IntN(len(p.band)+1), id)
	for i, t := range p.band {
		p.rank[t] = int64(len(p.band) - i)
	}
}

// lower drops the priority of id below every other priority.
func (p *PCT) lower(id ThreadID) {
	if i := slices.Index(p.band, id); i >= 0 {
		p.band = slices.Delete(p.band, i, i+1)
	}
	p.rank[id] = p.lowered
	p.lowered--
}

// NextThread implements [Strategy]: it runs the enabled thread with the
// highest priority, after applying a change point that is due.
func (p *PCT) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	if step <= p.lastStep {
		// A new run began without Finish.
		p.k = max(p.k, p.lastStep)
		p.newRun()
	}
	p.lastStep = step
	for _, id := range enabled {
		p.see(id)
	}
	if current >= 0 && p.next < len(p.changes) && p.changes[p.next] <= step {
		p.next++
		p.lower(enabled[current])
	}
	best := 0
	for i := 1; i < len(enabled); i++ {
		if p.rank[enabled[i]] > p.rank[enabled[best]] {
			best = i
		}
	}
	return best, nil
}

// NextValue implements [Strategy]: the outcome is uniformly random.
func (p *PCT) NextValue(thread ThreadID, n int, step int64) (int, error) {
	if step < p.lastStep {
		p.k = max(p.k, p.lastStep)
		p.newRun()
	}
	p.lastStep = step
	return p.rng.IntN(n), nil
}

// Finish implements [Finisher]: it raises the estimate of the number of
// steps to steps if the run was longer, and prepares the next run. It never
// fails.
func (p *PCT) Finish(steps int64) error {
	p.k = max(p.k, steps)
	p.newRun()
	return nil
}
