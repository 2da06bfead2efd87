package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"time"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// The default run checks one implementation that must pass and the
// historical logic, whose known bugs it must find.
const (
	defaultCorrect = "reference"
	defaultBuggy   = "literal"
	// defaultBatterySeed is the first seed of the default run.
	defaultBatterySeed = 0
	// sweepDFSBound is the preemption bound of the sweep's DFS, as in the
	// battery.
	sweepDFSBound = 1
	// oneLine bounds the messages of the "also found" list.
	oneLine = 70
)

// sighting is the first run in which the sweep saw a rule broken.
type sighting struct {
	v        properties.Violation
	first    model.RuleID // the run's first violated rule
	scenario string
	spec     properties.StrategySpec
	trace    string
}

// runDefault is simrun with no arguments: the conformance battery on the
// reference implementation (which passes), then the battery's schedules on
// the historical logic scenario by scenario, going on after failures until
// every rule it is known to break has shown, with a short summary. It
// returns 0 when every result is what the catalogue expects.
func runDefault(e *env, _ []string) int {
	ref, err := lookupImpl(defaultCorrect)
	if err != nil {
		return e.errorf("%v", err)
	}
	lit, err := lookupImpl(defaultBuggy)
	if err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "clussim: executable spec and model checker for the CLUS_WORKER API\n")
	fmt.Fprintf(e.stdout, "(ClusWorkerCreate, CheckTerminate, Terminate, TerminateEx, ClusWorkersTerminate)\n\n")
	fmt.Fprint(e.stdout, wrap(fmt.Sprintf("The conformance battery runs %d named scenarios under random, PCT and "+
		"DFS schedules, plus generated ones, on a simulated Win32 kernel, and checks %d rules after every run.",
		len(scenario.Names()), len(model.Rules())), 80, ""))
	fmt.Fprintln(e.stdout)

	// The correct implementation: the full battery.
	t0 := time.Now()
	refRep, err := battery(ref, []properties.Option{properties.Budget(properties.DefaultBudget),
		properties.Seed(defaultBatterySeed), properties.TraceDir(defaultTraceDir)})
	if err != nil {
		return e.errorf("%s: %v", ref.Name, err)
	}
	refOK, _ := asExpected(ref, refRep, false)
	if refRep.Failure == nil {
		fmt.Fprintf(e.stdout, "  %-10s PASS  no rule broken in %s%s\n", ref.Name, plural(refRep.Runs, "run"), secs(t0))
	} else {
		v := refRep.Failure.First()
		fmt.Fprintf(e.stdout, "  %-10s FAIL  breaks %s in %s: UNEXPECTED%s\n", ref.Name, v.Rule,
			refRep.Failure.Scenario.Name, secs(t0))
		if refRep.Trace != "" {
			fmt.Fprintf(e.stdout, "             replay: %s\n", refRep.Replay)
		}
	}

	// The historical logic: every rule it breaks, with one trace each.
	t0 = time.Now()
	seen, runs, err := sweep(lit)
	if err != nil {
		return e.errorf("%s: %v", lit.Name, err)
	}
	var rules, unexpected, missing []model.RuleID
	for _, s := range seen {
		rules = append(rules, s.v.Rule)
		if !slices.Contains(lit.Breaks, s.v.Rule) {
			unexpected = append(unexpected, s.v.Rule)
		}
	}
	for _, r := range lit.Breaks {
		if !slices.Contains(rules, r) {
			missing = append(missing, r)
		}
	}
	if len(seen) == 0 {
		fmt.Fprintf(e.stdout, "  %-10s PASS  no rule broken in %s: UNEXPECTED%s\n", lit.Name, plural(runs, "run"), secs(t0))
	} else {
		fmt.Fprintf(e.stdout, "  %-10s FAIL  breaks %s in %s%s\n", lit.Name, model.JoinRuleIDs(rules, " "),
			plural(runs, "run"), secs(t0))
	}
	if len(seen) > 0 {
		printSightings(e, lit, seen)
	}

	fmt.Fprintln(e.stdout)
	ok := refOK && len(seen) > 0 && len(unexpected) == 0
	if ok {
		fmt.Fprintf(e.stdout, "OK: every result is what the catalogue expects.\n")
		if len(missing) > 0 {
			fmt.Fprintf(e.stdout, "(the catalogue also lists %s for %s; this run did not see them)\n",
				model.JoinRuleIDs(missing, " "), lit.Name)
		}
	} else {
		fmt.Fprintf(e.stdout, "NOT AS EXPECTED:")
		if !refOK {
			fmt.Fprintf(e.stdout, " %s should pass;", ref.Name)
		}
		if len(seen) == 0 {
			fmt.Fprintf(e.stdout, " %s should break %s;", lit.Name, model.JoinRuleIDs(lit.Breaks, " "))
		}
		if len(unexpected) > 0 {
			fmt.Fprintf(e.stdout, " %s broke %s, which the catalogue does not list for it;", lit.Name, model.JoinRuleIDs(unexpected, " "))
		}
		fmt.Fprintln(e.stdout)
	}
	fmt.Fprintf(e.stdout, "next: simrun list | simrun explore --impl bug-check-then-set | simrun check --impl all | simrun help\n")
	if !ok {
		return exitFailure
	}
	return exitOK
}

