package properties

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/traces"
)

// fakeTB stands in for *testing.T so a test can watch Check fail.
type fakeTB struct {
	name   string
	errors []string
	logs   []string
	failed bool
}

type fakeStop struct{}

func (f *fakeTB) Helper()      {}
func (f *fakeTB) Name() string { return f.name }
func (f *fakeTB) Logf(format string, args ...any) {
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Log(args ...any) { f.logs = append(f.logs, fmt.Sprint(args...)) }
func (f *fakeTB) Skipf(format string, args ...any) {
	panic(fakeStop{})
}
func (f *fakeTB) Skip(args ...any) { panic(fakeStop{}) }
func (f *fakeTB) SkipNow()         { panic(fakeStop{}) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.failed = true
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}
func (f *fakeTB) Error(args ...any) {
	f.failed = true
	f.errors = append(f.errors, fmt.Sprint(args...))
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.Errorf(format, args...)
	panic(fakeStop{})
}
func (f *fakeTB) Fatal(args ...any) { f.Error(args...); panic(fakeStop{}) }
func (f *fakeTB) FailNow()          { f.failed = true; panic(fakeStop{}) }
func (f *fakeTB) Fail()             { f.failed = true }
func (f *fakeTB) Failed() bool      { return f.failed }

// runCheck runs check against a fake TB and returns it.
func runCheck(t *testing.T, newAPI func() sim.WorkerAPI, opts ...Option) *fakeTB {
	t.Helper()
	// rapid writes fail files next to the test unless told not to.
	old := flag.Lookup("rapid.nofailfile").Value.String()
	flag.Set("rapid.nofailfile", "true")
	defer flag.Set("rapid.nofailfile", old)
	f := &fakeTB{name: "TestFake"}
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(fakeStop); !ok {
					panic(r)
				}
			}
		}()
		check(f, newAPI, opts...)
	}()
	return f
}

func TestCheckPassesCorrect(t *testing.T) {
	for _, name := range []string{"reference", "guarded", "self-closing"} {
		t.Run(name, func(t *testing.T) {
			Check(t, mustImpl(name).New, TraceDir(t.TempDir()), Budget(testBudget(30)))
		})
	}
}

func TestCheckFailureSavesReplayableTrace(t *testing.T) {
	dir := t.TempDir()
	f := runCheck(t, mustImpl("bug-early-return").New, TraceDir(dir), Name("early"))
	if !f.failed {
		t.Fatal("Check passed a buggy implementation")
	}
	msg := strings.Join(f.errors, "\n")
	for _, want := range []string{"rule D5 (documented tier)", "trace: ", "replay: go test -run '^TestFake$' -simrun.replay="} {
		if !strings.Contains(msg, want) {
			t.Fatalf("failure message lacks %q:\n%s", want, msg)
		}
	}
	path := strings.TrimSpace(strings.Split(strings.SplitN(msg, "trace: ", 2)[1], "\n")[0])
	tr, err := traces.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	o, err := Replay(tr, mustImpl("bug-early-return").New)
	if err != nil {
		t.Fatal(err)
	}
	if o.First().Rule != "D5" || o.First().Message != tr.Verdict.Message {
		t.Fatalf("replay verdict %v differs from the trace's %q", o.First(), tr.Verdict.Message)
	}
	// Check shrank the failure and points the replay command at the shrunk
	// trace, which replays and is no larger.
	if !strings.Contains(msg, "shrunk: ") {
		t.Fatalf("Check did not shrink the failure:\n%s", msg)
	}
	spath := strings.TrimSuffix(path, ".json") + "-shrunk.json"
	if !strings.Contains(msg, "-simrun.replay="+spath) {
		t.Fatalf("the replay command does not name the shrunk trace %s:\n%s", spath, msg)
	}
	small, err := traces.ReadFile(spath)
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Decisions) > len(tr.Decisions) {
		t.Fatalf("shrinking grew the run: %d -> %d decisions", len(tr.Decisions), len(small.Decisions))
	}
	if o, err := Replay(small, mustImpl("bug-early-return").New); err != nil || o.First().Rule != "D5" {
		t.Fatalf("the shrunk trace does not replay to D5: %v %v", err, o.First())
	}
	t.Logf("%s", msg)
	// -simrun.replay reproduces it inside a test, and fails it again.
	g := runCheck(t, mustImpl("bug-early-return").New, ReplayFile(path))
	if !g.failed || !strings.Contains(strings.Join(g.errors, "\n"), "rule D5") {
		t.Fatalf("replaying the trace in a test did not fail with D5: %v", g.errors)
	}
	// A replay against a fixed implementation says so.
	h := runCheck(t, mustImpl("reference").New, ReplayFile(path))
	if h.failed && !strings.Contains(strings.Join(h.errors, "\n"), "diverged") {
		t.Fatalf("a replay against another implementation should diverge or pass, got %v", h.errors)
	}
}

// setFlag sets a command-line flag for the rest of the test.
func setFlag(t *testing.T, name, value string) {
	t.Helper()
	old := flag.Lookup(name).Value.String()
	if err := flag.Set(name, value); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { flag.Set(name, old) })
}

