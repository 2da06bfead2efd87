package properties

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/internal/shell"
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Check runs the conformance battery against an implementation. newAPI is
// called once per simulated run, so an implementation may keep private
// state (a CriticalSection, a table) in the value it returns.
//
// The battery first verifies every named scenario with DPOR within
// preemption bound 1 (as far as its budget goes: the log names the
// scenarios that were fully covered, for which every schedule with at most
// one preemption is equivalent to one that was checked), then samples
// each under the random and PCT strategies, then runs scenarios and
// schedules that rapid generates and, on failure, shrinks. The first run that breaks a rule fails
// t with the rule, its tier, the threads and steps involved, saves a
// replayable trace, and prints the one command that replays it.
func Check(t *testing.T, newAPI func() sim.WorkerAPI, opts ...Option) {
	t.Helper()
	check(t, newAPI, opts...)
}

// check is Check over rapid's TB interface, so that tests can watch it fail.
func check(t rapid.TB, newAPI func() sim.WorkerAPI, opts ...Option) {
	t.Helper()
	if newAPI == nil {
		t.Fatalf("%v: Check needs the function that builds the implementation, got nil", ErrNewAPI)
		return
	}
	c := newTestConfig(t.Name(), opts)
	c.testName = t.Name()
	if c.replay != "" {
		replayInTest(t, c, newAPI)
		return
	}
	if c.shrinkFile != "" {
		shrinkInTest(t, c, newAPI)
		return
	}
	// Generated scenarios come from rapid below, which can shrink them.
	rep, err := battery(c, newAPI, false, func(what string) string { return c.tracePath(t.Name(), what) })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failure != nil {
		t.Fatalf("clussim: %s", rep.String())
	}
	t.Logf("clussim: %s", rep.String())
	if !c.generated {
		return
	}
	lim := scenario.DefaultLimits()
	runner := NewRunner(newAPI, c.maxSteps, c.documentedOnly)
	runner.SetLinBudget(c.linBudget)
	defer func() {
		if n := runner.LinUndecided(); n > 0 {
			t.Logf("clussim: generated scenarios: %s", LinUndecidedNote(c.linBudget, n))
		}
	}()
	path := c.tracePath(t.Name(), "generated")
	rapid.Check(t, func(rt *rapid.T) {
		s := scenario.Draw(rt, lim)
		o, err := runner.Run(s, rapidStrategy{rt})
		if err != nil {
			rt.Fatalf("clussim: generated scenario: %v", err)
		}
		if o.Diverged != nil {
			rt.Fatalf("clussim: internal error: %s", o.Diverged.Message)
		}
		if o.Failed() {
			tr := o.Trace(c.name, StrategySpec{Name: "rapid"}, c.maxSteps, c.documentedOnly)
			if err := tr.WriteFile(path); err != nil {
				rt.Fatalf("%v", err)
			}
			failRule(rt, o.First(), ReplayCommand(c.testName, path))
		}
	})
}

// Report is what a battery found.
type Report struct {
	// Impl is the implementation's name.
	Impl string
	// Scenarios counts the named scenarios, Generated the generated ones,
	// and Runs every run.
	Scenarios, Generated, Runs int
	// Failure is the first failing run, or nil.
	Failure *Outcome
	// Strategy found the failing run.
	Strategy StrategySpec
	// Trace is where the failing run's trace was saved ("" if not saved).
	Trace string
	// Shrunk is where the shrunk trace was saved, when the battery shrank
	// the failure (see [ShrinkBudget]); "" otherwise.
	Shrunk string
	// ShrinkStats says what shrinking did, when it ran.
	ShrinkStats ShrinkStats
	// Replay is the command that replays the failure: the shrunk trace when
	// there is one, else the trace.
	Replay string
	// SaveErr is why the failing run's trace (or its shrunk trace) could
	// not be saved, nil when it was. A report with a SaveErr still fails;
	// String says the trace is missing and why.
	SaveErr error
	// LinBudget is the budget of each run's LIN check in model steps, and
	// LinUndecided counts the runs whose LIN check was undecided within
	// it: neither failures nor passes (String says so).
	LinBudget    int64
	LinUndecided int
	// Verified names the named scenarios whose DPOR job covered every
	// class of schedules within VerifyBound preemptions with no rule
	// broken.
	Verified    []string
	VerifyBound int
}

