package scheduler

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// firstReport plays judge over the looks of a stall that starts at look 0,
// one look every period, with the process using cpuShare of one CPU and the
// given goroutine evidence, and returns the first report and the stall it
// came at (keepWatching and 0 when none came within maxStall).
func firstReport(w time.Duration, cpuShare float64, blocked string, runnable bool, maxStall time.Duration) (verdict, time.Duration) {
	period := w / watchdogTicks
	suspect := 0
	for stale := period; stale <= maxStall; stale += period {
		ev := evidence{stale: stale, cpu: time.Duration(float64(stale) * cpuShare), blocked: blocked, runnable: runnable}
		var v verdict
		if v, suspect = judge(w, ev, suspect); v != keepWatching {
			return v, stale
		}
	}
	return keepWatching, 0
}

func TestJudgeStalls(t *testing.T) {
	const w = 3 * time.Second
	const p = w / watchdogTicks
	tests := []struct {
		name     string
		w        time.Duration
		cpuShare float64
		blocked  string
		runnable bool
		want     verdict
		at       time.Duration
	}{
		// A process starved by others: a long stall, little CPU time (here
		// too little to reach Watchdog/2 within 100 Watchdog periods).
		{"starved, goroutine seen waiting for a CPU", w, 0.002, "", true, keepWatching, 0},
		{"starved, nothing attributed", w, 0.002, "", false, reportStalled, hardCapFactor * w},
		// Any CPU time the process burns while the run stands still counts:
		// 2% of a CPU adds up to Watchdog/2 after 25 periods.
		{"starved on 2% of a CPU, seen waiting for it", w, 0.02, "", true, reportBusy, 25*w + p},
		// A loop that never calls the simulation burns CPU time.
		{"busy loop on an idle machine", w, 1, "", true, reportBusy, w + p},
		{"busy loop on two CPUs", w, 2, "", true, reportBusy, w + p},
		{"busy loop getting a third of a CPU", w, 1.0 / 3, "", true, reportBusy, w*3/2 + p},
		{"busy loop, short watchdog (CPU floor)", 20 * time.Millisecond, 1, "", true, reportBusy, busyCPUFloor + 5*time.Millisecond},
		// A goroutine blocked on a channel in an idle process.
		{"blocked, seen in the dump", w, 0, "chan receive", false, reportBlocked, w + p},
		{"blocked, not attributed", w, 0, "", false, reportStalled, hardCapFactor * w},
		{"blocked while other goroutines burn CPU", w, 1, "sync.Mutex.Lock", false, reportBlocked, w + p},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, at := firstReport(tc.w, tc.cpuShare, tc.blocked, tc.runnable, 100*tc.w)
			if v != tc.want || at != tc.at {
				t.Fatalf("first report %d at a stall of %v, want %d at %v", v, at, tc.want, tc.at)
			}
		})
	}
}

func TestJudgeLooks(t *testing.T) {
	const w = time.Second
	tests := []struct {
		name        string
		ev          evidence
		suspect     int
		want        verdict
		wantSuspect int
	}{
		{"short stall, busy", evidence{stale: w - 1, cpu: w}, 1, keepWatching, 0},
		{"first busy look", evidence{stale: w, cpu: w / 2}, 0, keepWatching, 1},
		{"second busy look", evidence{stale: w, cpu: w / 2}, 1, reportBusy, 2},
		{"too little CPU resets", evidence{stale: 2 * w, cpu: w/2 - 1}, 1, keepWatching, 0},
		{"first blocked look", evidence{stale: w, blocked: "select"}, 0, keepWatching, 1},
		{"second blocked look", evidence{stale: w, blocked: "select"}, 1, reportBlocked, 2},
		{"blocked wins over busy", evidence{stale: w, cpu: w, blocked: "sleep"}, 1, reportBlocked, 2},
		{"hard cap", evidence{stale: hardCapFactor * w}, 0, reportStalled, 0},
		{"hard cap waits for a runnable goroutine", evidence{stale: 50 * w, runnable: true}, 0, keepWatching, 0},
		{"hard cap does not wait for a confirmation", evidence{stale: hardCapFactor * w, blocked: "select"}, 0, reportStalled, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, s := judge(w, tc.ev, tc.suspect)
			if v != tc.want || s != tc.wantSuspect {
				t.Fatalf("judge(%+v, %d) = %d, %d; want %d, %d", tc.ev, tc.suspect, v, s, tc.want, tc.wantSuspect)
			}
		})
	}
}