// TestRapidShrinksGenerated lets rapid find and shrink a failure in the
// generated phase only (no named scenarios).
func TestRapidShrinksGenerated(t *testing.T) {
	// rapid stops shrinking after -rapid.shrinktime (30s by default) of real
	// time, which a slow or loaded machine runs out of. Let it shrink until
	// its shrinker has nothing left to try, so the result does not depend on
	// the machine's speed, from a fixed seed, so the work does not depend on
	// luck (some seeds take a hundred times longer to shrink than others).
	setFlag(t, "rapid.shrinktime", rapidShrinkTime.String())
	setFlag(t, "rapid.seed", strconv.FormatUint(rapidShrinkSeed, 10))
	dir := t.TempDir()
	f := runCheck(t, mustImpl("bug-early-return").New, TraceDir(dir), Scenarios(), Budget(1))
	if !f.failed {
		t.Fatal("rapid did not find bug-early-return in generated scenarios")
	}
	msg := strings.Join(f.errors, "\n")
	e := mustImpl("bug-early-return")
	if !slices.ContainsFunc(e.Breaks, func(r model.RuleID) bool { return strings.Contains(msg, string(r)+" (") }) {
		t.Fatalf("rapid's failure names none of %v:\n%s", e.Breaks, msg)
	}
	tr, err := traces.ReadFile(filepath.Join(dir, "TestFake", "generated.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The last trace written is rapid's minimal case: one struct, and few
	// terminators.
	if n := len(tr.Scenario.Workers); n > 1 || len(tr.Scenario.Terminators) > 1 {
		t.Fatalf("shrunk scenario still has %d structs and %d terminators: %s", n, len(tr.Scenario.Terminators), tr.Scenario.String())
	}
	if _, err := Replay(tr, mustImpl("bug-early-return").New); err != nil {
		t.Fatalf("rapid's trace does not replay: %v", err)
	}
	t.Logf("shrunk to %s with %d decisions", tr.Scenario.String(), len(tr.Decisions))
}

// TestParallelBatteryIsSequentialBattery: the report of a parallel battery
// is exactly that of the sequential one, trace bytes included.
func TestParallelBatteryIsSequentialBattery(t *testing.T) {
	for _, name := range []string{"reference", "bug-check-then-set", "bug-multi-split-signal", "bug-ex-raw-wait"} {
		e := mustImpl(name)
		seqDir, parDir := t.TempDir(), t.TempDir()
		seq, err1 := Battery(e.Name, e.New, Budget(testBudget(40)), TraceDir(seqDir))
		par, err2 := Battery(e.Name, e.New, Budget(testBudget(40)), TraceDir(parDir), Parallel(4))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if seq.Runs != par.Runs || seq.Generated != par.Generated || (seq.Failure == nil) != (par.Failure == nil) {
			t.Fatalf("%s: sequential %d runs (%v), parallel %d runs (%v)", name, seq.Runs, seq.Failure != nil, par.Runs, par.Failure != nil)
		}
		if seq.Failure == nil {
			continue
		}
		if seq.Failure.First().Message != par.Failure.First().Message || seq.Strategy != par.Strategy {
			t.Fatalf("%s: sequential and parallel found different failures:\n%s\n%s", name, seq, par)
		}
		a, _ := os.ReadFile(seq.Trace)
		b, _ := os.ReadFile(par.Trace)
		if len(a) == 0 || string(a) != string(b) {
			t.Fatalf("%s: the traces differ", name)
		}
	}
}

// TestDocumentedOnlyCheck: an implementation whose only defect is a
// safe-tier one (a plain read of the flag: RACE) passes Check with
// DocumentedOnly and fails it without.
func TestDocumentedOnlyCheck(t *testing.T) {
	e := mustImpl("bug-plain-flag-load")
	doc := runCheck(t, e.New, DocumentedOnly(), TraceDir(t.TempDir()), Budget(testBudget(20)))
	if doc.failed {
		t.Fatalf("a safe-tier defect failed the documented tier:\n%s", strings.Join(doc.errors, "\n"))
	}
	all := runCheck(t, e.New, TraceDir(t.TempDir()), Budget(testBudget(20)))
	if !all.failed || !strings.Contains(strings.Join(all.errors, "\n"), "rule RACE (safe tier)") {
		t.Fatalf("without DocumentedOnly the race must fail Check: %v", all.errors)
	}
}

// The strategy a battery failure's report (and trace) names is the one
// that made the failing run: building it afresh from the spec and running
// the scenario once gives the same decisions and the same failure. (For
// PCT this needs a fresh PCT per run; one PCT reused across the budget
// would not reproduce from the seed it records.)
func TestBatteryStrategyReproduces(t *testing.T) {
	e := mustImpl("bug-non-first-waits")
	// With seed 2, PCT fails on its third run (seed 4).
	rep, err := Battery(e.Name, e.New, Seed(2), Scenarios("resource-dll"), NoGenerated(), TraceDir(t.TempDir()),
		Strategies(StrategySpec{Name: "random", Seed: 2}, StrategySpec{Name: "pct", Seed: 2, Depth: DefaultPCTDepth, MaxSteps: DefaultPCTMaxSteps}))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failure == nil || rep.Strategy.Name != "pct" || rep.Strategy.Seed == 2 {
		t.Fatalf("want a failure found by PCT, got %v under %v", rep.Failure, rep.Strategy)
	}
	strat, err := newStrategy(rep.Strategy)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewRunner(e.New, 0, false).Run(rep.Failure.Scenario, strat)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Result.Decisions, rep.Failure.Result.Decisions) || o.First().Rule != rep.Failure.First().Rule {
		t.Fatalf("%v does not reproduce the failing run: %d decisions (%v) against %d (%v)", rep.Strategy,
			len(o.Result.Decisions), o.First().Rule, len(rep.Failure.Result.Decisions), rep.Failure.First().Rule)
	}
}
