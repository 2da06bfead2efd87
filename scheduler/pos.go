package scheduler

import "math/rand/v2"

// posStream is the second word of POS's PCG state; any fixed odd constant,
// distinct from Random's and PCT's.
const posStream = 0x2545f4914f6cdd1d

// POS is Partial Order Sampling (Yuan, Yang and Gu, "Partial Order Aware
// Concurrency Sampling", CAV 2018).
//
// Every pending event (the next step of an enabled thread) carries a random
// priority, drawn when the event becomes pending, and at every decision the
// event with the highest priority runs. When an event runs, every pending
// event that races with it (touches an object it touched, one of the two
// writing) gets a fresh priority. Random walk favours the orders of
// independent events as much as those of dependent ones, so it samples the
// partial orders of a program very unevenly; PCT fixes the order of the
// threads and so misses orders that need a thread to be overtaken at the
// right moment. POS draws the relative order of each pair of racing events
// afresh each time they race; the paper proves a lower bound on the
// probability of sampling each partial order that, unlike random walk's,
// does not shrink with the number of independent events, and reports
// finding the bugs of SCTBench sooner than random walk and PCT.
//
// The engine tells a strategy what a step touched only after the step, so
// POS predicts that the pending event of a thread touches what the thread's
// last step touched (a thread's steps through a loop or a call mostly do);
// a thread whose next event is not yet known (its first) races with
// nothing. With that prediction, the guarantee above is a guide, not a
// promise. Data decisions are uniformly random. POS is an [Observer]: it
// reads the touches of the run as it goes, so the engine records them.
//
// One POS serves one run at a time; a new run (the engine's call to
// Observe) forgets the priorities of the last. The same seed and the same
// program give the same runs.
type POS struct {
	rng  *rand.Rand
	view View
	// Per ThreadID: the priority of the thread's pending event (0: none
	// drawn yet), and what its last step touched.
	prio []uint64
	last [][]Touch
	// events and touches are how much of the run's log POS has read.
	events, touches int
}

var _ Observer = (*POS)(nil)

// NewPOS returns a POS strategy seeded with seed.
func NewPOS(seed uint64) *POS {
	return &POS{rng: rand.New(rand.NewPCG(seed, posStream))}
}

// Observe implements [Observer]: a new run begins.
func (p *POS) Observe(v View) {
	p.view = v
	clear(p.prio) // 0: no priority drawn in this run
	for i := range p.last {
		p.last[i] = p.last[i][:0]
	}
	p.events, p.touches = 0, 0
}

// draw gives thread id's pending event a fresh priority, never 0.
func (p *POS) draw(id ThreadID) {
	p.grow(id)
	p.prio[id] = p.rng.Uint64() | 1
}

func (p *POS) grow(id ThreadID) {
	for int(id) >= len(p.prio) {
		p.prio = append(p.prio, 0)
	}
	for int(id) >= len(p.last) {
		p.last = append(p.last, nil)
	}
}

// catchUp reads the steps taken since the last decision: each one's thread
// gets a fresh event, and every other thread whose predicted event races
// with the step is redrawn.
func (p *POS) catchUp() {
	if p.view.e == nil {
		return // not run by an engine
	}
	evs, ts := p.view.Events(), p.view.Touches()
	for ; p.events < len(evs); p.events++ {
		ev := evs[p.events]
		if ev.Kind != EvStep && ev.Kind != EvWake && ev.Kind != EvTimeout {
			continue
		}
		first := p.touches
		for p.touches < len(ts) && int(ts[p.touches].Event) == p.events {
			p.touches++
		}
		step := ts[first:p.touches]
		p.grow(ev.Thread)
		for u := range p.last {
			if ThreadID(u) != ev.Thread && p.prio[u] != 0 && races(step, p.last[u]) {
				p.draw(ThreadID(u))
			}
		}
		p.last[ev.Thread] = append(p.last[ev.Thread][:0], step...)
		p.draw(ev.Thread)
	}
	// Touches of events POS skipped (none in practice) are dropped.
	for p.touches < len(ts) && int(ts[p.touches].Event) < p.events {
		p.touches++
	}
}

// races reports whether two steps' touches conflict: an object both touch,
// at least one writing it.
func races(a, b []Touch) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Obj == y.Obj && (x.Acc == Write || y.Acc == Write) {
				return true
			}
		}
	}
	return false
}

// NextThread implements [Strategy]: the enabled thread whose pending event
// has the highest priority runs.
func (p *POS) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	p.catchUp()
	best := -1
	for i, id := range enabled {
		p.grow(id)
		if p.prio[id] == 0 {
			p.draw(id)
		}
		if best < 0 || p.prio[id] > p.prio[enabled[best]] {
			best = i
		}
	}
	return best, nil
}

// NextValue implements [Strategy]: the outcome is uniformly random.
func (p *POS) NextValue(thread ThreadID, n int, step int64) (int, error) {
	return p.rng.IntN(n), nil
}
