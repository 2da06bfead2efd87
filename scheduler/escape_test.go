package scheduler

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tuning numbers of the escape tests.
const (
	// escapeWatchdog is the watchdog period of the runs that escape: short,
	// so that each costs a fraction of a second.
	escapeWatchdog = 50 * time.Millisecond
	// goroutineDeadline bounds the wait for goroutines to wind down; the
	// poll ends as soon as they have, so it only matters when they do not.
	goroutineDeadline = 30 * time.Second
	// keptPerEscape is how many goroutines an abandoned run keeps: the
	// task's goroutine stuck on the real primitive, and the engine's
	// goroutine that resumed it, which the Go runtime keeps parked on the
	// task's coroutine until the coroutine switches back (nothing else can
	// release it: iter.Pull's next and stop must not be called from two
	// goroutines at once).
	keptPerEscape = 2
	// escapeWorkers is how many tasks besides main the escaping program
	// starts; each has a goroutine the engine must stop.
	escapeWorkers = 5
)

// escaping returns a program whose tasks all start and take steps (with
// results, data decisions, notes and timed sleeps), after which main blocks
// on a real channel until release is called; stuck receives the step main
// was in. With block false it is the same program without the real wait.
func escaping(block bool) (program func(*Task), stuck chan int64, release func()) {
	ch := make(chan struct{})
	stuck = make(chan int64, 1)
	program = func(t *Task) {
		for w := range escapeWorkers {
			t.Spawn(fmt.Sprintf("w%d", w), func(t *Task) {
				for i := range 20 {
					t.Step(t.Intern("work"), int64(w), int64(i), 0)
					t.SetResult(int64(10*w + i))
					if t.Choose(t.Intern("coin"), 2) == 1 {
						t.Block(nil, t.Now()+1, t.Intern("sleep"), 0, 0)
					}
				}
			})
		}
		for i := range 12 {
			t.Step(t.Intern("main"), int64(i), 0, 0)
			t.SetResult(int64(i))
			t.Note(t.Intern("note"), int64(i), 0, 0)
		}
		if block {
			stuck <- t.StepCount()
			<-ch // a real channel: the simulation cannot see it
		}
		t.Step(t.Intern("after"), 0, 0, 0)
	}
	return program, stuck, func() { close(ch) }
}

// opNames returns the names of the operations of r's events.
func opNames(r *Result) []string {
	out := make([]string, len(r.Events))
	for i, ev := range r.Events {
		out[i] = r.OpName(ev)
	}
	return out
}

// An abandoned run's Result holds the log up to the stuck step, as the same
// run without the real wait logged it, and the step it was stuck in.
func TestEscapeKeepsTheLogPrefix(t *testing.T) {
	for seed := range uint64(3) {
		program, stuck, release := escaping(true)
		r := New(Config{Watchdog: escapeWatchdog}).Run(NewRandom(seed), program)
		release()
		step := <-stuck
		f := r.Failure
		if !r.Abandoned || f == nil || f.Kind != Escape || !strings.Contains(f.Message, "cannot be reclaimed") {
			t.Fatalf("seed %d: want an abandoned escape saying a goroutine cannot be reclaimed, got %v (abandoned %v)", seed, f, r.Abandoned)
		}
		if f.Step != step || r.Steps != step || step == 0 {
			t.Fatalf("seed %d: the run was stuck in step %d, but the failure says step %d and the result %d steps", seed, step, f.Step, r.Steps)
		}
		if f.Thread != 0 {
			t.Fatalf("seed %d: the escape names T%d, want T0", seed, f.Thread)
		}
		free, _, _ := escaping(false)
		twin := New(Config{}).Run(NewRandom(seed), free)
		if twin.Failure != nil {
			t.Fatal(twin.Failure)
		}
		n := len(r.Events)
		if n == 0 || n >= len(twin.Events) || !slices.Equal(r.Events, twin.Events[:n]) ||
			!slices.Equal(opNames(r), opNames(twin)[:n]) {
			t.Fatalf("seed %d: the abandoned log (%d events) is not a prefix of the run's own (%d)", seed, n, len(twin.Events))
		}
		if last := r.Events[n-1]; last.Step != step-1 || twin.Events[n].Step != step || r.Time != last.Time {
			t.Fatalf("seed %d: the log ends at step %d (%d ms), want the steps before %d", seed, last.Step, r.Time, step)
		}
		d := len(r.Decisions)
		if d == 0 || !slices.Equal(r.Decisions, twin.Decisions[:d]) || r.Decisions[d-1].Step > step ||
			d < len(twin.Decisions) && twin.Decisions[d].Step <= step-1 {
			t.Fatalf("seed %d: the abandoned decisions (%d) are not the run's up to step %d", seed, d, step)
		}
		if len(r.Names) != escapeWorkers+1 || !slices.Equal(r.Names, twin.Names) {
			t.Fatalf("seed %d: names %v, want %v", seed, r.Names, twin.Names)
		}
	}
}

