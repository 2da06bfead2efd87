package properties

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// Analyze checks one run: its kernel result and the harness that recorded
// its history over the scenario's worker structs. It returns every violation, earliest
// first. It is a pure function of its inputs, so the same run always gives
// the same verdict.
//
// Its LIN check has a budget of model.DefaultBudget model steps; a LIN
// check that runs out of it reports nothing. [AnalyzeLin] sets the budget
// and says what the LIN check found.
func Analyze(res *sim.Result, h *sim.Harness) []Violation {
	vs, _ := AnalyzeLin(res, h, model.DefaultBudget)
	return vs
}

// AnalyzeLin is Analyze with a LIN budget of linBudget model steps (see
// model.CheckBudget); it also returns what the LIN check found. A LIN
// check that is undecided within the budget is not a violation, and its
// LinResult says so.
func AnalyzeLin(res *sim.Result, h *sim.Harness, linBudget int64) ([]Violation, LinResult) {
	a := analyze(res, h)
	var vs []Violation
	vs = append(vs, a.checkEngine()...)
	if f := res.Failure; f != nil && f.Kind == scheduler.Escape {
		// Simulated code left the simulation: what the log shows after that
		// point is not a schedule of the simulated threads, and judging it
		// would blame the implementation for the escape's side effects.
		return vs, LinResult{}
	}
	lin, lr := a.checkLinearizable(linBudget)
	vs = append(vs, lin...)
	for _, check := range []func() []Violation{
		a.checkSignalOrder, a.checkFirstElection, a.checkCreateResult, a.checkSelfCalls, a.checkHandles, a.checkTimeouts,
		a.checkPrompt, a.checkLeaks, a.checkSignalAll, a.checkCreateFailure, a.checkRaces,
	} {
		vs = append(vs, check()...)
	}
	return sortViolations(vs), lr
}

// pendingSelfCall returns a self-call (P1) that never returned, or nil.
func (a *analysis) pendingSelfCall() *sim.Call {
	for _, c := range a.callsOf(sim.CallTerminate, sim.CallTerminateEx, sim.CallWorkersTerminate) {
		if c.Self && !c.Returned {
			return c
		}
	}
	return nil
}

// checkEngine turns the engine's failure into a violation. A deadlock in
// which a thread waits in a call on its own worker is rule P1.
func (a *analysis) checkEngine() []Violation {
	f := a.res.Failure
	if f == nil {
		return nil
	}
	tick := int64(len(a.events))
	threads := []scheduler.ThreadID{}
	if f.Thread != scheduler.NoThread {
		threads = append(threads, f.Thread)
	}
	switch f.Kind {
	case scheduler.Deadlock:
		if c := a.pendingSelfCall(); c != nil {
			return []Violation{newViolation(model.P1, tick, f.Step, []scheduler.ThreadID{c.Thread},
				"%s was called by the worker's own thread and never returned: the run deadlocked at step %d waiting for the caller itself to exit (%s)",
				describe(c), f.Step, a.waits(f))}
		}
		return []Violation{newViolation(model.DEADLOCK, tick, f.Step, blockedThreads(f), "%s", f.Error())}
	case scheduler.StepBound:
		return []Violation{newViolation(model.STEPBOUND, tick, f.Step, threads, "%s", f.Error())}
	case scheduler.Panic:
		return []Violation{newViolation(model.PANIC, tick, f.Step, threads, "%s", f.Message)}
	case scheduler.Escape:
		return []Violation{newViolation(model.ESCAPE, tick, f.Step, threads, "%s", f.Message)}
	}
	// A divergence is not the implementation's fault; the caller reports it.
	return nil
}

func (a *analysis) waits(f *scheduler.Failure) string {
	var parts []string
	for _, r := range f.Threads {
		if r.State == "blocked" {
			parts = append(parts, r.String())
		}
	}
	return strings.Join(parts, "; ")
}

func blockedThreads(f *scheduler.Failure) []scheduler.ThreadID {
	var out []scheduler.ThreadID
	for _, r := range f.Threads {
		if r.State == "blocked" {
			out = append(out, r.ID)
		}
	}
	return out
}

