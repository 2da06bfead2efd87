package properties

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Tuning numbers of the escape tests.
const (
	// escapeWatchdog is the watchdog period of the runs that get stuck: the
	// shortest that leaves a correct run in no danger of being suspected,
	// so that each stuck run costs a fraction of a second.
	escapeWatchdog = 50 * time.Millisecond
	// routineSteps is how many simulated steps the worker routine takes
	// before it gets stuck.
	routineSteps = 3
)

// stuckRoutine is the Reference implementation with a worker routine that,
// after a few simulated steps, calls stick: a real wait, or, for its twin
// that shows where the run gets stuck, a panic.
type stuckRoutine struct {
	*impls.Reference
	stick func()
}

func (s stuckRoutine) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	return s.Reference.Create(t, w, func(wt *sim.Thread, w *sim.ClusWorker, p any) uint32 {
		for range routineSteps {
			wt.Sleep(0)
		}
		s.stick()
		return start(wt, w, p)
	}, param)
}

// A run stuck on a real Go channel inside a worker routine is reported as
// one ESCAPE at the step it got stuck in, its trace keeps the log up to
// there, and replaying that trace gets stuck at the same step again, with
// the same log.
func TestEscapeTraceReplays(t *testing.T) {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) }) // lets the stuck goroutines go
	blocking := func() sim.WorkerAPI { return stuckRoutine{impls.NewReference(), func() { <-ch }} }
	panicking := func() sim.WorkerAPI { return stuckRoutine{impls.NewReference(), func() { panic("stuck here") }} }
	s, ok := scenario.Lookup("racing-terminators")
	if !ok {
		t.Fatal("no scenario racing-terminators")
	}
	const seed = 3
	// The twin panics where the other gets stuck: its failure is at the
	// step the stuck run is in, and its log goes through the same steps.
	twin, err := NewRunner(panicking, 0, false).Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	if twin.Result.Failure == nil || twin.Result.Failure.Kind != scheduler.Panic {
		t.Fatalf("the twin does not panic: %v", twin.Result.Failure)
	}
	stuckAt, stuckThread := twin.Result.Failure.Step, twin.Result.Failure.Thread

	r := NewRunner(blocking, 0, false)
	r.SetWatchdog(escapeWatchdog)
	o, err := r.Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	checkEscape(t, "the run", o, stuckAt, stuckThread)
	tr := o.Trace("TestEscapeTraceReplays", StrategySpec{Name: "random", Seed: seed}, DefaultMaxSteps, false)
	path := filepath.Join(t.TempDir(), "escape.json")
	if err := tr.WriteFile(path); err != nil {
		t.Fatalf("the trace of an escape does not save: %v", err)
	}
	back, err := traces.ReadFile(path)
	if err != nil {
		t.Fatalf("the trace of an escape does not read back: %v", err)
	}
	n := len(back.Events)
	if twinLog := traces.FromEvents(twin.Result.Result); n == 0 || n > len(twinLog) || !slices.Equal(back.Events, twinLog[:n]) {
		t.Fatalf("the trace has %d events, not a prefix of the run's log (%d events)", n, len(twinLog))
	}
	if back.Verdict.Rule != string(model.ESCAPE) || back.Verdict.Step != stuckAt || back.Events[n-1].Step != stuckAt-1 {
		t.Fatalf("the trace says %s at step %d with a log to step %d; want ESCAPE at step %d", back.Verdict.Rule,
			back.Verdict.Step, back.Events[n-1].Step, stuckAt)
	}

	// (The replay runs on the goroutine of the stuck run: the engine
	// recorded that run's loop, so the watchdog tells the replay's apart.)
	re, err := replayWatched(back, blocking, model.DefaultBudget, escapeWatchdog)
	if err != nil {
		t.Fatalf("the trace of an escape does not replay: %v", err)
	}
	checkEscape(t, "the replay", re, stuckAt, stuckThread)
	if got := traces.FromEvents(re.Result.Result); !slices.Equal(got, back.Events) {
		t.Fatalf("the replay logged %d events, the trace has %d", len(got), n)
	}
	// The runner that saw the escape runs on, on a fresh engine.
	o, err = r.Run(s, scheduler.NewRandom(seed))
	if err != nil || !o.Result.Abandoned {
		t.Fatalf("the runner's next run: %v, %v", o.Result.Failure, err)
	}
}

