package scheduler

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Tuning numbers of the watchdog. With a Watchdog period W, a run is
// reported as an escape only once its progress has stood still for W of
// real time and, at confirmLooks looks in a row, either the process has
// spent max(W/busyCPUShare, busyCPUFloor) of CPU time in that span or a
// task of the run is seen blocked on a real Go primitive; or once its
// progress has stood still for hardCapFactor*W, unless the goroutine it
// waits for is then seen running or waiting for a CPU (the machine is
// starving the process).
const (
	// DefaultWatchdog is how long a run may make no scheduling step, in real
	// time, before the watchdog starts to suspect an escape; see
	// [Config.Watchdog] for when it reports one.
	DefaultWatchdog = 3 * time.Second
	// watchdogTicks is how many times per Watchdog period it looks.
	watchdogTicks = 4
	// busyCPUShare: a stalled run is busy (simulated code spinning outside
	// the simulation) when the process used at least Watchdog/busyCPUShare of
	// CPU time while the run stood still. A process starved by other
	// processes accrues little CPU time, so it is not accused.
	busyCPUShare = 2
	// busyCPUFloor is the least CPU time that counts as busy, whatever the
	// Watchdog period: the kernel accounts the CPU time of a thread running
	// on another CPU only at its next scheduler tick (up to 10ms late per
	// thread), and the process's runtime (GC, the watchdog's own goroutine
	// dumps) uses some, so a few ms prove nothing.
	busyCPUFloor = 50 * time.Millisecond
	// confirmLooks is how many looks in a row must find evidence (busy, or
	// blocked on a real primitive) before the watchdog reports.
	confirmLooks = 2
	// hardCapFactor: a run that stands still for hardCapFactor*Watchdog is
	// reported even without evidence of busy or blocked simulated code (a
	// goroutine blocked on a channel in an otherwise idle process burns no
	// CPU time, and the goroutine dump cannot always be attributed), so
	// nothing ever hangs.
	hardCapFactor = 10
	// creditTicks caps how much wall time one look credits to the stall, in
	// look periods: a look that comes late (the whole process was stopped,
	// suspended or starved) counts as at most this many periods, so a pause
	// of the whole process is not taken for a stall of the run.
	creditTicks = 2
	// escapeGrace is how long, after an escape, the engine waits for the run
	// to wind down before it gives it up as stuck.
	escapeGrace = 200 * time.Millisecond
	// dumpStart and dumpMax bound the buffer of the goroutine dump the
	// watchdog takes to see what a stalled task is doing.
	dumpStart = 64 << 10
	dumpMax   = 64 << 20
)

// evidence is what one look of the watchdog found about a run whose
// progress has stood still since an earlier look.
type evidence struct {
	// stale is how long the progress has stood still: the wall time between
	// the looks since it last moved, each capped at creditTicks periods.
	stale time.Duration
	// cpu is the CPU time (user and system) the whole process used over that
	// span.
	cpu time.Duration
	// blocked is the real blocking wait ("chan receive") the goroutine of a
	// task of this run is in, or "" when none is, or when the goroutine dump
	// does not attribute goroutines to this run beyond doubt.
	blocked string
	// runnable: the goroutine the run waits for (the task that runs, or the
	// run's loop) is running or waiting for a CPU, so the run is slow, not
	// stuck.
	runnable bool
}

// verdict is what the watchdog makes of one look.
type verdict uint8

const (
	keepWatching  verdict = iota // no escape (yet)
	reportBusy                   // the process burnt CPU time without a step
	reportBlocked                // a task waits on a real Go primitive
	reportStalled                // the stall reached the hard cap
)

// judge is the watchdog's rule, without clocks: given the evidence of a look
// and how many looks in a row before it were suspect (busy or blocked, with
// the stall at least watchdog long), it returns the verdict and the count
// to pass to the next look.
func judge(watchdog time.Duration, ev evidence, suspect int) (verdict, int) {
	if ev.stale < watchdog {
		return keepWatching, 0
	}
	if ev.blocked != "" || ev.cpu >= max(watchdog/busyCPUShare, busyCPUFloor) {
		if suspect++; suspect >= confirmLooks {
			if ev.blocked != "" {
				return reportBlocked, suspect
			}
			return reportBusy, suspect
		}
	} else {
		suspect = 0
	}
	if ev.stale >= hardCapFactor*watchdog && !ev.runnable {
		return reportStalled, suspect
	}
	return keepWatching, suspect
}

// watchProbe is where the watchdog gets its ticks, clocks and goroutine
// dumps. New sets the real ones; tests replace them to drive the watchdog
// without real time.
type watchProbe struct {
	// ticker returns a channel that ticks every period, and the real ticker
	// behind it (to stop) or nil.
	ticker func(period time.Duration) (<-chan time.Time, *time.Ticker)
	// wall reads a monotonic wall clock.
	wall func() time.Duration
	// cpu reads the CPU time the process has used so far.
	cpu func() time.Duration
	// dump returns the stacks of every goroutine, the caller's first, as
	// runtime.Stack(buf, true) writes them, or nil.
	dump func() []byte
}

