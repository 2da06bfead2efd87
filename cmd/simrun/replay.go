package main

import (
	"fmt"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/traces"
)

const replayAbout = `
Re-execute the run a trace records, against the built-in implementation the
trace names, and check that it reproduces the recorded log and history
exactly. Prints the run as a per-thread timeline (the step of the first
violation is marked ">>") and the verdict of the checks.

Exit status: 0 when the replay breaks no rule, 1 when it breaks one, 2 when
the file is not a valid trace, names an unknown implementation, or the
replay diverges from the recording (the message names the tick and step).`

// runReplay is "simrun replay".
func runReplay(e *env, args []string) int {
	f := newFlags(e, "replay", "[flags] FILE", replayAbout)
	width := f.Int("width", 0, "`WIDTH` of one thread's column in the timeline (default 30)")
	steps := f.Bool("steps", false, "show every scheduling step, cell loads and stores included")
	quiet := f.Bool("quiet", false, "print the verdict only, not the timeline")
	linBudget := linBudgetFlag(f)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.usageError("replay", "replay takes exactly one trace file")
	}
	if err := (traces.ViewOptions{Width: *width}).Validate(); err != nil {
		return e.usageError("replay", "--width: %v", err)
	}
	if *linBudget < 1 {
		return e.usageError("replay", "--lin-budget must be at least 1")
	}
	path := pos[0]
	tr, impl, err := readTrace(path)
	if err != nil {
		return e.errorf("%v", err)
	}
	o, err := properties.ReplayLin(tr, impl.New, *linBudget)
	if err != nil {
		return e.errorf("%s: %v", path, err)
	}
	documentedOnly := tr.Config.Tier == tierDocumented
	got := o.Trace(tr.Impl, specOf(tr), tr.Config.MaxSteps, documentedOnly)
	if !*quiet {
		fmt.Fprint(e.stdout, traces.Timeline(got, traces.ViewOptions{Width: *width, Steps: *steps}))
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "replayed %s: %s on %s reproduces the recording exactly (%s, %s, %d ms of virtual time)\n",
		traces.Sanitize(path), tr.Impl, traces.Sanitize(tr.Scenario.Name), plural(int(o.Result.Steps), "step"), plural(len(o.Result.Decisions), "decision"),
		o.Result.Time)
	if rule := model.RuleID(tr.Verdict.Rule); rule != o.First().Rule {
		fmt.Fprintf(e.stdout, "note: the recording's verdict was %q, the checks of this simrun say %q (the checks changed since)\n",
			traces.Sanitize(verdictName(rule)), verdictName(o.First().Rule))
	}
	if o.Lin.Undecided() {
		fmt.Fprint(e.stdout, wrap("note: "+properties.LinUndecidedNote(o.Lin.Budget, 1), textWidth, ""))
	}
	if !o.Failed() && o.Lin.Undecided() {
		fmt.Fprintf(e.stdout, "verdict: no rule broken, but %s, so LIN is not checked\n", o.Lin)
		return exitOK
	}
	if !o.Failed() {
		fmt.Fprintf(e.stdout, "verdict: PASS, no rule broken\n")
		return exitOK
	}
	v := o.First()
	fmt.Fprintf(e.stdout, "verdict: FAIL, %s (%s tier) at step %d\n", v.Rule, v.Tier, v.Step)
	printFailureBody(e, v.Rule, v.Message, "")
	if n := len(o.Violations) - 1; n > 0 && *quiet {
		fmt.Fprintf(e.stdout, "      (%d more %s in this run; drop --quiet to list them)\n", n, pluralWord(n, "violation"))
	}
	return exitFailure
}

// verdictName renders a rule ID, or "no rule broken" for none.
func verdictName(rule model.RuleID) string {
	if rule == "" {
		return "no rule broken"
	}
	return string(rule)
}

// linBudgetFlag defines --lin-budget, the budget of each run's LIN check,
// on the flags of a command that checks runs.
func linBudgetFlag(f *flags) *int64 {
	return f.Int64("lin-budget", model.DefaultBudget,
		"budget `N` of each run's LIN (linearizability) check in model steps; a check that runs out of it is reported as undecided, neither a failure nor a pass")
}
