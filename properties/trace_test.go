package properties

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// recordTrace runs scenario name once under a fixed random seed against
// newAPI with the given step bound and returns the run's trace.
func recordTrace(t *testing.T, name string, newAPI func() sim.WorkerAPI, maxSteps int64) *traces.Trace {
	t.Helper()
	s, ok := scenario.Lookup(name)
	if !ok {
		t.Fatalf("no scenario %q", name)
	}
	o, err := NewRunner(newAPI, maxSteps, false).Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	return o.Trace("test", StrategySpec{Name: "random", Seed: 1}, maxSteps, false)
}

// forgeShortLog keeps the first n events of tr (and the decisions and calls
// they cover) and claims a huge step bound: a small file that asks for a
// long run. n is raised, if need be, past the last decision, so that the
// replay has every decision it needs and nothing but the step bound stops
// it.
func forgeShortLog(tr *traces.Trace, n int, maxSteps int64) *traces.Trace {
	f := *tr
	if len(tr.Decisions) > 0 {
		last := tr.Decisions[len(tr.Decisions)-1].Step
		for n < len(tr.Events) && tr.Events[n-1].Step <= last {
			n++
		}
	}
	f.Events = tr.Events[:n]
	last := f.Events[n-1].Step
	f.Decisions = nil
	for _, d := range tr.Decisions {
		if d.Step <= last {
			f.Decisions = append(f.Decisions, d)
		}
	}
	f.Calls = nil
	for _, c := range tr.Calls {
		if c.CallTick < int64(n) && c.Returned && c.ReturnTick < int64(n) {
			c.ID = len(f.Calls) + 1
			f.Calls = append(f.Calls, c)
		}
	}
	f.Config.MaxSteps = maxSteps
	return &f
}

func TestReplayWorkIsBoundedByTheTrace(t *testing.T) {
	newSpinner := func() sim.WorkerAPI { return spinner{impls.NewReference()} }
	tr := recordTrace(t, "resource-dll", newSpinner, 2000)
	if tr.Verdict.Failure == nil || tr.Verdict.Failure.Kind != scheduler.StepBound.String() {
		t.Fatalf("want a step-bound run to forge from, got %+v", tr.Verdict)
	}
	forged := forgeShortLog(tr, 60, 5_000_000)
	kept := int64(len(forged.Events))
	if kept >= int64(len(tr.Events)) {
		t.Fatalf("the recording has no spinning tail to cut (%d events)", kept)
	}
	o, err := Replay(forged, newSpinner)
	if !errors.Is(err, scheduler.ErrDiverged) {
		t.Fatalf("want a divergence, got %v", err)
	}
	if o == nil || o.Result.Steps > kept {
		t.Fatalf("the replay of a %d-event log ran %d steps; want at most %d", kept, o.Result.Steps, kept)
	}
	// The faithful recording still replays exactly, step bound included.
	if _, err := Replay(tr, newSpinner); err != nil {
		t.Fatalf("replay of the recording: %v", err)
	}
}

func TestReplayReportsFirstDifferingEvent(t *testing.T) {
	tr := recordTrace(t, "racing-terminators", func() sim.WorkerAPI { return impls.NewReference() }, 0)
	bad := *tr
	bad.Events = append([]traces.Event(nil), tr.Events...)
	k := len(bad.Events) / 2
	bad.Events[k].Result++
	_, err := Replay(&bad, func() sim.WorkerAPI { return impls.NewReference() })
	if !errors.Is(err, scheduler.ErrDiverged) {
		t.Fatalf("want a divergence, got %v", err)
	}
	want := fmt.Sprintf("at tick %d ", k)
	if msg := err.Error(); !strings.Contains(msg, want) || strings.Count(msg, "diverged") != 1 {
		t.Fatalf("want one %q naming tick %d, got %q", "diverged", k, msg)
	}
}

// What a run produces (a long test name, a panic message of any size) is
// clipped to the trace format's limits, so the trace always saves and reads
// back.
func TestTraceClipsToFormatLimits(t *testing.T) {
	long := strings.Repeat("é", traces.MaxMessageBytes)
	newAPI := func() sim.WorkerAPI { return panicWith{impls.NewReference(), long} }
	tr := recordTrace(t, "racing-terminators", newAPI, 0)
	tr.Impl = strings.Repeat("TestLong/", 100)
	o, err := Replay(tr, newAPI)
	if err != nil {
		t.Fatal(err)
	}
	got := o.Trace(tr.Impl, StrategySpec{Name: "random", Seed: 1}, 0, false)
	path := filepath.Join(t.TempDir(), "long.json")
	if err := got.WriteFile(path); err != nil {
		t.Fatalf("a run's own trace does not save: %v", err)
	}
	back, err := traces.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Impl) > traces.MaxNameBytes || !utf8.ValidString(back.Verdict.Message) || back.Verdict.Rule != "PANIC" {
		t.Fatalf("impl %d bytes, rule %s", len(back.Impl), back.Verdict.Rule)
	}
}

type panicWith struct {
	*impls.Reference
	msg string
}

func (p panicWith) Terminate(t *sim.Thread, w *sim.ClusWorker) { panic(p.msg) }