// realProbe returns the probe of real time.
func realProbe() watchProbe {
	start := time.Now()
	wall := func() time.Duration { return time.Since(start) }
	return watchProbe{
		ticker: func(period time.Duration) (<-chan time.Time, *time.Ticker) {
			t := time.NewTicker(period)
			return t.C, t
		},
		wall: wall,
		cpu:  cpuClock(wall),
		dump: dumpGoroutines,
	}
}

// dumpGoroutines returns runtime.Stack of every goroutine, or nil when it
// does not fit in dumpMax bytes.
func dumpGoroutines() []byte {
	for size := dumpStart; size <= dumpMax; size *= 2 {
		buf := make([]byte, size)
		if n := runtime.Stack(buf, true); n < size {
			return buf[:n]
		}
	}
	return nil
}

// stall is the watchdog's account of the current stall of a run.
type stall struct {
	progress int64         // the progress counter it stands at
	running  uint64        // the running task it stands at
	lastLook time.Duration // wall clock of the last look
	stale    time.Duration // credited wall time since it began
	cpu0     time.Duration // process CPU time when it began
	suspect  int           // suspect looks in a row
}

// watch waits for the run loop, turning a run that stops making progress in
// real time into an Escape failure (see [Config.Watchdog] for the rule). It
// returns nil when the loop finished (whatever its outcome, which is then in
// e.failure), or the Result to report for a loop that is stuck and has been
// abandoned.
func (e *Engine) watch(done chan struct{}) *Result {
	period := e.cfg.Watchdog / watchdogTicks
	ticks, ticker := e.probe.ticker(period)
	if ticker != nil {
		defer ticker.Stop()
	}
	st := stall{progress: -1}
	for {
		select {
		case <-done:
			return nil
		case <-ticks:
		}
		select {
		case <-done: // a run that has finished is never judged
			return nil
		default:
		}
		if info := e.escapeMsg.Load(); info != nil {
			return e.giveUp(done, info.thread, info.msg, false)
		}
		now := e.probe.wall()
		p, r := e.progress.Load(), e.running.Load()
		if p != st.progress || r != st.running {
			st = stall{progress: p, running: r, lastLook: now, cpu0: e.probe.cpu()}
			continue
		}
		st.stale += min(now-st.lastLook, creditTicks*period)
		st.lastLook = now
		if st.stale < e.cfg.Watchdog {
			continue
		}
		ev := evidence{stale: st.stale, cpu: e.probe.cpu() - st.cpu0}
		state, isTask := "", false
		if e.probe.dump != nil {
			state, isTask = runState(e.probe.dump(), isStranded)
		}
		if isTask && isRealWait(state) {
			ev.blocked = state
		}
		ev.runnable = state == "running" || state == "runnable"
		var v verdict
		if v, st.suspect = judge(e.cfg.Watchdog, ev, st.suspect); v == keepWatching {
			continue
		}
		_, id := runningTask(r)
		return e.giveUp(done, id, escapeMessage(v, id, ev, state, isTask), true)
	}
}

// escapeMessage words the watchdog's report; state is what the goroutine
// dump said of the run's task (isTask) or loop, if anything.
func escapeMessage(v verdict, id ThreadID, ev evidence, state string, isTask bool) string {
	who := fmt.Sprintf("T%d", id)
	if id == NoThread {
		who = "the run" // no task had started
	}
	stale := ev.stale.Round(time.Millisecond)
	const primitives = "(channel, sync.Mutex, WaitGroup, time.Sleep, ...)"
	var msg string
	switch v {
	case reportBlocked:
		return fmt.Sprintf("%s is blocked in %s and made no scheduling step for %v of real time: "+
			"simulated code waits on a real Go primitive %s that the simulation cannot see", who, ev.blocked, stale, primitives)
	case reportBusy:
		msg = fmt.Sprintf("%s made no scheduling step for %v of real time while the process used %v of CPU time: "+
			"simulated code ran a loop that never calls the simulation, or blocked on a real Go primitive %s",
			who, stale, ev.cpu.Round(time.Millisecond), primitives)
	default:
		msg = fmt.Sprintf("%s made no scheduling step for %v of real time: simulated code blocked on a real Go primitive %s "+
			"or ran a loop that never calls the simulation", who, stale, primitives)
	}
	switch {
	case state != "" && isTask:
		msg += fmt.Sprintf(" (its goroutine is %s)", state)
	case state != "":
		msg += fmt.Sprintf(" (the engine's loop is %s)", state)
	}
	return msg
}

// isRealWait reports whether a goroutine state of a stack dump ("chan
// receive", "select (no cases)") is a wait on a real Go primitive, the
// kind a simulated thread must never be in. Parked coroutines, running and
// runnable goroutines and the runtime's own waits (GC assists) are not.
func isRealWait(state string) bool {
	base, _, _ := strings.Cut(state, " (")
	switch base {
	case "chan receive", "chan send", "select", "sleep", "sync.Mutex.Lock", "sync.RWMutex.Lock",
		"sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait", "semacquire", "IO wait", "syscall":
		return true
	}
	return false
}

