package scheduler

import (
	"errors"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// flag is a Waiter on a boolean the tasks share.
type flag struct {
	set  bool
	name string
}

func (f *flag) Ready() bool      { return f.set }
func (f *flag) Describe() string { return f.name }

// mixed is a program with spawns, steps, blocks with and without deadlines,
// wake-ups and data decisions.
func mixed(t *Task) {
	f := &flag{name: "the flag"}
	worker := func(t *Task) {
		for i := range 5 {
			t.Step(t.Intern("work"), int64(i), 0, 0)
			if t.Choose(t.Intern("coin"), 3) == 2 {
				t.Block(nil, t.Now()+int64(1+i), t.Intern("sleep"), 0, 0)
			}
		}
		t.Block(f, -1, t.Intern("wait flag"), 0, 0)
		t.Note(t.Intern("done"), 0, 0, 0)
	}
	t.Spawn("w1", worker)
	t.Spawn("w2", worker)
	for i := range 8 {
		t.Step(t.Intern("main"), int64(i), 0, 0)
	}
	t.Block(nil, t.Now()+50, t.Intern("sleep"), 0, 0)
	f.set = true
}

func TestDeterminism(t *testing.T) {
	e1, e2 := New(Config{}), New(Config{})
	for seed := range uint64(1000) {
		r1 := e1.Run(NewRandom(seed), mixed)
		r2 := e2.Run(NewRandom(seed), mixed)
		if r1.Failure != nil || r2.Failure != nil {
			t.Fatalf("seed %d: unexpected failure %v / %v", seed, r1.Failure, r2.Failure)
		}
		if !slices.Equal(r1.Events, r2.Events) || !slices.Equal(r1.Decisions, r2.Decisions) {
			t.Fatalf("seed %d: two runs of the same seed differ", seed)
		}
	}
}

func TestSeedsDiffer(t *testing.T) {
	e := New(Config{})
	first := slices.Clone(e.Run(NewRandom(1), mixed).Events)
	for seed := uint64(2); seed < 10; seed++ {
		if !slices.Equal(first, e.Run(NewRandom(seed), mixed).Events) {
			return
		}
	}
	t.Fatal("nine seeds all gave the same schedule: the strategy is not used")
}

func TestReplayReproduces(t *testing.T) {
	e := New(Config{})
	for seed := range uint64(200) {
		r := e.Run(NewRandom(seed), mixed)
		events, decisions := slices.Clone(r.Events), slices.Clone(r.Decisions)
		rr := e.Run(NewReplay(decisions), mixed)
		if rr.Failure != nil {
			t.Fatalf("seed %d: replay failed: %v", seed, rr.Failure)
		}
		if !slices.Equal(events, rr.Events) {
			t.Fatalf("seed %d: replay gave a different log", seed)
		}
		lr := e.Run(NewLenientReplay(decisions), mixed)
		if !slices.Equal(events, lr.Events) {
			t.Fatalf("seed %d: lenient replay of an exact recording gave a different log", seed)
		}
	}
}

func TestReplayDivergence(t *testing.T) {
	e := New(Config{})
	r := e.Run(NewRandom(7), mixed)
	decisions := slices.Clone(r.Decisions)
	tests := []struct {
		name string
		edit func([]Decision) []Decision
		want string
	}{
		{"thread not enabled", func(d []Decision) []Decision {
			i := slices.IndexFunc(d, func(x Decision) bool { return x.Kind == DecThread })
			d[i].Value = 99
			return d
		}, "the recording runs T99"},
		{"too short", func(d []Decision) []Decision { return d[:len(d)/2] }, "the recording has only"},
		{"left over", func(d []Decision) []Decision {
			return append(d, Decision{Kind: DecThread, Step: 1 << 20, Value: 0, N: 2})
		}, "unused"},
		{"wrong kind", func(d []Decision) []Decision {
			i := slices.IndexFunc(d, func(x Decision) bool { return x.Kind == DecValue })
			d[i].Kind = DecThread
			return d
		}, "decision"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rr := e.Run(NewReplay(tc.edit(slices.Clone(decisions))), mixed)
			if rr.Failure == nil || rr.Failure.Kind != Diverged {
				t.Fatalf("want a divergence, got %v", rr.Failure)
			}
			if !strings.Contains(rr.Failure.Message, tc.want) || !strings.Contains(rr.Failure.Message, "step") {
				t.Fatalf("message %q does not say %q and name the step", rr.Failure.Message, tc.want)
			}
		})
	}
}

func TestDeadlockReport(t *testing.T) {
	r := New(Config{}).Run(NewRandom(1), func(t *Task) {
		a, b := &flag{name: "flag A"}, &flag{name: "flag B"}
		t.Spawn("left", func(t *Task) { t.Block(a, -1, t.Intern("WaitA"), 0, 0); b.set = true })
		t.Block(b, -1, t.Intern("WaitB"), 0, 0)
		a.set = true
	})
	f := r.Failure
	if f == nil || f.Kind != Deadlock {
		t.Fatalf("want deadlock, got %v", f)
	}
	msg := f.Error()
	for _, want := range []string{"T0 main: blocked in WaitB, waiting for flag B", "T1 left: blocked in WaitA, waiting for flag A"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report %q lacks %q", msg, want)
		}
	}
}

