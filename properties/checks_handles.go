package properties

// Handles: closed exactly once (P2) and none leaked (P6).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// checkHandles: rule P2, every kernel fault the implementation caused, and
// every struct's hThread NULL once the run's clean-up is done.
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
	for w := range a.workers {
		// The last call on w is the clean-up TerminateEx(INFINITE, FALSE).
		var last *sim.Call
		for i := range a.calls {
			if c := &a.calls[i]; c.Worker == w && c.Kind == sim.CallTerminateEx {
				last = c
			}
		}
		if last != nil && last.Returned && last.Result == sim.ErrorSuccess && last.HThread != 0 {
			vs = append(vs, newViolation(model.P2, last.ReturnTick, last.ReturnStep, []scheduler.ThreadID{last.Thread},
				"%s returned ERROR_SUCCESS but left hThread = %v: the call that observes the exit must close the handle and set hThread to NULL",
				describe(last), last.HThread))
		}
	}
	return vs
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