// runState reads a goroutine dump taken by the watchdog (its own goroutine
// first, as runtime.Stack writes it) and returns the state ("chan
// receive", "running") of the goroutine the run waits for: the one task
// goroutine that is not parked, and whether it is a task; else the run
// loop's goroutine. It returns "" when the dump cannot tell this run's
// goroutines apart from others'.
//
// Attribution goes by the dump's "created by ... in goroutine N" lines: the
// watchdog runs on the goroutine that called Run, which created the run's
// loop goroutine, which created every task goroutine. Other engines (tests
// running in parallel) and goroutines abandoned by earlier escapes hang off
// other goroutines, except for the run loops of earlier runs, of any
// engine, that this goroutine started and that are stuck. Those the engine
// recorded when it abandoned their runs (see strand) are skipped (when
// skip says so); with more than one candidate loop left, runState gives
// up rather than guess.
func runState(dump []byte, skip func(goroutine string) bool) (state string, task bool) {
	if len(dump) == 0 {
		return "", false
	}
	runFunc, taskFunc := runFunc(), taskFunc()
	blocks := bytes.Split(dump, []byte("\n\n"))
	watcher, _, ok := goroutineHeader(blocks[0])
	if !ok {
		return "", false
	}
	loop, loopState, loops := "", "", 0
	for _, b := range blocks[1:] {
		if fn, parent, ok := createdBy(b); ok && fn == runFunc && parent == watcher {
			id, st, _ := goroutineHeader(b)
			if skip != nil && skip(id) {
				continue
			}
			loop, loopState = id, st
			loops++
		}
	}
	if loops != 1 {
		return "", false
	}
	for _, b := range blocks[1:] {
		if _, parent, ok := createdBy(b); !ok || parent != loop || !bytes.Contains(b, []byte(taskFunc)) {
			continue
		}
		if _, st, _ := goroutineHeader(b); st != "coroutine" {
			return st, true
		}
	}
	return loopState, false
}

// runFunc and taskFunc are how goroutine dumps name Engine.Run, which
// starts a run's loop, and the coroutine body of a task.
func runFunc() string  { return reflect.TypeFor[Engine]().PkgPath() + ".(*Engine).Run" }
func taskFunc() string { return reflect.TypeFor[Engine]().PkgPath() + ".(*Task).start.func" }

// stranded holds, for the whole process, the goroutine numbers (as dumps
// print them) of the run loops that abandoned runs left behind. Such a
// loop stays parked on its stuck task's coroutine, created by the
// goroutine that called Run, which may run again: without this record, its
// later runs' dumps would be ambiguous (see runState), and their escapes
// reported only at the hard cap. Goroutine numbers are never reused.
var stranded = struct {
	sync.Mutex
	loops map[string]bool
}{loops: map[string]bool{}}

// strand records the run loops that the dump's first goroutine (the
// watchdog giving up on a run, which calls it with a fresh dump) started
// and that are still there: each belongs to a run it abandoned, this one
// included, since a goroutine runs one engine at a time and a finished
// run's loop is gone.
func strand(dump []byte) {
	blocks := bytes.Split(dump, []byte("\n\n"))
	watcher, _, ok := goroutineHeader(blocks[0])
	if !ok {
		return
	}
	runFunc := runFunc()
	stranded.Lock()
	defer stranded.Unlock()
	for _, b := range blocks[1:] {
		if fn, parent, ok := createdBy(b); ok && fn == runFunc && parent == watcher {
			if id, _, ok := goroutineHeader(b); ok {
				stranded.loops[id] = true
			}
		}
	}
}

// isStranded reports whether goroutine is a run loop that strand recorded.
func isStranded(goroutine string) bool {
	stranded.Lock()
	defer stranded.Unlock()
	return stranded.loops[goroutine]
}

// goroutineHeader parses the first line of a goroutine's block in a stack
// dump, "goroutine 17 [chan receive, 2 minutes]:", into its id and its state
// without the annotations after the comma ("chan receive").
func goroutineHeader(b []byte) (id, state string, ok bool) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	rest, found := bytes.CutPrefix(line, []byte("goroutine "))
	if !found {
		return "", "", false
	}
	num, rest, found := bytes.Cut(rest, []byte(" ["))
	if !found {
		return "", "", false
	}
	if _, err := strconv.ParseUint(string(num), 10, 64); err != nil {
		return "", "", false
	}
	inside, _, found := bytes.Cut(rest, []byte("]"))
	if !found {
		return "", "", false
	}
	st, _, _ := bytes.Cut(inside, []byte(","))
	return string(num), string(st), true
}

// createdBy parses the "created by F in goroutine N" line of a goroutine's
// block in a stack dump.
func createdBy(b []byte) (fn, parent string, ok bool) {
	_, rest, found := bytes.Cut(b, []byte("\ncreated by "))
	if !found {
		return "", "", false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	f, n, found := bytes.Cut(line, []byte(" in goroutine "))
	if !found {
		return "", "", false
	}
	return string(f), string(n), true
}