// printSightings shows the headline failure in full and the other rules in
// one line each.
func printSightings(e *env, entry impls.Entry, seen []sighting) {
	// The headline: the rule the catalogue lists first among those whose
	// trace shows it as the run's first violation, so that the replay
	// opens with it.
	head := 0
	for i, s := range seen {
		if s.first == s.v.Rule && (seen[head].first != seen[head].v.Rule || rank(entry.Breaks, s.v.Rule) < rank(entry.Breaks, seen[head].v.Rule)) {
			head = i
		}
	}
	h := seen[head]
	fmt.Fprintf(e.stdout, "\n%s breaks %s (%s tier): %s\n", entry.Name, h.v.Rule, h.v.Tier, ruleTitle(h.v.Rule))
	fmt.Fprintf(e.stdout, "  scenario %s, %s, step %d:\n", h.scenario, h.spec, h.v.Step)
	fmt.Fprint(e.stdout, wrap(h.v.Message, textWidth, "  "))
	fmt.Fprintf(e.stdout, "  trace:  %s\n  replay: %s\n", h.trace, replayCommand(h.trace))
	if len(seen) == 1 {
		return
	}
	fmt.Fprintf(e.stdout, "\n  also broken (one trace each: %s):\n", filepath.ToSlash(filepath.Join(defaultTraceDir, entry.Name+"-SCENARIO-RULE.json")))
	for i, s := range seen {
		if i != head {
			fmt.Fprintf(e.stdout, "    %-5s %-10s %-20s %s\n", s.v.Rule, s.v.Tier, s.scenario, clip(s.v.Message, oneLine))
		}
	}
}

// sweep runs the battery's schedules on every named scenario, going on
// after failures, and returns the first sighting of every rule the runs
// break (each saved as a trace), in the order found, and the number of runs.
// It stops as soon as every rule the catalogue lists for entry has shown.
func sweep(entry impls.Entry) ([]sighting, int, error) {
	var jobs []properties.Job
	for _, sc := range scenario.Named() {
		for _, spec := range []properties.StrategySpec{
			{Name: "random", Seed: defaultBatterySeed},
			{Name: "pct", Seed: defaultBatterySeed, Depth: properties.DefaultPCTDepth, MaxSteps: properties.DefaultPCTMaxSteps},
			{Name: "dfs", Depth: sweepDFSBound},
		} {
			jobs = append(jobs, properties.Job{Scenario: &sc, Strategy: spec, Budget: properties.DefaultBudget})
		}
	}
	var seen []sighting
	runs := 0
	complete := func() bool {
		for _, r := range entry.Breaks {
			if !slices.ContainsFunc(seen, func(s sighting) bool { return s.v.Rule == r }) {
				return false
			}
		}
		return true
	}
	var saveErr error
	observe := func(job int, o *properties.Outcome, spec properties.StrategySpec) bool {
		runs++
		sc := jobs[job].Scenario
		for _, v := range o.Violations {
			if slices.ContainsFunc(seen, func(s sighting) bool { return s.v.Rule == v.Rule }) {
				continue
			}
			path := filepath.Join(defaultTraceDir, fileName(entry.Name, sc.Name, string(v.Rule)))
			tr := o.Trace(entry.Name, spec, properties.DefaultMaxSteps, false)
			if err := tr.WriteFile(path); err != nil {
				saveErr = fmt.Errorf("save trace: %v", err)
				return false
			}
			seen = append(seen, sighting{v: v, first: o.First().Rule, scenario: sc.Name, spec: spec,
				trace: filepath.ToSlash(path)})
		}
		return !complete()
	}
	if complete() {
		return seen, 0, nil
	}
	results := properties.Explore(entry.New, properties.Exploration{Jobs: jobs, KeepGoing: true, Observe: observe,
		MaxSteps: properties.DefaultMaxSteps})
	if saveErr != nil {
		return nil, runs, saveErr
	}
	for _, res := range results {
		if res != nil && res.Err != nil {
			return nil, runs, res.Err
		}
	}
	return seen, runs, nil
}

// rank is the position of rule in rules, or len(rules) when absent.
func rank(rules []model.RuleID, rule model.RuleID) int {
	if i := slices.Index(rules, rule); i >= 0 {
		return i
	}
	return len(rules)
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-3] + "..."
}

// secs renders the time since t0 for a summary row.
func secs(t0 time.Time) string { return fmt.Sprintf("  (%.1fs)", time.Since(t0).Seconds()) }