// String renders the report: the verdict, the trace and the replay command.
func (r *Report) String() string {
	if r.Failure == nil {
		if r.Generated == 0 {
			return fmt.Sprintf("%s: %d named scenarios, %d runs: no rule broken", r.Impl, r.Scenarios, r.Runs) + r.verifiedNote() + r.linNote()
		}
		return fmt.Sprintf("%s: %d named scenarios, %d generated ones, %d runs: no rule broken", r.Impl, r.Scenarios, r.Generated, r.Runs) +
			r.verifiedNote() + r.linNote()
	}
	o := r.Failure
	v := o.First()
	var b strings.Builder
	fmt.Fprintf(&b, "%s breaks rule %s (%s tier) in scenario %s under %s, step %d:\n  %s\n",
		r.Impl, v.Rule, v.Tier, o.Scenario.Name, r.Strategy, v.Step, v.Message)
	if len(o.Violations) > 1 {
		more := "violations"
		if len(o.Violations) == 2 {
			more = "violation"
		}
		fmt.Fprintf(&b, "  (%d more %s in this run: %s)\n", len(o.Violations)-1, more, otherRules(o.Violations[1:]))
	}
	if r.Trace != "" {
		fmt.Fprintf(&b, "trace: %s\n", r.Trace)
	}
	if r.SaveErr != nil {
		fmt.Fprintf(&b, "trace not saved: %v\n", r.SaveErr)
	}
	if r.Shrunk != "" {
		st := r.ShrinkStats
		fmt.Fprintf(&b, "shrunk: %d -> %d decisions, %d -> %d preemptions, %d -> %d threads: %s\n",
			st.Before.Decisions, st.After.Decisions, st.Before.Preemptions, st.After.Preemptions,
			st.Before.Threads, st.After.Threads, r.Shrunk)
	}
	if r.Replay != "" {
		fmt.Fprintf(&b, "replay: %s\n", r.Replay)
	}
	return strings.TrimSuffix(b.String(), "\n") + r.linNote()
}

// verifiedNote says which named scenarios the battery verified.
func (r *Report) verifiedNote() string {
	if len(r.Verified) == 0 {
		return fmt.Sprintf("; none of the named scenarios was fully verified within preemption bound %d in the budget (all sampled)", r.VerifyBound)
	}
	return fmt.Sprintf("; verified within preemption bound %d (every class of schedules checked): %s (%d of %d named scenarios; the others sampled only)",
		r.VerifyBound, strings.Join(r.Verified, ", "), len(r.Verified), r.Scenarios)
}

// Battery verifies every named scenario within preemption bound 1 (as far
// as the budget goes), samples it under the random and PCT strategies
// against the implementation newAPI builds, and stops at the
// first run that breaks a rule, whose trace it saves under the trace
// directory. It is the part of Check that needs no testing.T (the command
// line's "simrun check" uses it); Check adds rapid-generated scenarios.
func Battery(name string, newAPI func() sim.WorkerAPI, opts ...Option) (*Report, error) {
	c := newConfig(name, opts)
	return battery(c, newAPI, true, func(what string) string {
		return filepath.Join(c.traceDir, traces.SafeName(name)+"-"+traces.SafeName(what)+".json")
	})
}

