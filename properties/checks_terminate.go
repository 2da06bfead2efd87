package properties

// The Terminate family: signal order and the first caller (D5-D8), self
// calls (P1), timeouts (P3, D8, D9) and prompt returns (P5, D6).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"slices"
)

// checkSignalOrder: TerminateEx signals before it waits (D8, current
// pages), and never signals with WaitOnly TRUE (D8). (ClusWorkersTerminate's
// order is rule P7's business.)
func (a *analysis) checkSignalOrder() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminateEx, sim.CallWorkersTerminate) {
		targets := []int{c.Worker}
		if c.Kind == sim.CallWorkersTerminate {
			targets = c.Workers
		}
		end := a.end(c)
		for _, w := range targets {
			if w < 0 {
				continue
			}
			writes := a.writesBy(w, c.Thread, c.CallTick, end)
			var set *flagWrite
			for i := range writes {
				if writes[i].value {
					set = &writes[i]
					break
				}
			}
			if c.WaitOnly {
				if set != nil {
					vs = append(vs, newViolation(model.D8, set.tick, set.step, []scheduler.ThreadID{c.Thread},
						"%s has WaitOnly TRUE but set w%d's Terminate flag at step %d; with WaitOnly it must only wait", describe(c), w, set.step))
				}
				continue
			}
			if c.Kind != sim.CallTerminateEx || c.Self {
				continue
			}
			waits := a.waitsIn(c.Thread, c.CallTick, end)
			if len(waits) == 0 {
				continue
			}
			first := waits[0]
			inc := a.incarnationAt(w, c.CallTick)
			running := inc != nil && inc.start >= 0 && inc.start < first && (inc.exit < 0 || inc.exit > first)
			switch {
			case set != nil && first < set.tick:
				vs = append(vs, newViolation(model.D8, set.tick, set.step, []scheduler.ThreadID{c.Thread},
					"%s waited (step %d) before it set w%d's Terminate flag (step %d); it must signal the thread first, then wait",
					describe(c), a.stepAt(first), w, set.step))
			case set == nil && running && !a.flagAt(w, first):
				vs = append(vs, newViolation(model.D8, first, a.stepAt(first), []scheduler.ThreadID{c.Thread},
					"%s began to wait (step %d) for w%d's routine without having set its Terminate flag; with WaitOnly FALSE it must signal the thread first",
					describe(c), a.stepAt(first), w))
			}
		}
	}
	return vs
}

// checkFirstElection: rule D7, exactly one Terminate is first. A Terminate
// that read the flag FALSE and then stored TRUE blindly, after another
// thread had set it in between, acted as first a second time.
func (a *analysis) checkFirstElection() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminate) {
		end := a.end(c)
		var readFalse *flagWrite
		for i, r := range a.reads[c.Worker] {
			if r.thread == c.Thread && r.tick > c.CallTick && r.tick < end && !r.value {
				readFalse = &a.reads[c.Worker][i]
				break
			}
		}
		if readFalse == nil {
			continue
		}
		for _, f := range a.writesBy(c.Worker, c.Thread, readFalse.tick, end) {
			if !f.value || !f.blind {
				continue
			}
			for _, other := range a.flags[c.Worker] {
				if other.thread != c.Thread && other.value && other.tick > readFalse.tick && other.tick < f.tick {
					vs = append(vs, newViolation(model.D7, f.tick, f.step, []scheduler.ThreadID{c.Thread, other.thread},
						"%s read the flag FALSE at step %d and stored TRUE at step %d, but T%d had set it at step %d in between: two callers both acted as the first Terminate",
						describe(c), readFalse.step, f.step, other.thread, other.step))
					break
				}
			}
			break
		}
	}
	return vs
}

