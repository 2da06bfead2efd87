package main

import (
	"fmt"
	"path/filepath"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/traces"
)

// ruleNames lists the IDs of the rule table.
func ruleNames() []string {
	var out []string
	for _, r := range model.Rules() {
		out = append(out, string(r.ID))
	}
	return out
}

const shrinkAbout = `
Make a failing trace smaller while its run keeps breaking the same rule (the
rule of its first violation, or the one --rule names):
delta debugging over the decisions that differ from the default schedule
(each removed one becomes "keep running the current thread"), then simpler
scenarios (fewer terminators, structs and cycles, shorter behaviours, no
delays). The result is recorded from a strict replay, so it replays exactly.

Exit status: 0 when the shrunk trace was written, 2 when the input is not a
valid failing trace or cannot be replayed.`

// runShrink is "simrun shrink".
func runShrink(e *env, args []string) int {
	f := newFlags(e, "shrink", "[-o OUT] [--budget N] [--rule RULE] FILE", shrinkAbout)
	out := f.String("o", "", "`OUT` file for the shrunk trace (default: FILE with .shrunk.json)")
	budget := f.Int("budget", properties.DefaultShrinkBudget, "at most `N` runs of the shrinker")
	rule := f.String("rule", "", "shrink for this `RULE` of the run, even when another rule breaks first (default: the first violation's)")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.usageError("shrink", "shrink takes exactly one trace file")
	}
	if *budget < 1 {
		return e.usageError("shrink", "--budget must be at least 1")
	}
	if *rule != "" {
		if _, ok := model.LookupRule(model.RuleID(*rule)); !ok {
			return e.usageError("shrink", "%s", names.Unknown("rule", *rule, ruleNames()))
		}
	}
	path := pos[0]
	if *out == "" {
		*out = shrunkPath(path)
	}
	tr, impl, err := readTrace(path)
	if err != nil {
		return e.errorf("%v", err)
	}
	small, st, err := properties.ShrinkRule(tr, impl.New, *budget, model.RuleID(*rule))
	if err != nil {
		return e.errorf("%s: %v", path, err)
	}
	if err := small.WriteFile(*out); err != nil {
		return e.errorf("%v", err)
	}
	outPath := filepath.ToSlash(*out)
	tier := ""
	if r, ok := model.LookupRule(st.Rule); ok {
		tier = " (" + r.Tier.String() + " tier)"
	}
	fmt.Fprintf(e.stdout, "shrank %s: %s breaks %s%s in scenario %s\n\n", traces.Sanitize(path), tr.Impl, st.Rule, tier, traces.Sanitize(tr.Scenario.Name))
	fmt.Fprintf(e.stdout, "                before   after\n")
	row := func(name string, a, b int64) { fmt.Fprintf(e.stdout, "  %-12s %7d %7d\n", name, a, b) }
	row("decisions", int64(st.Before.Decisions), int64(st.After.Decisions))
	row("choices", int64(st.Before.Choices), int64(st.After.Choices))
	row("preemptions", int64(st.Before.Preemptions), int64(st.After.Preemptions))
	row("steps", st.Before.Steps, st.After.Steps)
	row("threads", int64(st.Before.Threads), int64(st.After.Threads))
	fmt.Fprintf(e.stdout, "  (choices: decisions that differ from the default \"keep the current thread\" schedule)\n")
	if st.ScenarioChanged {
		fmt.Fprintf(e.stdout, "\n  scenario before: %s\n  scenario after:  %s\n", st.Before.Scenario, st.After.Scenario)
	}
	for _, v := range small.Verdict.Violations {
		if model.RuleID(v.Rule) == st.Rule {
			fmt.Fprintf(e.stdout, "\n%s: %s (step %d)\n", st.Rule, ruleTitle(st.Rule), v.Step)
			fmt.Fprint(e.stdout, wrap(v.Message, textWidth, "  "))
			break
		}
	}
	fmt.Fprintf(e.stdout, "\nwrote %s after %s", outPath, plural(st.Runs, "run"))
	if st.Exhausted {
		fmt.Fprintf(e.stdout, " (budget used up; --budget %d may shrink it further)", 2*(*budget))
	}
	fmt.Fprintf(e.stdout, "\nreplay: %s\n", replayCommand(outPath))
	return exitOK
}
