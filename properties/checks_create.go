package properties

// ClusWorkerCreate: its result on a fresh or reused struct (D1, S1) and a
// failed Create (P9).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

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