func TestIsRealWait(t *testing.T) {
	tests := []struct {
		state string
		want  bool
	}{
		{"chan receive", true},
		{"chan receive (nil chan)", true},
		{"chan send", true},
		{"select", true},
		{"select (no cases)", true},
		{"sleep", true},
		{"sync.Mutex.Lock", true},
		{"sync.RWMutex.RLock", true},
		{"sync.RWMutex.Lock", true},
		{"sync.WaitGroup.Wait", true},
		{"sync.Cond.Wait", true},
		{"semacquire", true},
		{"IO wait", true},
		{"syscall", true},
		{"coroutine", false},
		{"running", false},
		{"runnable", false},
		{"GC assist wait", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := isRealWait(tc.state); got != tc.want {
			t.Errorf("isRealWait(%q) = %v, want %v", tc.state, got, tc.want)
		}
	}
}

// synthDump builds a goroutine dump in runtime.Stack's format from blocks
// of "id state parent creator [frame]".
func synthDump(blocks ...[5]string) []byte {
	var out []string
	for _, g := range blocks {
		lines := []string{fmt.Sprintf("goroutine %s [%s]:", g[0], g[1])}
		if g[4] != "" {
			lines = append(lines, g[4]+"(...)", "\t/src/x.go:1 +0x1")
		}
		lines = append(lines, "main.f()", "\t/src/main.go:2 +0x2")
		if g[2] != "" {
			lines = append(lines, fmt.Sprintf("created by %s in goroutine %s", g[3], g[2]), "\t/src/y.go:3 +0x3")
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return []byte(strings.Join(out, "\n\n") + "\n")
}

func TestRunState(t *testing.T) {
	pkg := reflect.TypeFor[Engine]().PkgPath()
	run, task, pull := pkg+".(*Engine).Run", pkg+".(*Task).start.func1", "iter.Pull[...]"
	watcher := [5]string{"7", "running", "", "", ""}
	tests := []struct {
		name     string
		dump     []byte
		want     string
		wantTask bool
	}{
		{"a task blocked", synthDump(watcher,
			[5]string{"8", "coroutine", "7", run, ""},
			[5]string{"9", "coroutine", "8", pull, task},
			[5]string{"10", "chan receive, 2 minutes", "8", pull, task}), "chan receive", true},
		{"a task running", synthDump(watcher,
			[5]string{"8", "coroutine", "7", run, ""},
			[5]string{"9", "running", "8", pull, task}), "running", true},
		{"every task parked: the loop", synthDump(watcher,
			[5]string{"8", "runnable", "7", run, ""},
			[5]string{"9", "coroutine", "8", pull, task}), "runnable", false},
		{"another engine's blocked task", synthDump(watcher,
			[5]string{"8", "runnable", "7", run, ""},
			[5]string{"20", "coroutine", "12", run, ""},
			[5]string{"21", "chan receive", "20", pull, task}), "runnable", false},
		{"a stray goroutine of simulated code", synthDump(watcher,
			[5]string{"8", "coroutine", "7", run, ""},
			[5]string{"9", "running", "8", pull, task},
			[5]string{"11", "chan send", "9", "main.g", ""}), "running", true},
		{"an earlier stuck loop of this goroutine", synthDump(watcher,
			[5]string{"5", "coroutine", "7", run, ""},
			[5]string{"6", "chan receive", "5", pull, task},
			[5]string{"8", "coroutine", "7", run, ""},
			[5]string{"9", "running", "8", pull, task}), "", false},
		{"an earlier stuck loop of this goroutine, recorded", synthDump(watcher,
			[5]string{"4", "coroutine", "7", run, ""},
			[5]string{"6", "chan receive", "4", pull, task},
			[5]string{"8", "coroutine", "7", run, ""},
			[5]string{"9", "running", "8", pull, task}), "running", true},
		{"no loop", synthDump(watcher), "", false},
		{"empty", nil, "", false},
		{"not a dump", []byte("hello\n\nworld"), "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, isTask := runState(tc.dump, func(id string) bool { return id == "4" })
			if got != tc.want || isTask != tc.wantTask {
				t.Fatalf("runState = %q, %v; want %q, %v\n%s", got, isTask, tc.want, tc.wantTask, tc.dump)
			}
		})
	}
}

// fakeLooks says how drive fakes the watchdog's clocks and dumps.
type fakeLooks struct {
	cpuShare float64       // the CPU clock advances this share of the wall clock
	dump     func() []byte // goroutine dumps, or nil
	jumpAt   int           // at this look the wall clock jumps by an hour (0: never)
	maxLooks int           // after this many looks the program is released
	before   func()        // runs first on the goroutine that calls Run, or nil
}

// drive runs a blocked program on e with a fake probe: each look, the wall
// clock advances one period (or an hour at look f.jumpAt) and the CPU clock
// f.cpuShare of that; no real time passes between looks. It returns the
// number of looks the watchdog took before Run returned (or f.maxLooks when
// it took them all, after which the program is released to finish) and the
// result.
func drive(t *testing.T, e *Engine, b *blocked, f fakeLooks) (int, *Result) {
	t.Helper()
	period := e.cfg.Watchdog / watchdogTicks
	ticks := make(chan time.Time)
	// The watchdog reads the wall clock once per look, on its goroutine
	// alone: each read is the next look's time.
	var wall, cpu time.Duration
	reads := 0
	e.probe = watchProbe{
		ticker: func(time.Duration) (<-chan time.Time, *time.Ticker) { return ticks, nil },
		wall: func() time.Duration {
			reads++
			step := period
			if reads == f.jumpAt {
				step = time.Hour
			}
			wall += step
			cpu += time.Duration(float64(step) * f.cpuShare)
			return wall
		},
		cpu:  func() time.Duration { return cpu },
		dump: f.dump,
	}
	results := make(chan *Result)
	go func() {
		if f.before != nil {
			f.before()
		}
		results <- e.Run(NewRandom(1), b.program)
	}()
	// The looks begin once the program is blocked; the fake clocks do not
	// wait for it.
	b.wait(t)
	for look := 1; ; look++ {
		if look > f.maxLooks {
			b.release()
		}
		select {
		case ticks <- time.Time{}:
		case r := <-results:
			return min(look-1, f.maxLooks), r
		}
	}
}

// blocked is a program whose main task blocks on a real channel.
type blocked struct {
	ch      chan int
	once    sync.Once
	goid    chan string // the blocking goroutine's number in dumps
	program func(*Task)
}

func newBlocked() *blocked {
	b := &blocked{ch: make(chan int), goid: make(chan string, 1)}
	b.program = func(t *Task) {
		t.Spawn("other", func(t *Task) { t.Step(t.Intern("x"), 0, 0, 0) })
		t.Step(t.Intern("before"), 0, 0, 0)
		id, _, _ := goroutineHeader(dumpSelf())
		b.goid <- id
		<-b.ch
		t.Step(t.Intern("after"), 0, 0, 0)
	}
	return b
}

// release lets the program go on.
func (b *blocked) release() { b.once.Do(func() { close(b.ch) }) }

// wait returns once the program's task is blocked on the channel.
func (b *blocked) wait(t *testing.T) {
	t.Helper()
	id := <-b.goid
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(time.Millisecond) {
		for _, g := range bytes.Split(dumpGoroutines(), []byte("\n\n")) {
			if n, state, _ := goroutineHeader(g); n == id && state == "chan receive" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutine %s never blocked:\n%s", id, dumpGoroutines())
		}
	}
}

// dumpSelf returns the calling goroutine's stack.
func dumpSelf() []byte {
	buf := make([]byte, 1<<10)
	return buf[:runtime.Stack(buf, false)]
}

func TestWatchdogDriven(t *testing.T) {
	const w = time.Second
	pkg := reflect.TypeFor[Engine]().PkgPath()
	// A dump in which the run's task waits for a CPU, whatever goroutine
	// the watchdog runs on: runState takes the first goroutine for the
	// watcher's.
	runnable := func() []byte {
		return synthDump([5]string{"1", "running", "", "", ""},
			[5]string{"2", "coroutine", "1", pkg + ".(*Engine).Run", ""},
			[5]string{"3", "runnable", "2", "iter.Pull[...]", pkg + ".(*Task).start.func1"})
	}
	tests := []struct {
		name     string
		cpuShare float64
		dump     func() []byte
		jumpAt   int
		want     int    // the look that reports; 0: none
		msg      string // the report says this
	}{
		// Look 1 sees the run for the first time; look k has seen it
		// stand still for k-1 periods.
		{"busy", 1, nil, 0, watchdogTicks + 2, "while the process used"},
		// 0.4 of a CPU: the CPU time reaches Watchdog/2 at look 6.
		{"busy on 0.4 of a CPU", 0.4, nil, 0, watchdogTicks + 3, "ran a loop"},
		{"blocked, seen in the dump", 0, dumpGoroutines, 0, watchdogTicks + 2, "T0 is blocked in chan receive"},
		{"starved, nothing attributed", 0.01, nil, 0, hardCapFactor*watchdogTicks + 1, "made no scheduling step for 10s"},
		{"process suspended for an hour", 0, nil, 3, hardCapFactor * watchdogTicks, "made no scheduling step for 10s"},
		{"starved, waiting for a CPU", 0, runnable, 0, 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := newBlocked()
			defer b.release()
			f := fakeLooks{cpuShare: tc.cpuShare, dump: tc.dump, jumpAt: tc.jumpAt, maxLooks: 2 * hardCapFactor * watchdogTicks}
			looks, r := drive(t, New(Config{Watchdog: w}), b, f)
			if tc.want == 0 {
				if r.Failure != nil || looks != f.maxLooks {
					t.Fatalf("want no report in %d looks, got %v after %d", f.maxLooks, r.Failure, looks)
				}
				return
			}
			if looks != tc.want || r.Failure == nil || r.Failure.Kind != Escape || !strings.Contains(r.Failure.Message, tc.msg) {
				t.Fatalf("want an escape saying %q at look %d, got %v at look %d", tc.msg, tc.want, r.Failure, looks)
			}
		})
	}
}

// TestWatchdogRetractsFinishedRun: a run that finishes between the look
// that condemns it and the report is not reported.
func TestWatchdogRetractsFinishedRun(t *testing.T) {
	runFunc := reflect.TypeFor[Engine]().PkgPath() + ".(*Engine).Run"
	b := newBlocked()
	defer b.release()
	dumps := 0
	// The dump of the look that reports lets the run finish and waits
	// until its loop goroutine (created by Run on the watchdog's goroutine,
	// the first in the dump) is gone.
	dump := func() []byte {
		if dumps++; dumps < confirmLooks {
			return nil
		}
		b.release()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			blocks := bytes.Split(dumpGoroutines(), []byte("\n\n"))
			watcher, _, _ := goroutineHeader(blocks[0])
			alive := false
			for _, g := range blocks[1:] {
				fn, parent, _ := createdBy(g)
				alive = alive || fn == runFunc && parent == watcher
			}
			if !alive {
				break
			}
		}
		return nil
	}
	f := fakeLooks{cpuShare: 1, dump: dump, maxLooks: 2 * hardCapFactor * watchdogTicks}
	looks, r := drive(t, New(Config{Watchdog: time.Second}), b, f)
	if looks != watchdogTicks+2 || r.Failure != nil {
		t.Fatalf("want the run to end without a failure at look %d, got %v at look %d", watchdogTicks+2, r.Failure, looks)
	}
}

