package properties

import (
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
	return analyzeLin(res, h, linBudget, nil)
}

// analyzeLin is AnalyzeLin with a cache of LIN verdicts (nil: none).
func analyzeLin(res *sim.Result, h *sim.Harness, linBudget int64, cache *linCache) ([]Violation, LinResult) {
	if res.Abandoned {
		// The engine gave the run up while a goroutine was still stuck
		// outside the simulation; that goroutine may still write to the
		// harness, so nothing but the engine's own verdict is read.
		return (&analysis{res: res, events: res.Events}).checkEngine(), LinResult{}
	}
	a := analyze(res, h)
	var vs []Violation
	vs = append(vs, a.checkEngine()...)
	if f := res.Failure; f != nil && f.Kind == scheduler.Escape {
		// Simulated code left the simulation: what the log shows after that
		// point is not a schedule of the simulated threads, and judging it
		// would blame the implementation for the escape's side effects.
		return vs, LinResult{}
	}
	lin, lr := a.checkLinearizable(linBudget, cache)
	vs = append(vs, lin...)
	for _, check := range []func() []Violation{
		a.checkSignalOrder, a.checkFirstElection, a.checkCreateResult, a.checkSelfCalls, a.checkHandles, a.checkTimeouts,
		a.checkPrompt, a.checkLeaks, a.checkSignalAll, a.checkCreateFailure, a.checkRaces, a.checkKills,
	} {
		vs = append(vs, check()...)
	}
	return sortViolations(vs), lr
}