// waitGoroutinesAtMost polls until at most want goroutines are left.
func waitGoroutinesAtMost(t *testing.T, want int, what string) {
	t.Helper()
	for deadline := time.Now().Add(goroutineDeadline); runtime.NumGoroutine() > want; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d goroutines, want at most %d", what, runtime.NumGoroutine(), want)
		}
	}
}

// An abandoned run keeps only the goroutines Go cannot stop; the other
// tasks' goroutines, the watchdog's timers and its helper are released, and
// once the stuck goroutine is let go, everything is.
func TestEscapeLeaksOnlyTheStuckGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	const escapes = 3
	var releases []func()
	defer func() {
		for _, r := range releases {
			r()
		}
	}()
	for i := 1; i <= escapes; i++ {
		program, stuck, release := escaping(true)
		releases = append(releases, release)
		r := New(Config{Watchdog: escapeWatchdog}).Run(NewRandom(uint64(i)), program)
		<-stuck
		if !r.Abandoned {
			t.Fatalf("escape %d: the run was not abandoned: %v", i, r.Failure)
		}
		// Without the release of the other tasks, each escape would keep
		// escapeWorkers more goroutines.
		waitGoroutinesAtMost(t, before+keptPerEscape*i, fmt.Sprintf("after escape %d", i))
	}
	for _, r := range releases {
		r()
	}
	releases = nil
	waitGoroutinesAtMost(t, before, "after the stuck goroutines were let go")
}

// logged is a program whose log has every kind of event, and results set
// after the step that logged them.
func logged(t *Task) {
	f := &flag{name: "go"}
	for w := range 2 {
		t.Spawn(fmt.Sprintf("w%d", w), func(t *Task) {
			for i := range 6 {
				t.Step(t.Intern("work"), int64(w), int64(i), 0)
				t.SetResult(int64(100*w + i))
				if t.Choose(t.Intern("coin"), 3) == 2 {
					t.Block(nil, t.Now()+int64(1+i), t.Intern("sleep"), 0, 0)
				}
			}
			t.Block(f, -1, t.Intern("wait"), 0, 0)
			t.Note(t.Intern("done"), int64(w), 0, 0)
		})
	}
	for i := range 5 {
		t.Step(t.Intern("main"), int64(i), 0, 0)
		t.SetResult(int64(i))
	}
	t.Block(nil, t.Now()+20, t.Intern("sleep"), 0, 0)
	f.set = true
}

