package properties

// Rule LIN, and the documented rule behind a history that does not
// linearize (D3, D5, D8, D9, S1, P3, P7).

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// checkLinearizable checks the history against the model (rule LIN) with
// a budget of budget model steps. When it is not linearizable, the
// diagnosis names the documented rule that explains it, if one does; the
// check's own statistics name the smallest part of the history (by
// struct) that fails, so the diagnosis runs no model check of its own.
// When the check is undecided within the budget there is no violation:
// the LinResult says so, and the reports print it.
func (a *analysis) checkLinearizable(budget int64, cache *linCache) ([]Violation, LinResult) {
	ops := Operations(a.calls, a.events)
	var key string
	if cache != nil {
		key = linKey(ops, budget)
		if lr, ok := cache.lookup(key); ok {
			return nil, lr
		}
	}
	if err := model.Validate(ops); err != nil {
		return []Violation{newViolation(model.LIN, int64(len(a.events)), a.stepAt(int64(len(a.events))-1), nil,
			"internal error: the harness built a malformed history: %v", err)}, LinResult{}
	}
	v, st := model.CheckBudget(ops, budget)
	lr := LinResult{Verdict: v, Budget: budget, Steps: st.Steps}
	cache.store(key, lr)
	if v != model.NotLinearizable {
		return nil, lr
	}
	if vs := a.diagnose(); len(vs) > 0 {
		return vs, lr
	}
	// No single rule explains it: report the first failing part.
	part, _ := st.Failing()
	desc := make([]string, 0, len(part.Ops))
	m := model.New()
	for _, op := range part.Ops {
		desc = append(desc, fmt.Sprintf("[%d,%d] %s", op.Call, op.Return, m.DescribeOperation(op.Input, op.Output)))
	}
	where := "the history"
	if len(part.Workers) > 0 {
		names := make([]string, len(part.Workers))
		for i, w := range part.Workers {
			names[i] = fmt.Sprintf("w%d", w)
		}
		where = "the history of " + strings.Join(names, ", ")
	}
	tick := int64(len(a.events))
	if len(part.Ops) > 0 {
		tick = part.Ops[len(part.Ops)-1].Return
	}
	return []Violation{newViolation(model.LIN, tick, a.stepAt(tick), nil,
		"%s has no linearization against the Terminate-flag model (operations as [call tick, return tick]): %s",
		where, strings.Join(desc, "; "))}, lr
}

// diagnose looks for the documented rule behind a history that does not
// linearize: each of its parts explains one way the model's rejection can
// show in the calls' results.
func (a *analysis) diagnose() []Violation {
	var vs []Violation
	for _, part := range []func() []Violation{
		a.diagnoseTerminate, a.diagnoseCheckTerminate, a.diagnoseTerminateEx, a.diagnoseWorkersCodes, a.diagnoseWorkersTerminate,
	} {
		vs = append(vs, part()...)
	}
	return vs
}

// diagnoseTerminate checks D5: the first Terminate returns only after the thread has exited.
func (a *analysis) diagnoseTerminate() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminate) {
		if !c.Returned || c.Self {
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		if inc == nil {
			continue
		}
		if inc.exit >= 0 && inc.exit < c.ReturnTick {
			continue
		}
		when := "never exited"
		if inc.exit >= 0 {
			when = fmt.Sprintf("exited later, at step %d", a.stepAt(inc.exit))
		}
		if raised, first := a.raisedBy(c.Worker, c); first {
			vs = append(vs, newViolation(model.D5, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
				"%s set the flag first (step %d) and so must wait for the thread to exit, but it returned at step %d while the routine (T%d) was still running; the routine %s",
				describe(c), raised.step, c.ReturnStep, inc.thread, when))
		} else if a.unaskedWhileRunning(inc, c) {
			vs = append(vs, newViolation(model.D5, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
				"%s was called while the routine (T%d) was running and nothing had asked it to stop, so it is the first Terminate and must wait for the thread to exit; it returned at step %d without raising the flag or waiting (was hThread lost?); the routine %s",
				describe(c), inc.thread, c.ReturnStep, when))
		}
	}
	return vs
}

// unaskedWhileRunning reports whether c, a Terminate on inc's struct, ran
// entirely while inc's thread was live and its flag FALSE: inc's Create
// returned ERROR_SUCCESS before c began, the flag was FALSE when c began,
// and nobody wrote it while c ran. Such a call can only be the first. So
// that a design that keeps its flag somewhere else is not misread, it also
// needs evidence that the implementation raises this struct's flag at all:
// some write of TRUE to it in the run.
func (a *analysis) unaskedWhileRunning(inc *incarnation, c *sim.Call) bool {
	w := c.Worker
	if cr := inc.create; !cr.Returned || cr.Result != sim.ErrorSuccess || cr.ReturnTick > c.CallTick || a.flagAt(w, c.CallTick) {
		return false
	}
	raises := false
	for _, f := range a.flags[w] {
		if f.tick > c.CallTick && f.tick < c.ReturnTick {
			return false
		}
		raises = raises || f.value
	}
	return raises
}

