package properties

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// A broken constructor fails the one test that uses it, with a message
// that says what is wrong; it never takes the test binary down.
func TestCheckSurvivesBrokenNewAPI(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newAPI func() sim.WorkerAPI
		opts   []Option
		want   string
	}{
		{"nil", nil, nil, "got nil"},
		{"panics", func() sim.WorkerAPI { panic("constructor exploded") }, nil, "newAPI panicked: constructor exploded"},
		{"panics-parallel", func() sim.WorkerAPI { panic("constructor exploded") }, []Option{Parallel(2)}, "newAPI panicked: constructor exploded"},
		{"returns-nil", func() sim.WorkerAPI { return nil }, nil, "returned a nil sim.WorkerAPI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := runCheck(t, tc.newAPI, append([]Option{TraceDir(t.TempDir())}, tc.opts...)...)
			msg := strings.Join(f.errors, "\n")
			if !f.failed || !strings.Contains(msg, tc.want) {
				t.Fatalf("want a failure naming %q, got failed=%v:\n%s", tc.want, f.failed, msg)
			}
		})
	}
}

func TestRunnerReportsBrokenNewAPI(t *testing.T) {
	s, _ := scenario.Lookup("join")
	_, err := NewRunner(func() sim.WorkerAPI { panic("x") }, 0, false).Run(s, scheduler.NewRandom(1))
	if !errors.Is(err, ErrNewAPI) {
		t.Fatalf("want ErrNewAPI, got %v", err)
	}
}

func TestReplayCommandSelectsTheSubtest(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"TestMine", `go test -run '^TestMine$' -simrun.replay=x.json`},
		{"TestMine/case_1", `go test -run '^TestMine$/^case_1$' -simrun.replay=x.json`},
		{"TestA/b/c.d", `go test -run '^TestA$/^b$/^c\.d$' -simrun.replay=x.json`},
	} {
		if got := ReplayCommand(tc.name, "x.json"); got != tc.want {
			t.Errorf("ReplayCommand(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}

// ShrinkFile (-simrun.shrink) shrinks a saved trace of the user's own
// implementation from go test, saves it beside the input and fails with the
// command that replays the result.
func TestCheckShrinkFile(t *testing.T) {
	dir := t.TempDir()
	impl := mustImpl("bug-early-return").New
	tr := failingRun(t, impl, dir)
	small := filepath.Join(dir, "in.json")
	if err := tr.WriteFile(small); err != nil {
		t.Fatal(err)
	}
	f := runCheck(t, impl, ShrinkFile(small))
	msg := strings.Join(f.errors, "\n")
	out := filepath.Join(dir, "in-shrunk.json")
	if !f.failed || !strings.Contains(msg, "shrunk: "+out) || !strings.Contains(msg, "-simrun.replay="+out) {
		t.Fatalf("want a failure naming the shrunk trace %s, got:\n%s", out, msg)
	}
	got, err := traces.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict.Rule != tr.Verdict.Rule || len(got.Decisions) > len(tr.Decisions) {
		t.Fatalf("shrunk trace breaks %s with %d decisions; the input broke %s with %d",
			got.Verdict.Rule, len(got.Decisions), tr.Verdict.Rule, len(tr.Decisions))
	}
	if _, err := Replay(got, impl); err != nil {
		t.Fatalf("the shrunk trace does not replay: %v", err)
	}
}

// failingRun returns the trace of the first failing run the battery finds
// for newAPI.
func failingRun(t *testing.T, newAPI func() sim.WorkerAPI, dir string) *traces.Trace {
	t.Helper()
	rep, err := Battery("TestFake", newAPI, TraceDir(dir))
	if err != nil || rep.Failure == nil {
		t.Fatalf("want a failing battery, got %v, %v", rep, err)
	}
	tr, err := traces.ReadFile(rep.Trace)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// A trace that cannot be saved is reported, never dropped: the failure
// message says so and why.
func TestCheckReportsUnsavedTrace(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The trace directory lies under a regular file, so it cannot exist.
	f := runCheck(t, mustImpl("bug-early-return").New, TraceDir(filepath.Join(blocker, "traces")))
	msg := strings.Join(f.errors, "\n")
	if !f.failed || !strings.Contains(msg, "trace not saved: ") || !strings.Contains(msg, "rule D5") {
		t.Fatalf("want the failure and why its trace is missing, got:\n%s", msg)
	}
}

// Every rule fails a rapid check with a traceback of its own, which is what
// keeps rapid's shrinking on the rule that failed first.
func TestFailRuleTracebacksDiffer(t *testing.T) {
	seen := map[int]model.RuleID{}
	for _, r := range model.Rules() {
		i := ruleIndex(r.ID)
		if other, dup := seen[i]; dup || i == 0 {
			t.Fatalf("rules %s and %s share depth %d", r.ID, other, i)
		}
		seen[i] = r.ID
	}
	if ruleIndex("NOPE") != 0 {
		t.Fatal("an unknown rule must get depth 0")
	}
}

// After an escape nothing else of the run is judged: the only violation is
// the ESCAPE itself, at the step where the engine saw it.
func TestEscapeJudgesNothingElse(t *testing.T) {
	s, _ := scenario.Lookup("racing-terminators")
	r := NewRunner(func() sim.WorkerAPI { return escaping{impls.NewReference()} }, 0, false)
	for seed := range uint64(5) {
		o, err := r.Run(s, scheduler.NewRandom(seed))
		if err != nil {
			t.Fatal(err)
		}
		if len(o.Violations) != 1 || o.First().Rule != "ESCAPE" {
			t.Fatalf("seed %d: want the ESCAPE alone, got %v", seed, o.Violations)
		}
		if f := o.Result.Failure; f == nil || o.First().Step != f.Step || o.Lin.Verdict != 0 {
			t.Fatalf("seed %d: violation at step %d, failure %v, LIN %v", seed, o.First().Step, f, o.Lin)
		}
	}
}