// checkSelfCalls: rule P1 for calls that returned (a self-call that never
// returned is reported by checkEngine).
func (a *analysis) checkSelfCalls() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminate, sim.CallTerminateEx, sim.CallWorkersTerminate) {
		if !c.Self || !c.Returned {
			continue
		}
		if c.Kind != sim.CallTerminate && c.Result != sim.ErrorPossibleDeadlock {
			vs = append(vs, newViolation(model.P1, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s was called by the worker's own thread and returned %s; it must return ERROR_POSSIBLE_DEADLOCK at once",
				describe(c), sim.ErrorName(c.Result)))
			continue
		}
		if b := a.timeoutsIn(c.Thread, c.CallTick, c.ReturnTick); len(b) > 0 {
			vs = append(vs, newViolation(model.P1, b[0], a.stepAt(b[0]), []scheduler.ThreadID{c.Thread},
				"%s was called by the worker's own thread and sat in a timed wait until step %d; a self-call must set the flag and return without waiting",
				describe(c), a.stepAt(b[0])))
		} else if n := a.ownSteps(c.Thread, c.CallTick, c.ReturnTick); n > promptSteps {
			vs = append(vs, newViolation(model.P1, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s was called by the worker's own thread and took %d steps of its own (the bound is %d); a self-call must return at once",
				describe(c), n, promptSteps))
		}
		if v, ok := a.selfSignalSeen(c); !ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// selfSignalSeen judges what a signalling self-call leaves behind: once it
// returned, the worker's next CheckTerminate on its own struct must return
// TRUE (P1: a self-call sets the flag). It reports false, with the
// violation, when that CheckTerminate returned FALSE.
func (a *analysis) selfSignalSeen(c *sim.Call) (Violation, bool) {
	if c.Kind != sim.CallTerminate && c.WaitOnly {
		return Violation{}, true
	}
	for _, chk := range a.callsOf(sim.CallCheckTerminate) {
		if chk.Thread != c.Thread || chk.CallTick < c.ReturnTick || !chk.Returned {
			continue
		}
		if c.Kind == sim.CallWorkersTerminate && !slices.Contains(c.Workers, chk.Worker) ||
			c.Kind != sim.CallWorkersTerminate && chk.Worker != c.Worker {
			continue
		}
		if chk.Result != 0 {
			return Violation{}, true
		}
		return newViolation(model.P1, chk.ReturnTick, chk.ReturnStep, []scheduler.ThreadID{c.Thread},
			"%s was called by the worker's own thread and returned at step %d, yet the worker's next %s returned FALSE: a self-call must set the flag",
			describe(c), c.ReturnStep, describe(chk)), false
	}
	return Violation{}, true
}

// checkTimeouts: rule P3, TerminateEx and ClusWorkersTerminate return no
// later than their timeout on the virtual clock.
func (a *analysis) checkTimeouts() []Violation {
	var vs []Violation
	endTime := int64(0)
	if n := len(a.events); n > 0 {
		endTime = a.events[n-1].Time
	}
	for _, c := range a.callsOf(sim.CallTerminateEx, sim.CallWorkersTerminate) {
		if c.Timeout == sim.Infinite {
			continue
		}
		limit := c.CallTime + int64(c.Timeout)
		// One overall timeout is ClusWorkersTerminate's documented contract
		// (D9); for TerminateEx, returning by the timeout on the virtual
		// clock is this project's precise reading (P3).
		rule := model.P3
		if c.Kind == sim.CallWorkersTerminate {
			rule = model.D9
		}
		switch {
		case c.Returned && c.ReturnTime > limit:
			vs = append(vs, newViolation(rule, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s returned at %d ms of virtual time, %d ms after it was called; it must return within its timeout",
				describe(c), c.ReturnTime, c.ReturnTime-c.CallTime))
		case !c.Returned && endTime > limit:
			vs = append(vs, newViolation(rule, int64(len(a.events)), a.stepAt(int64(len(a.events))-1), []scheduler.ThreadID{c.Thread},
				"%s never returned, although its timeout elapsed at %d ms of virtual time", describe(c), limit))
		}
	}
	return vs
}

// checkPrompt: a Terminate that finds the flag already set does not wait
// for the thread (D6), and returns in a bounded number of its own steps even
// when the worker never exits (P5).
func (a *analysis) checkPrompt() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminate) {
		if c.Self {
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		if inc == nil || !a.flagAt(c.Worker, c.CallTick) {
			continue
		}
		end := a.end(c)
		switch {
		case !c.Returned:
			vs = append(vs, newViolation(model.P5, end, a.stepAt(end-1), []scheduler.ThreadID{c.Thread},
				"%s began after the flag was set, so it is not the first Terminate, yet it never returned", describe(c)))
		case inc.exit > c.CallTick && inc.exit < end && a.waitingAt(c.Thread, inc.exit):
			vs = append(vs, newViolation(model.D6, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
				"%s began after the flag was set, so it is not the first Terminate, yet it was still waiting when the routine (T%d) exited at step %d: a non-first Terminate must return at once, without waiting for the thread",
				describe(c), inc.thread, a.stepAt(inc.exit)))
		case a.ownSteps(c.Thread, c.CallTick, end) > promptSteps:
			vs = append(vs, newViolation(model.P5, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s is not the first Terminate but took %d steps of its own (the bound is %d)", describe(c), a.ownSteps(c.Thread, c.CallTick, end), promptSteps))
		}
	}
	return vs
}