// checkEscape checks that o is an abandoned run whose only violation is an
// ESCAPE at step stuckAt, of thread stuck, with its log.
func checkEscape(t *testing.T, what string, o *Outcome, stuckAt int64, stuck scheduler.ThreadID) {
	t.Helper()
	if len(o.Violations) != 1 || o.First().Rule != model.ESCAPE {
		t.Fatalf("%s: want exactly one ESCAPE, got %v", what, o.Violations)
	}
	v, f := o.First(), o.Result.Failure
	if !o.Result.Abandoned || f == nil || f.Thread != stuck || v.Step != f.Step || v.Step != stuckAt || v.Step <= 0 ||
		o.Lin.Verdict != 0 || len(o.Calls) != 0 {
		t.Fatalf("%s: ESCAPE at step %d (failure %v, abandoned %v), want step %d and nothing else judged",
			what, v.Step, f, o.Result.Abandoned, stuckAt)
	}
	if len(o.Result.Events) == 0 || !strings.Contains(v.Message, fmt.Sprintf("T%d is blocked in chan receive", stuck)) ||
		!strings.Contains(v.Message, "stays stuck there and cannot be reclaimed") {
		t.Fatalf("%s: %d events, message %q", what, len(o.Result.Events), v.Message)
	}
}

// A forged trace whose log differs early stops there: the engine compares
// each event as the run logs it, so the run takes no step past the first
// differing event.
func TestReplayDivergesEarly(t *testing.T) {
	newAPI := func() sim.WorkerAPI { return impls.NewReference() }
	tr := recordTrace(t, "resource-dll", newAPI, 0)
	total := tr.Events[len(tr.Events)-1].Step
	k := slices.IndexFunc(tr.Events, func(ev traces.Event) bool { return ev.Kind == "step" && ev.Step >= total/10 })
	if k < 0 || total < 100 {
		t.Fatalf("the recording is too short to diverge early (%d steps)", total)
	}
	bad := *tr
	bad.Events = slices.Clone(tr.Events)
	bad.Events[k].Args[2]++
	o, err := Replay(&bad, newAPI)
	if !errors.Is(err, scheduler.ErrDiverged) || !strings.Contains(err.Error(), "at tick ") {
		t.Fatalf("want a divergence naming its tick, got %v", err)
	}
	step := tr.Events[k].Step
	if o == nil || o.Diverged == nil || !errors.Is(o.Diverged, scheduler.ErrDiverged) || o.Diverged.Step > step || o.Result.Steps > step {
		t.Fatalf("the event at tick %d is of step %d of %d; the replay failed at %v", k, step, total, o.Diverged)
	}

	// A log cut short (with every decision kept, and a huge step bound
	// claimed) stops one event past its end.
	short := *tr
	short.Events, short.Calls, short.Config.MaxSteps = tr.Events[:k], nil, 5_000_000
	o, err = Replay(&short, newAPI)
	if !errors.Is(err, scheduler.ErrDiverged) || !strings.Contains(err.Error(), "the expected log has") {
		t.Fatalf("want a divergence past the end of the log, got %v", err)
	}
	if last := short.Events[len(short.Events)-1].Step; o.Result.Steps > last+1 || len(o.Result.Events) > len(short.Events)+1 {
		t.Fatalf("the replay of a log to step %d took %d steps and %d events", last, o.Result.Steps, len(o.Result.Events))
	}
}

// A battery failure that is an ESCAPE is saved as recorded and not shrunk:
// every replay of an escaping run costs a watchdog period of real time, so
// shrinking it with the default budget would take minutes.
func TestEscapeIsNotShrunk(t *testing.T) {
	ch := make(chan struct{})
	t.Cleanup(func() { close(ch) })
	blocking := func() sim.WorkerAPI { return stuckRoutine{impls.NewReference(), func() { <-ch }} }
	s, ok := scenario.Lookup("racing-terminators")
	if !ok {
		t.Fatal("no scenario racing-terminators")
	}
	r := NewRunner(blocking, 0, false)
	r.SetWatchdog(escapeWatchdog)
	o, err := r.Run(s, scheduler.NewRandom(3))
	if err != nil || o.First().Rule != model.ESCAPE {
		t.Fatalf("want an ESCAPE, got %v, %v", o.Violations, err)
	}
	c := newConfig("TestEscapeIsNotShrunk", []Option{ShrinkBudget(DefaultShrinkBudget)})
	var rep Report
	path := filepath.Join(t.TempDir(), "escape.json")
	rep.record(c, blocking, o.Keep(), StrategySpec{Name: "random", Seed: 3}, path)
	if rep.SaveErr != nil || rep.Trace != path {
		t.Fatalf("the escape's trace was not saved: %v", rep.SaveErr)
	}
	if rep.Shrunk != "" || rep.ShrinkStats != (ShrinkStats{}) {
		t.Fatalf("the escape was shrunk: %s (%+v)", rep.Shrunk, rep.ShrinkStats)
	}
}