func battery(c *config, newAPI func() sim.WorkerAPI, seeded bool, pathFor func(string) string) (*Report, error) {
	named, err := c.namedScenarios()
	if err != nil {
		return nil, err
	}
	rep := &Report{Impl: c.name, Scenarios: len(named), LinBudget: c.linBudget, VerifyBound: batteryVerifyBound}
	jobs := c.jobs(named, seeded)
	results := Explore(newAPI, Exploration{Jobs: jobs, Parallel: c.parallel, MaxSteps: c.maxSteps,
		DocumentedOnly: c.documentedOnly, LinBudget: c.linBudget})
	// The report is that of the sequential battery: every job up to the
	// first failing one, in plan order.
	for j, res := range results {
		if res == nil {
			break
		}
		rep.Runs += res.Runs
		if jobs[j].Scenario == nil {
			rep.Generated += res.Runs
		}
		rep.LinUndecided += res.LinUndecided
		if res.Err != nil {
			return rep, res.Err
		}
		if res.Complete && res.Failure == nil && res.LinUndecided == 0 && jobs[j].Strategy.Name == "dpor" {
			rep.Verified = append(rep.Verified, jobs[j].Scenario.Name)
		}
		if res.Failure != nil {
			what := jobs[j].Name()
			if jobs[j].Scenario == nil {
				what = res.Failure.Scenario.Name
			}
			rep.record(c, newAPI, res.Failure, res.Strategy, pathFor(what))
			return rep, nil
		}
	}
	return rep, nil
}

// generatedPerJob is how many generated scenarios one job of the battery
// runs.
const generatedPerJob = 16

// jobs lists the battery's jobs in plan order.
func (c *config) jobs(named []scenario.Scenario, seeded bool) []Job {
	var out []Job
	for i := range named {
		for _, spec := range c.plan() {
			budget := c.budget
			if spec.Name == "dpor" {
				budget *= verifyBudgetFactor
			}
			out = append(out, ScenarioJobs(named[i:i+1], spec, budget)...)
		}
	}
	if seeded {
		total := c.generatedRuns()
		for first := 0; first < total; first += generatedPerJob {
			out = append(out, Job{GeneratedFrom: c.seed + uint64(first), Generated: min(generatedPerJob, total-first)})
		}
	}
	return out
}

// record notes a failing run, saves its trace and, when asked to, shrinks
// it and saves the shrunk trace beside it.
func (r *Report) record(c *config, newAPI func() sim.WorkerAPI, o *Outcome, spec StrategySpec, path string) {
	r.Failure, r.Strategy = o, spec
	tr := o.Trace(c.name, spec, c.maxSteps, c.documentedOnly)
	if err := tr.WriteFile(path); err != nil {
		r.SaveErr = err
		return
	}
	name := c.testName
	if name == "" {
		name = c.name
	}
	r.Trace, r.Replay = path, ReplayCommand(name, path)
	if c.shrink <= 0 || o.First().Rule == model.ESCAPE {
		// An escaping run costs a whole watchdog period of real time, so
		// shrinking one would take minutes; its trace stands as recorded.
		return
	}
	small, stats, err := Shrink(tr, newAPI, c.shrink)
	if err != nil {
		// The unshrunk trace stands; shrinking is a convenience.
		return
	}
	spath := strings.TrimSuffix(path, ".json") + shrunkSuffix + ".json"
	if err := small.WriteFile(spath); err != nil {
		r.SaveErr = err
		return
	}
	r.Shrunk, r.ShrinkStats, r.Replay = spath, stats, ReplayCommand(name, spath)
}

// The battery's verification: DPOR within batteryVerifyBound preemptions,
// for up to verifyBudgetFactor times the budget of a sampling strategy.
const (
	batteryVerifyBound = 1
	verifyBudgetFactor = 5
)

// plan lists the strategies Check runs on every named scenario: the
// verification first, then the samplers.
func (c *config) plan() []StrategySpec {
	if c.strategies != nil {
		return c.strategies
	}
	return []StrategySpec{
		{Name: "dpor", Depth: batteryVerifyBound},
		{Name: "random", Seed: c.seed},
		{Name: "pct", Seed: c.seed, Depth: DefaultPCTDepth, MaxSteps: DefaultPCTMaxSteps},
	}
}