// checkLinearizable checks the history against the model (rule LIN) with
// a budget of budget model steps. When it is not linearizable, the
// diagnosis names the documented rule that explains it, if one does; the
// check's own statistics name the smallest part of the history (by
// struct) that fails, so the diagnosis runs no model check of its own.
// When the check is undecided within the budget there is no violation:
// the LinResult says so, and the reports print it.
func (a *analysis) checkLinearizable(budget int64) ([]Violation, LinResult) {
	ops := Operations(a.calls, a.events)
	if err := model.Validate(ops); err != nil {
		return []Violation{newViolation(model.LIN, int64(len(a.events)), a.stepAt(int64(len(a.events))-1), nil,
			"internal error: the harness built a malformed history: %v", err)}, LinResult{}
	}
	v, st := model.CheckBudget(ops, budget)
	lr := LinResult{Verdict: v, Budget: budget, Steps: st.Steps}
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
// linearize.
func (a *analysis) diagnose() []Violation {
	var vs []Violation
	// D5: the first Terminate returns only after the thread has exited.
	for _, c := range a.callsOf(sim.CallTerminate) {
		if !c.Returned || c.Self {
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		if inc == nil || a.flagAt(c.Worker, c.CallTick) {
			continue
		}
		ws := a.writesBy(c.Worker, c.Thread, c.CallTick, c.ReturnTick)
		if len(ws) == 0 || !ws[0].value || (inc.exit >= 0 && inc.exit < c.ReturnTick) {
			continue
		}
		when := "never exited"
		if inc.exit >= 0 {
			when = fmt.Sprintf("exited later, at step %d", a.stepAt(inc.exit))
		}
		vs = append(vs, newViolation(model.D5, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread, inc.thread},
			"%s set the flag first (step %d) and so must wait for the thread to exit, but it returned at step %d while the routine (T%d) was still running; the routine %s",
			describe(c), ws[0].step, c.ReturnStep, inc.thread, when))
	}
	// D3 and S1: what CheckTerminate returns.
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
	// D8: what TerminateEx returns.
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
			dl := DeadlineTick(c, a.events)
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
	// P7: the codes of an empty array and of a NULL entry.
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
	// D9: what ClusWorkersTerminate returns.
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
			if DeadlineTick(c, a.events) == 0 {
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

// checkCreateResult: Create fails only when the kernel does (D1, S1): a
// failure with no injected kernel failure during the call is a refusal of a
// valid struct (a reused one, rule S1).
func (a *analysis) checkCreateResult() []Violation {
	var vs []Violation
	for w := range a.workers {
		for i, c := range a.creates[w] {
			if !c.Returned || c.Result == sim.ErrorSuccess || a.faultInjected(c) {
				continue
			}
			rule, what := model.D1, "a zeroed struct"
			if i > 0 {
				rule, what = model.S1, "a struct reused after an earlier cycle"
			}
			vs = append(vs, newViolation(rule, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
				"%s returned %s on %s although no kernel call failed; Create must (re)initialise the struct and start the thread",
				describe(c), sim.ErrorName(c.Result), what))
		}
	}
	return vs
}

// faultInjected reports whether fault injection failed a kernel call made
// by c's thread during c.
func (a *analysis) faultInjected(c *sim.Call) bool {
	end := a.end(c)
	for tick := c.CallTick + 1; tick < end && tick < int64(len(a.events)); tick++ {
		if ev := a.events[tick]; ev.Kind == scheduler.EvChoice && ev.Thread == c.Thread && ev.Result != 0 {
			return true
		}
	}
	return false
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
	}
	return vs
}

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

// checkSignalAll: rule P7, ClusWorkersTerminate signals every worker before
// any of them can see the flag, and a NULL entry touches nothing.
func (a *analysis) checkSignalAll() []Violation {
	var vs []Violation
	checks := a.callsOf(sim.CallCheckTerminate)
	for _, c := range a.callsOf(sim.CallWorkersTerminate) {
		end := a.end(c)
		if slices.Contains(c.Workers, -1) {
			for _, w := range c.Workers {
				if w < 0 {
					continue
				}
				if ws := a.writesBy(w, c.Thread, c.CallTick, end); len(ws) > 0 {
					vs = append(vs, newViolation(model.P7, ws[0].tick, ws[0].step, []scheduler.ThreadID{c.Thread},
						"%s has a NULL entry, so it must fail with ERROR_INVALID_PARAMETER and touch nothing, but it wrote w%d's Terminate flag at step %d",
						describe(c), w, ws[0].step))
					break
				}
			}
			continue
		}
		if c.WaitOnly {
			continue
		}
		// The first TRUE that a worker saw because of this call: its flag
		// was FALSE when the call began and this call raised it (a TRUE
		// raised by another terminator says nothing about this call)...
		var firstTrue *sim.Call
		for _, w := range dedupe(c.Workers) {
			if a.flagAt(w, c.CallTick) {
				continue
			}
			raised := int64(-1)
			for _, f := range a.flags[w] {
				if f.tick > c.CallTick && f.value {
					if f.thread == c.Thread && f.tick < end {
						raised = f.tick
					}
					break
				}
			}
			if raised < 0 {
				continue
			}
			for _, chk := range checks {
				if chk.Worker == w && chk.Self && chk.Returned && chk.CallTick > raised && chk.Result != 0 &&
					(firstTrue == nil || chk.ReturnTick < firstTrue.ReturnTick) {
					firstTrue = chk
				}
			}
		}
		if firstTrue == nil {
			continue
		}
		// ...must not be followed by a FALSE in another worker of the call
		// whose routine was running when the call began.
		for _, w := range dedupe(c.Workers) {
			if w == firstTrue.Worker {
				continue
			}
			inc := a.incarnationAt(w, c.CallTick)
			if inc == nil || inc.start < 0 || inc.start > c.CallTick {
				continue
			}
			for _, chk := range checks {
				if chk.Worker == w && chk.Self && chk.Returned && chk.CallTick > firstTrue.ReturnTick && chk.Result == 0 &&
					a.incarnationAt(w, chk.CallTick) == inc {
					vs = append(vs, newViolation(model.P7, chk.ReturnTick, chk.ReturnStep, []scheduler.ThreadID{c.Thread, firstTrue.Thread, chk.Thread},
						"%s: w%d's routine saw TRUE at step %d, but w%d's routine then saw FALSE at step %d; the call must signal every worker before any can see the flag",
						describe(c), firstTrue.Worker, firstTrue.ReturnStep, w, chk.ReturnStep))
					break
				}
			}
		}
	}
	return vs
}

// checkCreateFailure: rule P9, a failed Create leaves hThread NULL and runs
// nothing; a successful one runs the routine; Terminate on the NULL struct
// returns at once.
func (a *analysis) checkCreateFailure() []Violation {
	var vs []Violation
	starts := a.callsOf(sim.CallStart)
	for w := range a.workers {
		for i, c := range a.creates[w] {
			if !c.Returned {
				continue
			}
			next := int64(len(a.events))
			if i+1 < len(a.creates[w]) {
				next = a.creates[w][i+1].CallTick
			}
			if c.Result != sim.ErrorSuccess {
				if c.HThread != 0 {
					vs = append(vs, newViolation(model.P9, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
						"%s failed with %s but left hThread = %v; a failed Create must leave it NULL", describe(c), sim.ErrorName(c.Result), c.HThread))
				}
				for _, s := range starts {
					if s.Worker == w && s.CallTick > c.CallTick && s.CallTick < next {
						vs = append(vs, newViolation(model.P9, s.CallTick, s.CallStep, []scheduler.ThreadID{c.Thread, s.Thread},
							"%s failed with %s, yet the routine started on T%d at step %d", describe(c), sim.ErrorName(c.Result), s.Thread, s.CallStep))
						break
					}
				}
				continue
			}
			if a.res.Failure == nil {
				started := false
				for _, s := range starts {
					started = started || (s.Worker == w && s.CallTick > c.CallTick && s.CallTick < next)
				}
				if !started {
					vs = append(vs, newViolation(model.P9, c.ReturnTick, c.ReturnStep, []scheduler.ThreadID{c.Thread},
						"%s returned ERROR_SUCCESS but the routine never ran", describe(c)))
				}
			}
		}
	}
	for _, c := range a.callsOf(sim.CallTerminate) {
		if !a.nullAt(c.Worker, c.CallTick) || len(a.creates[c.Worker]) == 0 {
			continue
		}
		end := a.end(c)
		if n := a.ownSteps(c.Thread, c.CallTick, end); !c.Returned || n > promptSteps || len(a.timeoutsIn(c.Thread, c.CallTick, end)) > 0 {
			vs = append(vs, newViolation(model.P9, end, a.stepAt(end-1), []scheduler.ThreadID{c.Thread},
				"%s on a struct whose Create failed (hThread NULL) did not return at once (%d steps of its own, returned: %v)",
				describe(c), n, c.Returned))
		}
	}
	return vs
}

// checkRaces: data races the implementation takes part in.
func (a *analysis) checkRaces() []Violation {
	var vs []Violation
	for _, r := range a.res.Races {
		if !r.First.Impl && !r.Second.Impl {
			continue
		}
		tick := int64(len(a.events))
		for i, ev := range a.events {
			if ev.Step == r.Second.Step && ev.Thread == r.Second.Thread && ev.Kind == scheduler.EvStep {
				tick = int64(i)
				break
			}
		}
		vs = append(vs, newViolation(model.RACE, tick, r.Second.Step, []scheduler.ThreadID{r.First.Thread, r.Second.Thread}, "%s", r.String()))
	}
	return vs
}