// diagnoseCheckTerminate checks D3 and S1: what CheckTerminate returns.
func (a *analysis) diagnoseCheckTerminate() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallCheckTerminate) {
		if !c.Returned {
			continue
		}
		got := c.Result != 0
		held := []bool{a.flagAt(c.Worker, c.CallTick)}
		for _, f := range a.flags[c.Worker] {
			if f.tick > c.CallTick && f.tick < c.ReturnTick {
				held = append(held, f.value)
			}
		}
		if !slices.Contains(held, got) {
			vs = append(vs, newViolation(model.D3, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s returned %v, but the Terminate member was %v throughout the call", describe(c), boolName(got), boolName(!got)))
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		if got && c.Self && inc != nil && !a.terminateBegan(c.Worker, inc.create.CallTick, c.ReturnTick) {
			vs = append(vs, newViolation(model.S1, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s returned TRUE in the routine started by ClusWorkerCreate #%d, but no call has signalled this incarnation: Create must reset Terminate to FALSE before the new thread can see it",
				describe(c), inc.create.ID))
		}
	}
	return vs
}

// diagnoseTerminateEx checks D8 and P3: what TerminateEx returns.
func (a *analysis) diagnoseTerminateEx() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallTerminateEx) {
		if !c.Returned || c.Self {
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		running := inc != nil && inc.start >= 0 && (inc.exit < 0 || inc.exit > c.ReturnTick)
		switch c.Result {
		case sim.ErrorSuccess:
			if running {
				vs = append(vs, newViolation(model.D8, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
					"%s returned ERROR_SUCCESS at step %d while the routine (T%d) was still running", describe(c), c.ReturnStep, inc.thread))
			}
		case sim.WaitTimeout:
			dl := deadlineTick(c, a.events)
			switch {
			case dl == 0:
				vs = append(vs, newViolation(model.D8, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
					"%s returned WAIT_TIMEOUT after %d ms of virtual time, before its timeout had elapsed", describe(c), c.ReturnTime-c.CallTime))
			case inc != nil && inc.gone >= 0 && inc.gone <= dl:
				vs = append(vs, newViolation(model.D8, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
					"%s returned WAIT_TIMEOUT, but the thread had exited (step %d) before the timeout elapsed", describe(c), a.stepAt(inc.gone)))
			}
		}
		if a.nullAt(c.Worker, c.CallTick) && c.Result != sim.ErrorSuccess {
			vs = append(vs, newViolation(model.P3, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s on a struct whose hThread is NULL returned %s; it must return ERROR_SUCCESS at once", describe(c), sim.ErrorName(c.Result)))
		}
	}
	return vs
}

// diagnoseWorkersCodes checks P7: the codes ClusWorkersTerminate returns for an empty array and for a NULL entry.
func (a *analysis) diagnoseWorkersCodes() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallWorkersTerminate) {
		if !c.Returned || c.Self {
			continue
		}
		switch {
		case slices.Contains(c.Workers, -1) && c.Result != sim.ErrorInvalidParameter:
			vs = append(vs, newViolation(model.P7, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s has a NULL entry but returned %s; it must return ERROR_INVALID_PARAMETER", describe(c), sim.ErrorName(c.Result)))
		case len(c.Workers) == 0 && c.Result != sim.ErrorSuccess:
			vs = append(vs, newViolation(model.P7, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s on an empty array returned %s; it must return ERROR_SUCCESS", describe(c), sim.ErrorName(c.Result)))
		}
	}
	return vs
}

// diagnoseWorkersTerminate checks D9: what ClusWorkersTerminate returns.
func (a *analysis) diagnoseWorkersTerminate() []Violation {
	var vs []Violation
	for _, c := range a.callsOf(sim.CallWorkersTerminate) {
		if !c.Returned || c.Self || slices.Contains(c.Workers, -1) {
			continue
		}
		switch c.Result {
		case sim.ErrorSuccess:
			for _, w := range c.Workers {
				inc := a.incarnationAt(w, c.CallTick)
				if inc != nil && inc.start >= 0 && (inc.exit < 0 || inc.exit > c.ReturnTick) {
					vs = append(vs, newViolation(model.D9, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
						"%s returned ERROR_SUCCESS at step %d while the routine of w%d (T%d) was still running", describe(c), c.ReturnStep, w, inc.thread))
					break
				}
			}
		case sim.WaitTimeout:
			if deadlineTick(c, a.events) == 0 {
				vs = append(vs, newViolation(model.D9, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
					"%s returned WAIT_TIMEOUT after %d ms of virtual time, before its timeout had elapsed", describe(c), c.ReturnTime-c.CallTime))
			}
		}
	}
	return vs
}

func boolName(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}
