package properties

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"clussim/scheduler"
	"clussim/sim"
	"clussim/sim/scenario"
	"clussim/traces"
)

// Check runs the conformance battery against an implementation. newAPI is
// called once per simulated run, so an implementation may keep private
// state (a CriticalSection, a table) in the value it returns.
//
// The battery runs every named scenario under the random, PCT and
// preemption-bounded DFS strategies, then scenarios and schedules that rapid
// generates and, on failure, shrinks. The first run that breaks a rule fails
// t with the rule, its tier, the threads and steps involved, saves a
// replayable trace, and prints the one command that replays it.
func Check(t *testing.T, newAPI func() sim.WorkerAPI, opts ...Option) {
	t.Helper()
	c := newConfig(t, opts)
	if c.replay != "" {
		replayInTest(t, c, newAPI)
		return
	}
	named, err := c.namedScenarios()
	if err != nil {
		t.Fatal(err)
	}
	runner := NewRunner(newAPI, c.maxSteps, c.documentedOnly)
	runs := 0
	for _, s := range named {
		for _, spec := range c.plan() {
			o, n, err := explore(runner, s, spec, c.budget)
			runs += n
			if err != nil {
				t.Fatalf("clussim: %s under %s: %v", s.Name, spec, err)
			}
			if o != nil {
				path := c.save(t, o.Trace(c.name, spec, c.maxSteps, c.documentedOnly), s.Name+"-"+spec.Name)
				t.Fatalf("%s", report(o, s.Name, spec, path, c))
			}
		}
	}
	t.Logf("clussim: %d named scenarios, %d runs: no rule broken", len(named), runs)
	if !c.generated {
		return
	}
	lim := scenario.DefaultLimits()
	path := c.tracePath(t, "generated")
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
			if err := writeTrace(tr, path); err != nil {
				rt.Fatalf("clussim: %v", err)
			}
			failRule(rt, o.First(), replayCommand(t, path))
		}
	})
}

// explore runs s under spec up to budget times and returns the first failing
// outcome (kept), the number of runs, and an error for a run that says
// nothing about the implementation.
func explore(r *Runner, s scenario.Scenario, spec StrategySpec, budget int) (*Outcome, int, error) {
	strat, err := NewStrategy(spec)
	if err != nil {
		return nil, 0, err
	}
	for i := range budget {
		if spec.Name == "random" {
			strat = scheduler.NewRandom(spec.Seed + uint64(i))
		}
		o, err := r.Run(s, strat)
		if err != nil {
			return nil, i, err
		}
		if o.Diverged != nil {
			return nil, i + 1, fmt.Errorf("%s", o.Diverged.Message)
		}
		if o.Failed() {
			spec.Seed += uint64(i)
			return o.Keep(), i + 1, nil
		}
		if d, ok := strat.(*scheduler.DFS); ok && d.Done() {
			return nil, i + 1, nil
		}
	}
	return nil, budget, nil
}

// NewStrategy builds the strategy a spec names.
func NewStrategy(spec StrategySpec) (scheduler.Strategy, error) {
	switch spec.Name {
	case "random":
		return scheduler.NewRandom(spec.Seed), nil
	case "pct":
		return scheduler.NewPCT(spec.Seed, spec.Depth, spec.MaxSteps)
	case "dfs":
		return scheduler.NewDFS(spec.Depth), nil
	}
	return nil, fmt.Errorf("clussim: strategy %q cannot explore (valid: %s)", spec.Name, strings.Join(StrategyNames(), ", "))
}

// plan lists the strategies Check runs on every named scenario.
func (c *config) plan() []StrategySpec {
	return []StrategySpec{
		{Name: "random", Seed: c.seed},
		{Name: "pct", Seed: c.seed, Depth: DefaultPCTDepth, MaxSteps: DefaultPCTMaxSteps},
		{Name: "dfs", Depth: 1},
	}
}

func (c *config) namedScenarios() ([]scenario.Scenario, error) {
	if c.scenarios == nil {
		return scenario.Named(), nil
	}
	var out []scenario.Scenario
	for _, n := range c.scenarios {
		s, ok := scenario.Lookup(n)
		if !ok {
			return nil, fmt.Errorf("clussim: unknown scenario %q (valid: %s)", n, strings.Join(scenario.Names(), ", "))
		}
		out = append(out, s)
	}
	return out, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (c *config) tracePath(t testing.TB, what string) string {
	return filepath.Join(c.traceDir, unsafeChars.ReplaceAllString(t.Name(), "_"), unsafeChars.ReplaceAllString(what, "_")+".json")
}

func (c *config) save(t testing.TB, tr *traces.Trace, what string) string {
	path := c.tracePath(t, what)
	if err := writeTrace(tr, path); err != nil {
		t.Logf("clussim: could not save the trace: %v", err)
		return ""
	}
	return path
}

func writeTrace(tr *traces.Trace, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return tr.WriteFile(path)
}

// replayCommand is the one command that replays a trace saved by test t.
func replayCommand(t testing.TB, path string) string {
	name := t.Name()
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	return fmt.Sprintf("go test -run '^%s$' -simrun.replay=%s", regexp.QuoteMeta(name), path)
}

// report renders a failure for t.Fatalf.
func report(o *Outcome, scn string, spec StrategySpec, path string, c *config) string {
	v := o.First()
	var b strings.Builder
	fmt.Fprintf(&b, "clussim: rule %s (%s tier) broken in scenario %s under %s, step %d:\n  %s\n",
		v.Rule, v.Tier, scn, spec, v.Step, v.Message)
	if len(o.Violations) > 1 {
		fmt.Fprintf(&b, "  (%d more violations in this run: %s)\n", len(o.Violations)-1, otherRules(o.Violations[1:]))
	}
	if path != "" {
		fmt.Fprintf(&b, "trace: %s\nreplay: %s", path, replayCommandFor(c, path))
	}
	return b.String()
}

func replayCommandFor(c *config, path string) string {
	name := c.name
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	return fmt.Sprintf("go test -run '^%s$' -simrun.replay=%s", regexp.QuoteMeta(name), path)
}

func otherRules(vs []Violation) string {
	var rules []string
	for _, v := range vs {
		if !containsString(rules, v.Rule) {
			rules = append(rules, v.Rule)
		}
	}
	return strings.Join(rules, ", ")
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// replayInTest replays the trace named by -simrun.replay against newAPI and
// fails t with the verdict.
func replayInTest(t *testing.T, c *config, newAPI func() sim.WorkerAPI) {
	t.Helper()
	tr, err := traces.ReadFile(c.replay)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Replay(tr, newAPI)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Failed() {
		t.Logf("clussim: %s replays exactly and breaks no rule", c.replay)
		return
	}
	spec := StrategySpec{Name: tr.Strategy.Name, Seed: tr.Strategy.Seed, Depth: tr.Strategy.Depth}
	t.Fatalf("%s\n%s", report(o, tr.Scenario.Name, spec, "", c),
		traces.Timeline(o.Trace(tr.Impl, spec, tr.Config.MaxSteps, c.documentedOnly), traces.ViewOptions{}))
}