// Config.Expect fails a run at once at the first event that differs from
// the expected log, at the step of that event, and a run that goes on past
// it or ends before it.
func TestExpectDivergesAtTheFirstDifference(t *testing.T) {
	rec := New(Config{}).Run(NewRandom(7), logged)
	if rec.Failure != nil {
		t.Fatal(rec.Failure)
	}
	log := slices.Clone(rec.Events)
	ops := slices.Clone(rec.Ops)
	decisions := slices.Clone(rec.Decisions)
	// kindAt is the tick of the last event of a kind: the differences
	// come late in the run, after several switches.
	kindAt := func(kind EventKind) int {
		for i := len(log) - 1; i >= 0; i-- {
			if log[i].Kind == kind {
				return i
			}
		}
		return -1
	}
	mid := len(log)/2 + slices.IndexFunc(log[len(log)/2:], func(ev Event) bool { return ev.Kind == EvStep })
	changed := func(k int, edit func(*Event)) []Event {
		l := slices.Clone(log)
		edit(&l[k])
		return l
	}
	// The expected log may name operations the run never interned.
	forged := OpID(len(ops))
	expectOps := append(slices.Clone(ops), "forged")
	tests := []struct {
		name   string
		expect []Event
		at     int    // the tick that diverges; -1: none
		want   string // the error says this
	}{
		{"identical", log, -1, ""},
		{"a result at the first event", changed(0, func(ev *Event) { ev.Result++ }), 0, "expected step start"},
		{"a result set after the step", changed(kindAt(EvStep), func(ev *Event) { ev.Result += 7 }), kindAt(EvStep), "the run logged step"},
		{"an argument", changed(kindAt(EvStep), func(ev *Event) { ev.Args[1]++ }), kindAt(EvStep), "at tick"},
		{"a step in the middle", changed(mid, func(ev *Event) { ev.Thread++ }), mid, "expected step"},
		{"an operation's name", changed(kindAt(EvStep), func(ev *Event) { ev.Op = forged }), kindAt(EvStep), "expected step forged("},
		{"a spawn", changed(kindAt(EvSpawn), func(ev *Event) { ev.Thread = 3 }), kindAt(EvSpawn), "spawn"},
		{"a choice", changed(kindAt(EvChoice), func(ev *Event) { ev.Result = 9 }), kindAt(EvChoice), "choice"},
		{"a block", changed(kindAt(EvBlock), func(ev *Event) { ev.Args[2]++ }), kindAt(EvBlock), "block"},
		{"a clock jump", changed(kindAt(EvClock), func(ev *Event) { ev.Time++ }), kindAt(EvClock), "clock"},
		{"the last event", changed(len(log)-1, func(ev *Event) { ev.Kind = EvNote }), len(log) - 1, "exit"},
		{"a log shorter than the run", log[:len(log)/2], len(log) / 2, "the expected log has"},
		{"an empty log", []Event{}, 0, "the expected log has 0 events"},
		{"a log longer than the run", append(slices.Clone(log), Event{Kind: EvNote, Step: log[len(log)-1].Step}), len(log), "the run ended"},
	}
	if slices.Contains([]int{mid, kindAt(EvStep), kindAt(EvSpawn), kindAt(EvChoice), kindAt(EvBlock), kindAt(EvClock)}, -1) {
		t.Fatal("the recorded log lacks a kind of event the table needs")
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := New(Config{Expect: tc.expect, ExpectOps: expectOps}).Run(NewReplay(decisions), logged)
			f := r.Failure
			if tc.at < 0 {
				if f != nil || !slices.Equal(r.Events, log) {
					t.Fatalf("want the recorded run again, got %v", f)
				}
				return
			}
			if f == nil || f.Kind != Diverged || !errors.Is(f, ErrDiverged) {
				t.Fatalf("want a divergence wrapping ErrDiverged, got %v", f)
			}
			at := fmt.Sprintf("at tick %d ", tc.at)
			if !strings.Contains(f.Message, at) || !strings.Contains(f.Message, tc.want) || f.Err == nil || f.Err.Error() != f.Message {
				t.Fatalf("want the message to name %q and say %q, got %q", at, tc.want, f.Message)
			}
			// The run stops at the differing event: its step is that event's
			// (the recorded one's), and the run took no step past it.
			step := log[min(tc.at, len(log)-1)].Step
			if f.Step > step || r.Steps > step {
				t.Fatalf("the event at tick %d is of step %d, but the run failed at step %d after %d steps", tc.at, step, f.Step, r.Steps)
			}
			if tc.at < len(log) && len(r.Events) > tc.at+1 && r.Events[len(r.Events)-1].Step > step {
				t.Fatalf("the run logged %d events past tick %d", len(r.Events)-tc.at-1, tc.at)
			}
		})
	}
}
