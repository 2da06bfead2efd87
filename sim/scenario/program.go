package scenario

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/clussim/clussim/sim"
)

// startParam is the lpParameter a cycle's Create passes; the start routine
// checks that it arrives unchanged, with the right struct (rule D1).
type startParam struct{ Worker, Cycle int }

// Program returns the main function of one simulated run of s against api,
// and the harness that records the run's history. Call it once per run: the
// harness and its worker structs are fresh each time, and main must run
// only once. s must be valid; Program panics with the error of
// [Scenario.Validate] otherwise.
//
// Run it with sim.Run(s.Config(), strategy, main) or a sim.Simulator made
// with s.Config().
func (s Scenario) Program(api sim.WorkerAPI) (main func(*sim.Thread), h *sim.Harness) {
	if err := s.Validate(); err != nil {
		panic(err.Error())
	}
	r := &run{s: s.Clone(), h: sim.NewHarness(api, len(s.Workers))}
	// Only a terminator names several structs in one call; every other
	// call names one (see sim.Harness.Separate).
	var together [][]int
	for _, term := range s.Terminators {
		together = append(together, term.Workers)
	}
	r.h.Separate(together)
	return r.main, r.h
}

// run is the state of one run of a scenario. Only simulated threads touch
// it, one at a time.
type run struct {
	s Scenario
	h *sim.Harness
	// created[wi][ci] is set once cycle ci's Create on struct wi returned.
	created [][]sim.Handle
	// release[wi][ci] is the release event of a stubborn worker that waits
	// for one, else 0.
	release [][]sim.Handle
	// terms[ti] is terminator ti's thread.
	terms []sim.Handle
	// byCycle[wi][ci] lists the terminators acting on struct wi's cycle ci.
	byCycle [][][]int
}

func (r *run) main(t *sim.Thread) {
	s := r.s
	r.h.Prepare(t)
	r.created = make([][]sim.Handle, len(s.Workers))
	r.release = make([][]sim.Handle, len(s.Workers))
	r.byCycle = make([][][]int, len(s.Workers))
	for wi, w := range s.Workers {
		r.created[wi] = make([]sim.Handle, len(w.Cycles))
		r.release[wi] = make([]sim.Handle, len(w.Cycles))
		r.byCycle[wi] = make([][]int, len(w.Cycles))
		for ci, c := range w.Cycles {
			r.created[wi][ci] = t.CreateEvent(true, false)
			if c.Behavior.UntilRelease {
				r.release[wi][ci] = t.CreateEvent(true, false)
			}
		}
	}
	for ti, term := range s.Terminators {
		for _, wi := range term.Workers {
			if wi >= 0 && len(s.Workers[wi].Cycles) > 0 {
				r.byCycle[wi][term.Cycle] = append(r.byCycle[wi][term.Cycle], ti)
			}
		}
	}
	// Terminators first: owners wait on their handles.
	var threads []sim.Handle
	for ti := range s.Terminators {
		h := spawn(t, func(tt *sim.Thread) { r.terminator(tt, ti) })
		r.terms = append(r.terms, h)
		threads = append(threads, h)
	}
	for wi, w := range s.Workers {
		if len(w.Cycles) > 0 {
			threads = append(threads, spawn(t, func(tt *sim.Thread) { r.owner(tt, wi) }))
		}
	}
	waitAll(t, threads)
	// Rule P6: the clean-up a resource DLL's Close would do.
	for wi := range s.Workers {
		r.h.TerminateEx(t, wi, sim.Infinite, false)
	}
	// The scenario's events stay open: a buggy implementation may leave a
	// worker blocked on one, and closing it under that worker would be a
	// fault blamed on the scenario. They are not the implementation's
	// handles, so the leak check ignores them.
	for _, h := range threads {
		t.CloseHandle(h)
	}
}

// waitAll waits until every one of hs is signalled, in one wait where it
// can (WaitForMultipleObjects for all of them, MaximumWaitObjects at a
// time). One wait instead of one per handle is what partial-order
// reduction wants: a wait's place among the steps that signal its objects
// makes a class of schedules of its own, and one wait has far fewer
// places than a wait per handle.
func waitAll(t *sim.Thread, hs []sim.Handle) {
	var distinct []sim.Handle
	for _, h := range hs {
		if !slices.Contains(distinct, h) {
			distinct = append(distinct, h)
		}
	}
	for len(distinct) > 0 {
		n := min(len(distinct), sim.MaximumWaitObjects)
		if n == 1 || t.WaitForMultipleObjects(distinct[:n], true, sim.Infinite) == sim.WaitFailed {
			// One at a time, as before, when a handle is bad (a buggy
			// implementation may have closed one of the scenario's): a
			// failed wait on it returns at once and the others are
			// still waited for.
			for _, h := range distinct[:n] {
				t.WaitForSingleObject(h, sim.Infinite)
			}
		}
		distinct = distinct[n:]
	}
}