func (c *config) namedScenarios() ([]scenario.Scenario, error) {
	if !c.scenariosSet {
		return scenario.Named(), nil
	}
	var out []scenario.Scenario
	for _, n := range c.scenarios {
		s, ok := scenario.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("properties: %s", names.Unknown("scenario", n, scenario.Names()))
		}
		out = append(out, s)
	}
	return out, nil
}

func (c *config) tracePath(test, what string) string {
	return filepath.Join(c.traceDir, traces.SafeName(test), traces.SafeName(what)+".json")
}

// ReplayCommand is the go test command that replays, in the test (or
// subtest) called test, the trace at path: what Check prints for a failure.
// Run it in the package that holds the test.
func ReplayCommand(test, path string) string {
	return fmt.Sprintf("go test -run %s -simrun.replay=%s", shell.Quote(runPattern(test)), shell.Quote(path))
}

// ShrinkCommand is the go test command that shrinks, in the test called
// test, the failing trace at path (see [ShrinkFile]).
func ShrinkCommand(test, path string) string {
	return fmt.Sprintf("go test -run %s -simrun.shrink=%s", shell.Quote(runPattern(test)), shell.Quote(path))
}

// runPattern is the -run pattern that selects exactly the test or subtest
// called name: one anchored, quoted element per level.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

func otherRules(vs []Violation) string { return model.JoinRuleIDs(ruleIDs(vs), ", ") }

// shrinkInTest shrinks the trace named by -simrun.shrink against newAPI,
// saves the result beside it and fails t with the shrunk run's verdict.
func shrinkInTest(t rapid.TB, c *config, newAPI func() sim.WorkerAPI) {
	t.Helper()
	tr, err := traces.ReadFile(c.shrinkFile)
	if err != nil {
		t.Fatal(err)
	}
	small, st, err := Shrink(tr, newAPI, DefaultShrinkBudget)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSuffix(c.shrinkFile, ".json") + shrunkSuffix + ".json"
	if err := small.WriteFile(out); err != nil {
		t.Fatalf("clussim: %s: %v", c.shrinkFile, err)
	}
	t.Fatalf("clussim: %s breaks rule %s (%s tier); shrunk %s in %d runs:\n  %d -> %d decisions, %d -> %d preemptions, %d -> %d threads\nshrunk: %s\nreplay: %s",
		tr.Impl, small.Verdict.Rule, small.Verdict.Tier, c.shrinkFile, st.Runs, st.Before.Decisions, st.After.Decisions,
		st.Before.Preemptions, st.After.Preemptions, st.Before.Threads, st.After.Threads, out, ReplayCommand(c.testName, out))
}

// replayInTest replays the trace named by -simrun.replay against newAPI and
// fails t with the verdict.
func replayInTest(t rapid.TB, c *config, newAPI func() sim.WorkerAPI) {
	t.Helper()
	tr, err := traces.ReadFile(c.replay)
	if err != nil {
		t.Fatal(err)
	}
	o, err := ReplayLin(tr, newAPI, c.linBudget)
	if err != nil {
		t.Fatal(err)
	}
	undecided := 0
	if o.Lin.Undecided() {
		undecided = 1
	}
	if !o.Failed() {
		t.Logf("clussim: %s replays exactly and breaks no rule%s", c.replay, (&Report{LinBudget: c.linBudget, LinUndecided: undecided}).linNote())
		return
	}
	spec := tr.Strategy
	rep := &Report{Impl: tr.Impl, Failure: o, Strategy: spec, LinBudget: c.linBudget, LinUndecided: undecided}
	t.Fatalf("%s\n%s", rep, traces.Timeline(o.Trace(tr.Impl, spec, tr.Config.MaxSteps, c.documentedOnly), traces.ViewOptions{}))
}