// TestWatchdogAttribution: with real goroutine dumps, a stuck run of another
// engine, started from another goroutine, does not confuse the watchdog;
// nor does one started earlier from the goroutine that calls Run, whose
// loop the engine recorded when it abandoned that run. (An unrecorded one
// makes the dump ambiguous, and the watchdog falls back on the hard cap:
// see TestRunState.)
func TestWatchdogAttribution(t *testing.T) {
	const w = time.Second
	stuckRun := func() {
		b := newBlocked()
		t.Cleanup(b.release)
		if r := New(Config{Watchdog: 20 * time.Millisecond}).Run(NewRandom(1), b.program); r.Failure == nil {
			t.Error("a stuck run was not reported")
		}
	}
	tests := []struct {
		name   string
		before func()
		want   int
		msg    string
	}{
		{"stuck run of another goroutine", nil, watchdogTicks + 2, "T0 is blocked in chan receive"},
		{"stuck run of the same goroutine", stuckRun, watchdogTicks + 2, "T0 is blocked in chan receive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			stuckRun() // on the subtest's goroutine
			b := newBlocked()
			defer b.release()
			f := fakeLooks{dump: dumpGoroutines, maxLooks: 2 * hardCapFactor * watchdogTicks, before: tc.before}
			looks, r := drive(t, New(Config{Watchdog: w}), b, f)
			if looks != tc.want || r.Failure == nil || !strings.Contains(r.Failure.Message, tc.msg) {
				t.Fatalf("want an escape saying %q at look %d, got %v at look %d", tc.msg, tc.want, r.Failure, looks)
			}
		})
	}
}