// spawn starts a scenario thread (outside the implementation, so never
// subject to fault injection).
func spawn(t *sim.Thread, body func(*sim.Thread)) sim.Handle {
	h, code := t.CreateThread(func(tt *sim.Thread) uint32 { body(tt); return 0 })
	if code != sim.ErrorSuccess {
		panic(fmt.Sprintf("scenario: CreateThread of a scenario thread failed with %s", sim.ErrorName(code)))
	}
	return h
}

// pause sleeps ms virtual ms; 0 takes no step at all.
func pause(t *sim.Thread, ms uint32) {
	if ms > 0 {
		t.Sleep(ms)
	}
}

// act makes the call a on structs wis (one struct for the single-worker
// calls).
func (r *run) act(t *sim.Thread, a Action, wis []int) {
	switch a.Call {
	case CallTerminate:
		r.h.Terminate(t, wis[0])
	case CallTerminateEx:
		r.h.TerminateEx(t, wis[0], a.Timeout, a.WaitOnly)
	case CallWorkersTerminate:
		r.h.WorkersTerminate(t, wis, a.Timeout, a.WaitOnly)
	}
}

func (r *run) owner(t *sim.Thread, wi int) {
	t.SetName("owner w" + strconv.Itoa(wi))
	self := []int{wi}
	for ci, c := range r.s.Workers[wi].Cycles {
		pause(t, c.Delay)
		// The result is recorded by the harness. A failed Create (rule P9)
		// changes nothing here: the calls that follow must then return at
		// once, and checking that is the point.
		r.h.Create(t, wi, r.routine(wi, ci), startParam{wi, ci})
		t.SetEvent(r.created[wi][ci])
		pause(t, c.OfflineDelay)
		r.act(t, c.Offline, self)
		var terms []sim.Handle
		for _, ti := range r.byCycle[wi][ci] {
			terms = append(terms, r.terms[ti])
		}
		waitAll(t, terms)
		if c.Reap {
			r.h.TerminateEx(t, wi, sim.Infinite, false)
		}
	}
}

func (r *run) terminator(t *sim.Thread, ti int) {
	t.SetName("terminator " + strconv.Itoa(ti))
	term := r.s.Terminators[ti]
	for _, wi := range term.Workers {
		if wi >= 0 && len(r.s.Workers[wi].Cycles) > 0 {
			t.WaitForSingleObject(r.created[wi][term.Cycle], sim.Infinite)
		}
	}
	pause(t, term.Delay)
	r.act(t, term.Action, term.Workers)
	if !term.Release {
		return
	}
	for _, wi := range term.Workers {
		if wi >= 0 && len(r.s.Workers[wi].Cycles) > 0 {
			if ev := r.release[wi][term.Cycle]; ev != 0 {
				t.SetEvent(ev)
			}
		}
	}
}

// routine returns the start routine of struct wi's cycle ci.
func (r *run) routine(wi, ci int) sim.StartRoutine {
	b := r.s.Workers[wi].Cycles[ci].Behavior
	return func(t *sim.Thread, w *sim.ClusWorker, param any) uint32 {
		t.SetName("w" + strconv.Itoa(wi) + " routine c" + strconv.Itoa(ci))
		if w != r.h.Worker(wi) || param != (startParam{wi, ci}) {
			panic(fmt.Sprintf("scenario: the start routine of w%d cycle %d got the wrong struct or parameter (rule D1)", wi, ci))
		}
		sawTrue := false
		switch b.Kind {
		case Poll:
			sawTrue = r.poll(t, wi, b)
		case Finite:
			sawTrue = r.work(t, wi, b)
		case Stubborn:
			for range b.Steps {
				t.Sleep(b.Sleep)
			}
			if b.UntilRelease {
				for t.WaitForSingleObject(r.release[wi][ci], b.Sleep) == sim.WaitTimeout {
				}
			}
			sawTrue = r.poll(t, wi, b)
		case SelfTerminate:
			t.WaitForSingleObject(r.created[wi][ci], sim.Infinite)
			if sawTrue = r.work(t, wi, b); !sawTrue {
				r.act(t, b.Self, []int{wi})
				for range b.CheckAfter {
					t.Sleep(b.Sleep)
					sawTrue = r.h.CheckTerminate(t, wi) || sawTrue
				}
			}
		}
		if sawTrue {
			// The work in hand is finished before the routine returns.
			for range b.Linger {
				t.Sleep(b.Sleep)
			}
		}
		return sim.ErrorSuccess
	}
}

// poll sleeps a step at a time and checks the flag every b.Every steps
// until it is TRUE; it reports true, for symmetry with work.
func (r *run) poll(t *sim.Thread, wi int, b Behavior) bool {
	for i := 1; ; i++ {
		t.Sleep(b.Sleep)
		if i%b.Every == 0 && r.h.CheckTerminate(t, wi) {
			return true
		}
	}
}

// work takes b.Steps steps, checking the flag every b.Every steps when
// b.Every > 0; it reports whether it stopped because the flag was TRUE.
func (r *run) work(t *sim.Thread, wi int, b Behavior) bool {
	for i := 1; i <= b.Steps; i++ {
		t.Sleep(b.Sleep)
		if b.Every > 0 && i%b.Every == 0 && r.h.CheckTerminate(t, wi) {
			return true
		}
	}
	return false
}
