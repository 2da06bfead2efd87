package main

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

const checkAbout = `
Run the conformance battery on an implementation: every named scenario under
the random, PCT and preemption-bounded DFS strategies, then generated
scenarios, stopping at the first run that breaks a rule. The failing run's
trace is saved in --out and the command that replays it is printed.

With --impl all, run it on every implementation of the catalogue and compare
each result with what the catalogue expects: correct ones pass, and each
buggy one breaks one of the rules it is listed with.

Exit status: 0 when no rule was broken (with --impl all: when every result
is the expected one), 1 otherwise, 2 on a usage error.`

// runCheck is "simrun check".
func runCheck(e *env, args []string) int {
	f := newFlags(e, "check", "--impl NAME|all [flags]", checkAbout)
	impl := f.String("impl", "", "implementation `NAME` to check, or all (required; see simrun list impls)")
	budget := f.Int("budget", properties.DefaultBudget, "`N` runs per strategy per named scenario")
	seed := f.Uint64("seed", 0, "first `SEED` of the random and PCT strategies")
	tier := f.String("tier", tierAll, "`TIER` of rules to check: all, or documented (the documented tier alone)")
	out := f.String("out", defaultTraceDir, "`DIR` for the trace of a failing run")
	scn := f.String("scenario", "", "comma-separated named `SCENARIOS` to restrict the battery to (default: all)")
	parallel := f.Int("parallel", runtime.GOMAXPROCS(0), "run the battery on `N` goroutines (the result does not depend on N)")
	shrink := f.Int("shrink", properties.DefaultCheckShrinkBudget, "shrink a failure with at most `N` runs and save the shrunk trace too (0: do not shrink; not with --impl all)")
	linBudget := linBudgetFlag(f)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("check", "unexpected argument %q", pos[0])
	}
	if *impl == "" {
		return e.usageError("check", "--impl is required (valid: all, %s)", strings.Join(impls.Names(), ", "))
	}
	if *budget < 1 {
		return e.usageError("check", "--budget must be at least 1")
	}
	if *linBudget < 1 {
		return e.usageError("check", "--lin-budget must be at least 1")
	}
	documentedOnly, err := parseTier(*tier)
	if err != nil {
		return e.usageError("check", "%v", err)
	}
	opts := []properties.Option{properties.Budget(*budget), properties.Seed(*seed), properties.TraceDir(*out),
		properties.LinBudget(*linBudget)}
	if documentedOnly {
		opts = append(opts, properties.DocumentedOnly())
	}
	if *scn != "" {
		var chosen []string
		for _, n := range strings.Split(*scn, ",") {
			n = strings.TrimSpace(n)
			if _, err := lookupScenario(n); err != nil || strings.HasPrefix(n, generatedPrefix) {
				return e.usageError("check", "%s", names.Unknown("named scenario", n, scenario.Names()))
			}
			chosen = append(chosen, n)
		}
		opts = append(opts, properties.Scenarios(chosen...))
	}
	if *shrink < 0 {
		return e.usageError("check", "--shrink must not be negative")
	}
	if *parallel < 1 {
		return e.usageError("check", "--parallel must be at least 1")
	}
	opts = append(opts, properties.Parallel(*parallel))
	if *impl == "all" {
		if f.isSet("shrink") {
			return e.usageError("check", "--shrink shrinks the failure of one implementation; it does not go with --impl all")
		}
		return checkAll(e, opts, documentedOnly)
	}
	opts = append(opts, properties.ShrinkBudget(*shrink))
	entry, err := lookupImpl(*impl)
	if err != nil {
		return e.usageError("check", "%v", err)
	}
	rep, err := battery(entry, opts)
	if err != nil {
		return e.errorf("check: %v", err)
	}
	fmt.Fprintln(e.stdout, rep.String())
	if rep.Failure != nil {
		if t := ruleTitle(rep.Failure.First().Rule); t != "" {
			fmt.Fprintf(e.stdout, "rule %s: %s\n", rep.Failure.First().Rule, t)
		}
	}
	_, why := asExpected(entry, rep, documentedOnly)
	fmt.Fprintf(e.stdout, "catalogue: %s\n", why)
	if rep.Failure != nil {
		return exitFailure
	}
	return exitOK
}

// battery runs properties.Battery on entry and points its replay command at
// simrun.
func battery(entry impls.Entry, opts []properties.Option) (*properties.Report, error) {
	rep, err := properties.Battery(entry.Name, entry.New, opts...)
	if err != nil {
		return nil, err
	}
	switch {
	case rep.Shrunk != "":
		rep.Replay = replayCommand(rep.Shrunk)
	case rep.Trace != "":
		rep.Replay = replayCommand(rep.Trace)
	}
	return rep, nil
}

// asExpected compares a battery's report with the catalogue, and says how.
func asExpected(entry impls.Entry, rep *properties.Report, documentedOnly bool) (bool, string) {
	j := properties.Judge(expectation(entry), rep, documentedOnly)
	return j.AsExpected, j.Why
}

// expectation is what the catalogue says of entry.
func expectation(entry impls.Entry) properties.Expectation {
	return properties.Expectation{Name: entry.Name, Correct: entry.Correct, Breaks: entry.Breaks}
}

// checkAll runs the battery on the whole catalogue.
func checkAll(e *env, opts []properties.Option, documentedOnly bool) int {
	all := impls.All()
	fmt.Fprintf(e.stdout, "conformance battery on %d implementations\n\n", len(all))
	bad := 0
	start := time.Now()
	for _, entry := range all {
		t0 := time.Now()
		rep, err := battery(entry, opts)
		if err != nil {
			return e.errorf("check: %s: %v", entry.Name, err)
		}
		ok, why := asExpected(entry, rep, documentedOnly)
		found := fmt.Sprintf("PASS  %s", plural(rep.Runs, "run"))
		if rep.Failure != nil {
			v := rep.Failure.First()
			found = fmt.Sprintf("FAIL  %-9s in %s", v.Rule, rep.Failure.Scenario.Name)
		}
		mark := "ok"
		if !ok {
			mark, bad = "UNEXPECTED", bad+1
		}
		fmt.Fprintf(e.stdout, "  %-29s %-42s %-10s %5.2fs\n", entry.Name, found, mark, time.Since(t0).Seconds())
		if rep.LinUndecided > 0 {
			fmt.Fprint(e.stdout, wrap(properties.LinUndecidedNote(rep.LinBudget, rep.LinUndecided), textWidth, "      "))
		}
		if !ok {
			fmt.Fprint(e.stdout, wrap(why, textWidth, "      "))
			if rep.Trace != "" {
				fmt.Fprintf(e.stdout, "      replay: %s\n", rep.Replay)
			}
		}
	}
	fmt.Fprintf(e.stdout, "\n%d of %d implementations behave as the catalogue expects (%.1fs)\n", len(all)-bad, len(all),
		time.Since(start).Seconds())
	if bad > 0 {
		return exitFailure
	}
	return exitOK
}