// TestEscapeKinds blocks a task on each kind of real primitive (and spins
// one in a loop), each on an engine of its own, all at once: each run is
// reported, naming what its task is doing, and no run is blamed for
// another's goroutine.
func TestEscapeKinds(t *testing.T) {
	type escape struct {
		block   func() // the task's real wait or loop
		release func() // lets it go after the report
	}
	chanRecv := func() escape {
		ch := make(chan int)
		return escape{func() { <-ch }, func() { close(ch) }}
	}
	chanSend := func() escape {
		ch := make(chan int)
		return escape{func() { ch <- 1 }, func() { <-ch }}
	}
	selectTwo := func() escape {
		a, b := make(chan int), make(chan int)
		return escape{func() {
			select {
			case <-a:
			case <-b:
			}
		}, func() { close(a) }}
	}
	mutex := func() escape {
		var mu sync.Mutex
		mu.Lock()
		return escape{func() { mu.Lock() }, mu.Unlock}
	}
	rwmutex := func() escape {
		var mu sync.RWMutex
		mu.Lock()
		return escape{func() { mu.RLock() }, mu.Unlock}
	}
	waitGroup := func() escape {
		var wg sync.WaitGroup
		wg.Add(1)
		return escape{wg.Wait, wg.Done}
	}
	cond := func() escape {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		done := false
		return escape{func() {
			mu.Lock()
			for !done {
				c.Wait()
			}
			mu.Unlock()
		}, func() { mu.Lock(); done = true; c.Broadcast(); mu.Unlock() }}
	}
	sleep := func() escape {
		return escape{func() { time.Sleep(2 * time.Second) }, func() {}}
	}
	spin := func() escape {
		var stop atomic.Bool
		return escape{func() {
			for !stop.Load() {
			}
		}, func() { stop.Store(true) }}
	}
	tests := []struct {
		name string
		make func() escape
		want string
	}{
		{"chan receive", chanRecv, "is blocked in chan receive"},
		{"chan send", chanSend, "is blocked in chan send"},
		{"select", selectTwo, "is blocked in select"},
		{"sync.Mutex", mutex, "is blocked in sync.Mutex.Lock"},
		{"sync.RWMutex", rwmutex, "is blocked in sync.RWMutex.RLock"},
		{"sync.WaitGroup", waitGroup, "is blocked in sync.WaitGroup.Wait"},
		{"sync.Cond", cond, "is blocked in sync.Cond.Wait"},
		{"time.Sleep", sleep, "is blocked in sleep"},
		{"busy loop", spin, "ran a loop that never calls the simulation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			esc := tc.make()
			e := New(Config{Watchdog: 40 * time.Millisecond})
			r := e.Run(NewRandom(1), func(t *Task) {
				t.Spawn("other", func(t *Task) { t.Step(t.Intern("x"), 0, 0, 0) })
				t.Step(t.Intern("before"), 0, 0, 0)
				esc.block()
				t.Step(t.Intern("after"), 0, 0, 0)
			})
			esc.release()
			if r.Failure == nil || r.Failure.Kind != Escape || !strings.Contains(r.Failure.Message, tc.want) {
				t.Fatalf("want an escape saying %q, got %v", tc.want, r.Failure)
			}
		})
	}
}