func TestTimedWaitIsNotDeadlock(t *testing.T) {
	r := New(Config{}).Run(NewRandom(1), func(t *Task) {
		never := &flag{name: "never"}
		if !t.Block(never, 25, t.Intern("wait"), 0, 0) {
			panic("a wait on a flag nobody sets returned without timing out")
		}
	})
	if r.Failure != nil || r.Time != 25 {
		t.Fatalf("want a clean run ending at 25 ms, got %v at %d ms", r.Failure, r.Time)
	}
}

func TestVirtualClockJumps(t *testing.T) {
	r := New(Config{}).Run(NewRandom(3), func(t *Task) {
		for _, d := range []int64{30, 10, 20} {
			t.Spawn("sleeper", func(t *Task) {
				t.Block(nil, t.Now()+d, t.Intern("sleep"), d, 0)
				t.Note(t.Intern("woke"), d, t.Now(), 0)
			})
		}
	})
	if r.Failure != nil {
		t.Fatal(r.Failure)
	}
	var clock, woke []int64
	for _, ev := range r.Events {
		switch {
		case ev.Kind == EvClock:
			clock = append(clock, ev.Time)
		case ev.Kind == EvNote && r.OpName(ev) == "woke":
			if ev.Args[0] != ev.Args[1] {
				t.Errorf("a %d ms sleeper woke at %d ms", ev.Args[0], ev.Args[1])
			}
			woke = append(woke, ev.Args[0])
		}
	}
	if !slices.Equal(clock, []int64{10, 20, 30}) || !slices.Equal(woke, []int64{10, 20, 30}) {
		t.Fatalf("clock jumps %v, wake order %v; want 10, 20, 30 for both", clock, woke)
	}
}

func TestClockDoesNotAdvanceWhileRunnable(t *testing.T) {
	r := New(Config{}).Run(NewRandom(5), func(t *Task) {
		t.Spawn("sleeper", func(t *Task) {
			t.Block(nil, t.Now()+5, t.Intern("sleep"), 0, 0)
		})
		for i := range 1000 {
			t.Step(t.Intern("busy"), int64(i), 0, 0)
			if t.Now() != 0 {
				panic("the clock moved while a task was runnable")
			}
		}
	})
	if r.Failure != nil {
		t.Fatal(r.Failure)
	}
}

func TestStepBoundNamesSpinner(t *testing.T) {
	r := New(Config{MaxSteps: 500}).Run(NewRandom(1), func(t *Task) {
		t.Spawn("spinner", func(t *Task) {
			for {
				t.Step(t.Intern("poll"), 0, 0, 0)
			}
		})
		t.Block(nil, -1, t.Intern("forever"), 0, 0)
	})
	f := r.Failure
	if f == nil || f.Kind != StepBound || f.Thread != 1 || !strings.Contains(f.Message, "T1 spinner") {
		t.Fatalf("want a step-bound failure naming T1 spinner, got %v", f)
	}
}

func TestPanicReported(t *testing.T) {
	r := New(Config{}).Run(NewRandom(1), func(t *Task) {
		t.Spawn("bad", func(t *Task) {
			t.Step(t.Intern("x"), 0, 0, 0)
			explode()
		})
		for {
			t.Step(t.Intern("loop"), 0, 0, 0)
		}
	})
	f := r.Failure
	if f == nil || f.Kind != Panic || f.Thread != 1 {
		t.Fatalf("want a panic of T1, got %v", f)
	}
	if !strings.Contains(f.Message, "boom") || !strings.Contains(f.Stack, "explode") {
		t.Fatalf("message %q / stack lacks the panic value or the panicking function", f.Message)
	}
}

func explode() { panic("boom") }

func TestGoexitReported(t *testing.T) {
	e := New(Config{})
	r := e.Run(NewRandom(1), func(t *Task) {
		t.Step(t.Intern("x"), 0, 0, 0)
		runtime.Goexit()
	})
	if r.Failure == nil || r.Failure.Kind != Panic || !strings.Contains(r.Failure.Message, "Goexit") {
		t.Fatalf("want a Goexit report, got %v", r.Failure)
	}
	if r := e.Run(NewRandom(1), mixed); r.Failure != nil {
		t.Fatalf("engine unusable after a Goexit: %v", r.Failure)
	}
}

func TestEscapeRealChannel(t *testing.T) {
	e := New(Config{Watchdog: 100 * time.Millisecond})
	ch := make(chan int)
	r := e.Run(NewRandom(1), func(t *Task) {
		t.Spawn("other", func(t *Task) { t.Step(t.Intern("x"), 0, 0, 0) })
		t.Step(t.Intern("before"), 0, 0, 0)
		<-ch // a real channel: the simulation cannot see it
		t.Step(t.Intern("after"), 0, 0, 0)
	})
	if r.Failure == nil || r.Failure.Kind != Escape || !strings.Contains(r.Failure.Message, "real Go primitive") ||
		!strings.Contains(r.Failure.Message, "T0 is blocked in chan receive") {
		t.Fatalf("want an escape of T0 blocked in chan receive, got %v", r.Failure)
	}
	if r2 := e.Run(NewRandom(1), mixed); r2.Failure == nil || r2.Failure.Kind != Escape {
		t.Fatalf("an engine with a stuck run must refuse new runs, got %v", r2.Failure)
	}
	close(ch) // let the stuck goroutine go; the abandoned run winds down
}

func TestEscapeOwnGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	e := New(Config{Watchdog: 2 * time.Second})
	started := make(chan struct{})
	r := e.Run(NewRandom(1), func(t *Task) {
		go func() {
			close(started)
			t.Step(t.Intern("from a plain goroutine"), 0, 0, 0)
		}()
		<-started // (this real wait is short: the goroutine starts at once)
		for range 100000 {
			t.Step(t.Intern("main"), 0, 0, 0)
		}
	})
	if r.Failure == nil || r.Failure.Kind != Escape || !strings.Contains(r.Failure.Message, "goroutine of its own") {
		t.Fatalf("want an escape naming a goroutine of its own, got %v", r.Failure)
	}
	if r := e.Run(NewRandom(1), mixed); r.Failure != nil {
		t.Fatalf("engine unusable after a caught stray goroutine: %v", r.Failure)
	}
	waitGoroutines(t, before)
}

type panickyStrategy struct{ Random }

func (p *panickyStrategy) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	if step > 5 {
		panic("strategy gave up")
	}
	return p.Random.NextThread(enabled, current, step)
}

func TestStrategyPanicReachesCaller(t *testing.T) {
	before := runtime.NumGoroutine()
	e := New(Config{})
	func() {
		defer func() {
			if r := recover(); r != "strategy gave up" {
				t.Fatalf("want the strategy's panic on the caller, got %v", r)
			}
		}()
		e.Run(&panickyStrategy{*NewRandom(1)}, mixed)
		t.Fatal("Run returned normally")
	}()
	if r := e.Run(NewRandom(1), mixed); r.Failure != nil {
		t.Fatalf("engine unusable after a strategy panic: %v", r.Failure)
	}
	waitGoroutines(t, before)
}

func TestStrategyErrorIsDivergence(t *testing.T) {
	r := New(Config{}).Run(errStrategy{}, mixed)
	if r.Failure == nil || r.Failure.Kind != Diverged || !errors.Is(errFixed, errFixed) || !strings.Contains(r.Failure.Message, "no more") {
		t.Fatalf("want the strategy's error as a divergence, got %v", r.Failure)
	}
}

var errFixed = errors.New("no more decisions")

type errStrategy struct{}

func (errStrategy) NextThread([]ThreadID, int, int64) (int, error) { return 0, errFixed }
func (errStrategy) NextValue(ThreadID, int, int64) (int, error)    { return 0, errFixed }

// TestNothingLeftRunning runs 10,000 runs that end normally, in deadlock,
// in a panic, over the step bound and through a caught stray goroutine, and
// checks that the goroutine count is back where it started.
func TestNothingLeftRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	e := New(Config{MaxSteps: 300})
	programs := []func(*Task){
		mixed,
		func(t *Task) { // deadlock with tasks suspended mid-body
			f := &flag{name: "never"}
			t.Spawn("a", func(t *Task) { t.Block(f, -1, t.Intern("wait"), 0, 0) })
			t.Spawn("b", func(t *Task) { t.Step(t.Intern("x"), 0, 0, 0); t.Block(f, -1, t.Intern("wait"), 0, 0) })
			t.Block(f, -1, t.Intern("wait"), 0, 0)
		},
		func(t *Task) { // panic while others are suspended
			t.Spawn("a", func(t *Task) {
				for {
					t.Step(t.Intern("x"), 0, 0, 0)
				}
			})
			t.Spawn("never started", func(t *Task) {})
			t.Step(t.Intern("x"), 0, 0, 0)
			panic("boom")
		},
		func(t *Task) { // step bound
			for {
				t.Step(t.Intern("spin"), 0, 0, 0)
			}
		},
		func(t *Task) { // a task that recovers the stop and tries to go on
			t.Spawn("stubborn", func(t *Task) {
				defer func() { recover(); t.Step(t.Intern("after stop"), 0, 0, 0) }()
				t.Block(nil, -1, t.Intern("forever"), 0, 0)
			})
			t.Step(t.Intern("x"), 0, 0, 0)
			panic("end")
		},
	}
	for i := range 10000 {
		r := e.Run(NewRandom(uint64(i)), programs[i%len(programs)])
		if i%len(programs) != 0 && r.Failure == nil {
			t.Fatalf("run %d: program %d should fail", i, i%len(programs))
		}
	}
	waitGoroutines(t, before)
}

// waitGoroutines waits (a bounded number of yields, not a timer) for
// goroutines that are exiting to finish, then compares the count.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	for range 10000 {
		if runtime.NumGoroutine() <= want {
			return
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("goroutines: %d, want %d", runtime.NumGoroutine(), want)
}
