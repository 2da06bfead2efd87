package properties

// Handles: closed exactly once (P2) and none leaked (P6).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// checkHandles: rule P2, every kernel fault the implementation caused, and
// hThread NULL after every call that reports the thread gone.
func (a *analysis) checkHandles() []Violation {
	var vs []Violation
	for _, f := range a.res.Faults {
		if !f.Impl {
			continue
		}
		v := newViolation(model.P2, f.Tick, f.Step, []scheduler.ThreadID{f.Thread}, "%s", f.String())
		v.Fault = f.Kind
		vs = append(vs, v)
	}
	if a.res.Failure != nil {
		return vs
	}
	for _, c := range a.callsOf(sim.CallTerminate, sim.CallTerminateEx, sim.CallWorkersTerminate) {
		if v, ok := a.leftHandle(c); !ok {
			vs = append(vs, v)
		}
	}
	return vs
}

// leftHandle judges what a call that reports the thread gone leaves in
// hThread: a TerminateEx or ClusWorkersTerminate that returned
// ERROR_SUCCESS, and a first ClusWorkerTerminate (which returns only once
// the thread has exited), must leave every struct it names with hThread
// NULL, since the call that observes the exit closes the handle (P2), and
// a handle left behind is closed again, or clears a later incarnation's,
// when its stale clean-up runs. It reports false, with the violation, when
// the call left one set. Self-calls are not judged: they return while
// their own thread runs.
func (a *analysis) leftHandle(c *sim.Call) (Violation, bool) {
	if !c.Returned || c.Self {
		return Violation{}, true
	}
	// A call that returned while a routine it names still ran broke D5,
	// D8 or D9, not P2; only a call whose threads are gone is judged here.
	gone := func(w int) bool {
		inc := a.incarnationAt(w, c.CallTick)
		return inc == nil || inc.exit >= 0 && inc.exit < c.ReturnTick
	}
	bad := func(w int, h sim.Handle, what string) (Violation, bool) {
		return newViolation(model.P2, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
			"%s %s but left w%d's hThread = %v: the call that observes the exit must close the handle and set hThread to NULL",
			describe(c), what, w, h), false
	}
	switch c.Kind {
	case sim.CallTerminateEx:
		if c.Result == sim.ErrorSuccess && c.HThread != 0 && gone(c.Worker) {
			return bad(c.Worker, c.HThread, "returned ERROR_SUCCESS")
		}
	case sim.CallWorkersTerminate:
		if c.Result != sim.ErrorSuccess {
			break
		}
		for j, w := range c.Workers {
			if j < len(c.HThreads) && c.HThreads[j] != 0 && gone(w) {
				return bad(w, c.HThreads[j], "returned ERROR_SUCCESS")
			}
		}
	case sim.CallTerminate:
		if _, first := a.raisedBy(c.Worker, c); first && c.HThread != 0 && gone(c.Worker) {
			return bad(c.Worker, c.HThread, "was the first Terminate, so it returned only after the thread exited,")
		}
	}
	return Violation{}, true
}

// checkLeaks: rule P6, after the clean-up every handle the implementation
// opened is closed.
func (a *analysis) checkLeaks() []Violation {
	if a.res.Failure != nil {
		return nil
	}
	var vs []Violation
	end := int64(len(a.events))
	for _, h := range a.res.Handles {
		if h.Impl && h.Open {
			vs = append(vs, newViolation(model.P6, end, a.stepAt(end-1), []scheduler.ThreadID{h.OpenedBy},
				"handle %v to %s, opened by %s on T%d at step %d, is still open after the final ClusWorkerTerminateEx(INFINITE, FALSE) on every struct",
				h.Handle, h.Object, h.OpenedOp, h.OpenedBy, h.OpenedStep))
		}
	}
	return vs
}
