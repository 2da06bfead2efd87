package properties

import (
	"fmt"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/traces"
)

// LinResult is what the linearizability check (rule LIN) of one run found.
// The check has a budget in model steps (see model.CheckBudget), never in
// wall time, so the same run always gives the same LinResult on any
// machine.
type LinResult struct {
	// Verdict is the check's verdict; zero when it did not run (the run
	// diverged, or the harness built a malformed history, which is
	// reported as a LIN violation of its own).
	Verdict model.Verdict
	// Budget is the check's budget in model steps, Steps the steps it used.
	Budget, Steps int64
}

// Undecided reports whether the check ran out of budget before it could
// decide. An undecided check is neither a violation nor a pass; the reports
// say so.
func (l LinResult) Undecided() bool { return l.Verdict == model.Undecided }

// String renders the result, e.g. "LIN linearizable in 312 model steps" or
// "LIN undecided within budget 500000 model steps".
func (l LinResult) String() string {
	switch l.Verdict {
	case 0:
		return "LIN not checked"
	case model.Undecided:
		return fmt.Sprintf("LIN undecided within budget %d model steps", l.Budget)
	}
	return fmt.Sprintf("LIN %s in %d model steps", l.Verdict, l.Steps)
}

// LinUndecidedNote is the sentence a report prints when the LIN check of
// runs runs was undecided within budget model steps: what happened, that
// it is no failure, and how to raise the budget (the Option, the test
// flag, and simrun's flag).
func LinUndecidedNote(budget int64, runs int) string {
	more := budget * 4
	if budget <= 0 || more/4 != budget {
		more = model.DefaultBudget
	}
	what := "runs"
	if runs == 1 {
		what = "run"
	}
	return fmt.Sprintf("LIN undecided within budget %d model steps in %d %s (neither a failure nor a pass); "+
		"raise it with properties.LinBudget(%d) / -simrun.linbudget=%d / --lin-budget %d",
		budget, runs, what, more, more, more)
}

// ReplayLin is [Replay] whose checks give the LIN check a budget of
// linBudget model steps instead of model.DefaultBudget.
func ReplayLin(tr *traces.Trace, newAPI func() sim.WorkerAPI, linBudget int64) (*Outcome, error) {
	return replay(tr, newAPI, linBudget)
}

// SetLinBudget sets the budget of the runner's LIN checks, in model steps
// (model.DefaultBudget unless set; see model.CheckBudget).
func (r *Runner) SetLinBudget(steps int64) { r.linBudget = steps }

// LinUndecided returns how many runs of the runner so far had a LIN check
// that was undecided within its budget.
func (r *Runner) LinUndecided() int { return r.linUndecided }

// linNote is the line String appends when some runs' LIN check was
// undecided ("" when none was): "\n" and LinUndecidedNote.
func (r *Report) linNote() string {
	if r.LinUndecided == 0 {
		return ""
	}
	return "\n" + LinUndecidedNote(r.LinBudget, r.LinUndecided)
}

// linVerbose is Visualize's LIN check: model.CheckVerboseBudget with
// model.DefaultBudget, its verdict in porcupine's terms (porcupine.Unknown
// when undecided) and the linearization information to draw, which
// porcupine.Visualize replays with model.New().
func linVerbose(ops []porcupine.Operation) (porcupine.CheckResult, porcupine.LinearizationInfo) {
	v, _, info := model.CheckVerboseBudget(ops, model.DefaultBudget)
	switch v {
	case model.Linearizable:
		return porcupine.Ok, info
	case model.NotLinearizable:
		return porcupine.Illegal, info
	}
	return porcupine.Unknown, info
}
