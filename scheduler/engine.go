package scheduler

import (
	"fmt"
	"slices"
	"sync/atomic"
	"time"
)

// Tuning numbers of the engine.
const (
	// DefaultMaxSteps is the step bound of a run when Config.MaxSteps is 0.
	DefaultMaxSteps = 200_000
	// spinWindow is how many of the last log entries the step-bound report
	// looks at to name the spinning task.
	spinWindow = 4096
	// progressEvery is how often (in steps) the engine publishes its step
	// count to the watchdog; a power of two.
	progressEvery = 64
)

// Config sets the limits of the runs of an [Engine]. The zero value uses the
// defaults.
type Config struct {
	// MaxSteps bounds the number of scheduling steps of one run; a run that
	// takes more fails with [StepBound]. 0 means DefaultMaxSteps.
	MaxSteps int64
	// Watchdog is how long, in real time, a run may make no scheduling step
	// before the engine suspects an escape (simulated code blocked on a real
	// Go primitive, or running a loop that never calls the simulation). 0
	// means DefaultWatchdog. (The engine publishes its progress every 64
	// steps and at every switch to another task, to keep steps cheap; that
	// is the progress the watchdog sees.)
	//
	// The engine looks four times per Watchdog period. It reports the run
	// as an [Escape] when the run has made no step for at least Watchdog
	// and, at two looks in a row, either the process has used at least
	// Watchdog/2 (and at least 50ms) of CPU time since the run's last step
	// (simulated code spinning), or a goroutine dump shows the goroutine of one of the
	// run's tasks blocked on a real primitive (channel, select, sleep,
	// sync.Mutex, RWMutex, WaitGroup, Cond, semaphore, I/O or system call).
	// It also reports a run that has made no step for 10*Watchdog on no
	// such evidence (a wait the dump cannot attribute), unless the dump
	// shows the goroutine the run waits for running or waiting for a CPU.
	// A process that other processes starve of CPU accrues little CPU time
	// and its goroutines wait for a CPU, so a loaded machine slows a run
	// down but does not make it an escape. Wall time counts only while the
	// engine's own looks come on time (a late look counts as at most two
	// look periods), so a process that is stopped or suspended is not
	// accused either. Where the CPU time of the process cannot be read
	// (systems other than unix), wall time stands in for it.
	Watchdog time.Duration
	// Expect, when not nil, is the log every run must produce, event by
	// event: the recording a replay must follow. The engine compares each
	// event with the expected one as soon as it is final (at the next
	// scheduling point, once its Result can no longer change), and fails
	// the run at once, with a [Diverged] failure whose error wraps
	// [ErrDiverged] and names the tick and both events, at the first event
	// that differs or the first one past the end of Expect; the failure's
	// step is that event's. A run that completes with fewer events than
	// Expect fails the same way, unless it had already failed. Expected
	// events name their operations by index into ExpectOps, not by the
	// engine's OpIDs; events are compared by every field and the names of
	// their operations.
	Expect []Event
	// ExpectOps names the operations of Expect: event ev's is
	// ExpectOps[ev.Op].
	ExpectOps []string
}

// Result is the outcome of one run. Its slices belong to the engine and stay
// valid until the engine's next Run; copy them to keep them longer.
type Result struct {
	// Steps is the number of scheduling steps the run took.
	Steps int64
	// Time is the virtual clock at the end of the run, in milliseconds.
	Time int64
	// Events is the run's log; an event's index is its tick.
	Events []Event
	// Decisions is every answer of the strategy, in order.
	Decisions []Decision
	// Failure is why the run ended early, or nil when every task finished.
	Failure *Failure
	// Ops maps the OpIDs of Events to names.
	Ops []string
	// Names holds each task's name at the end of the run, by ThreadID.
	Names []string
	// Touches is what the run's steps accessed (see [Task.Touch]); it is
	// recorded only when the strategy is an [Observer].
	Touches []Touch
	// Abandoned is set when the watchdog gave the run up because its
	// goroutine stayed stuck outside the simulation (Failure is then an
	// [Escape]). The result was built from what the run had published, not
	// from its live state, which the stuck goroutine still owns: Events
	// and Decisions end at the last scheduling point the run reached (the
	// stuck step's own events are left out; its decisions are not), Steps
	// and Failure.Step are the step it was stuck in, Failure.Threads is
	// empty, and the slices are the caller's own. Layers above must not
	// read any other state of such a run.
	Abandoned bool
}

// OpName returns the name of an event's operation.
func (r *Result) OpName(ev Event) string {
	if int(ev.Op) < len(r.Ops) {
		return r.Ops[ev.Op]
	}
	return ""
}

// An Engine runs simulated programs one run at a time. Reuse one engine for
// many runs: its buffers are kept, so steady-state steps do not allocate.
// An Engine must not be used by two goroutines at once.
type Engine struct {
	cfg   Config
	strat Strategy

	tasks        []*Task // every task of the run, indexed by ThreadID
	live         []*Task // tasks not yet exited, by ThreadID
	enabled      []ThreadID
	enabledTasks []*Task
	cur          *Task // the task that ran last

	step      int64
	now       int64
	events    []Event
	decisions []Decision
	failure   *Failure
	goexit    bool // a task called runtime.Goexit

	// running publishes the task inside its coroutine to enter and the
	// watchdog, packed in one word (see packRunning); 0 is none.
	running   atomic.Uint64
	runShadow uint64 // the last value stored in running
	// seized is set on the run side once it has seen that the watchdog
	// took the run over (seizedBit in running); kept is then the running
	// word the watchdog saw, which names the one task the run side may
	// still switch into. The other tasks are the watchdog's to stop.
	seized    bool
	kept      uint64
	progress  atomic.Int64
	escapeMsg atomic.Pointer[escapeInfo]
	abort     chan struct{} // closed when a run ends; releases stray goroutines
	aborted   bool          // abort is closed
	abandoned atomic.Bool   // the watchdog gave up on the run
	completed bool          // the loop ended because every task had exited
	probe     watchProbe    // the watchdog's clocks

	handoff *Task // the task runOn chose for the loop to resume next

	// What a run publishes for the watchdog, which builds the Result of a
	// run it abandons from this alone (see publish and abandonedResult).
	pub             atomic.Uint64           // the latest counts (see publishedBit); 0: none in this run
	pubEvents       atomic.Pointer[[]Event] // events' backing array, republished when it grows
	pubEventsCap    int
	pubDecisions    atomic.Pointer[[]Decision]
	pubDecisionsCap int
	pubTasks        atomic.Pointer[[]*Task]
	pubTasksCap     int
	pubOps          atomic.Pointer[[]string] // ops, republished at every new name
	sealed          int                      // events before this index are final
	checked         int                      // events before this index matched cfg.Expect

	track   bool    // the strategy is an Observer: record touches
	touches []Touch // the run's touches, when track

	ops     []string // OpID -> name
	opIndex map[string]OpID

	stratPanic    any
	hasStratPanic bool
	broken        string // why the engine refuses further runs
}

type escapeInfo struct {
	thread ThreadID
	msg    string
}

// New returns an engine with the given limits.
func New(cfg Config) *Engine {
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	if cfg.Watchdog <= 0 {
		cfg.Watchdog = DefaultWatchdog
	}
	// The first publication of a run publishes the backing arrays, even
	// empty ones.
	e := &Engine{cfg: cfg, opIndex: map[string]OpID{}, probe: realProbe(), pubEventsCap: -1, pubDecisionsCap: -1}
	e.Intern("") // OpID 0 is "no operation"
	return e
}

// Intern returns the OpID of name, allocating one the first time. IDs are
// stable for the life of the engine; logs should be read through
// [Result.Ops], never by assuming IDs. Intern on the hot path is a map
// lookup: layers above intern their operation names once, up front.
func (e *Engine) Intern(name string) OpID {
	if id, ok := e.opIndex[name]; ok {
		return id
	}
	if len(e.ops) > int(^OpID(0)) {
		panic("scheduler: more than 65535 distinct operation names")
	}
	id := OpID(len(e.ops))
	e.ops = append(e.ops, name)
	e.opIndex[name] = id
	ops := e.ops
	e.pubOps.Store(&ops) // a new name is rare: the layers above intern theirs up front
	return id
}

// Run executes main as task 0 under strategy s until every task has exited
// or the run fails. It never hangs: simulated code that blocks outside the
// simulation is reported as an [Escape] (see [Config.Watchdog] for when). A panic
// raised by the strategy itself (for instance by a rapid draw) is re-raised
// on the caller's goroutine once the run has been cleaned up.
func (e *Engine) Run(s Strategy, main func(*Task)) *Result {
	if e.broken != "" {
		return &Result{Failure: &Failure{Kind: Escape, Thread: NoThread,
			Message: "scheduler: this engine cannot run again: " + e.broken}}
	}
	e.reset(s)
	e.spawn(NoThread, "main", main)
	done := make(chan struct{})
	go e.runLoop(done)
	if r := e.watch(done); r != nil {
		// The run goroutine is stuck in simulated code and owns the engine's
		// state; r was built from what the run published.
		return r
	}
	e.closeAbort()
	if e.hasStratPanic {
		p := e.stratPanic
		e.stratPanic, e.hasStratPanic = nil, false
		panic(p)
	}
	// Finish is called after every run, failed ones included (a systematic
	// strategy backtracks from them too); its error counts only when the
	// run had not already failed.
	if f, ok := e.strat.(Finisher); ok {
		if err := f.Finish(e.step); err != nil && e.failure == nil {
			e.failure = &Failure{Kind: Diverged, Step: e.step, Time: e.now, Thread: NoThread,
				Message: err.Error(), Err: err}
		}
	}
	if e.cfg.Expect != nil && e.failure == nil && e.compare() && len(e.events) < len(e.cfg.Expect) {
		i := len(e.events)
		want := e.cfg.Expect[i]
		e.diverged(fmt.Errorf("scheduler: %w at tick %d (step %d): the run ended, but the expected log goes on with %s",
			ErrDiverged, i, want.Step, describeEvent(want, e.expectedOp(want))))
	}
	names := make([]string, len(e.tasks))
	for i, t := range e.tasks {
		names[i] = t.name
	}
	return &Result{Steps: e.step, Time: e.now, Events: e.events, Decisions: e.decisions, Failure: e.failure, Ops: e.ops, Names: names, Touches: e.touches}
}

func (e *Engine) reset(s Strategy) {
	e.strat = s
	o, ok := s.(Observer)
	e.track = ok
	clear(e.tasks)
	e.tasks = e.tasks[:0]
	clear(e.live)
	e.live = e.live[:0]
	e.cur, e.handoff = nil, nil
	e.step, e.now = 0, 0
	e.events = e.events[:0]
	e.decisions = e.decisions[:0]
	e.touches = e.touches[:0]
	e.failure = nil
	e.goexit = false
	e.setRunning(nil)
	e.seized, e.kept = false, 0
	e.progress.Store(0)
	e.pub.Store(0)
	e.sealed, e.checked = 0, 0
	e.escapeMsg.Store(nil)
	e.abort = make(chan struct{})
	e.aborted = false
	e.abandoned.Store(false)
	e.completed = false
	if ok {
		o.Observe(View{e})
	}
}

// setRunning publishes the running task to enter and the watchdog. It is
// also where the run side learns that the watchdog has seized the run: the
// word it replaces then carries seizedBit (see [Engine.seize]).
func (e *Engine) setRunning(t *Task) {
	if v := packRunning(t); v != e.runShadow {
		e.runShadow = v
		if old := e.running.Swap(v); old&seizedBit != 0 && !e.seized {
			e.seized, e.kept = true, old&^seizedBit
		}
	}
}

// claim publishes t as the task the run side is about to switch into (to
// start, resume or stop it) and reports whether it still may: once the
// watchdog has seized the run, only the task the watchdog saw running is
// the run side's; the watchdog stops the others.
func (e *Engine) claim(t *Task) bool {
	e.setRunning(t)
	return !e.seized || keeps(e.kept, t)
}

// The running word: the goroutine identity of the running task in bits 16
// and up, 1 + its id modulo 2^15 in the low 15 bits (which only affects
// messages, and which task a seizure leaves to the run side), and bit 15
// set by the watchdog when it seizes the run.
const (
	runningIDMask = 1<<15 - 1
	seizedBit     = 1 << 15
)

// packRunning packs the goroutine identity of t (an address, below 2^48 on
// every 64-bit platform Go supports) and 1 + its id into one word, so
// publishing both costs one store.
func packRunning(t *Task) uint64 {
	if t == nil {
		return 0
	}
	return uint64(t.g)<<16 | uint64(t.id+1)&runningIDMask
}

// runningTask unpacks what packRunning packed.
func runningTask(v uint64) (g uintptr, id ThreadID) {
	return uintptr(v >> 16), ThreadID(v&runningIDMask) - 1
}

// keeps reports whether the running word v names t: the task a seizure at
// v leaves to the run side. It compares ids alone (modulo 2^15), so the
// watchdog, which must not read a task's goroutine identity, and the run
// side split the tasks the same way.
func keeps(v uint64, t *Task) bool {
	return v&runningIDMask == uint64(t.id+1)&runningIDMask
}

func (e *Engine) closeAbort() {
	if !e.aborted {
		e.aborted = true
		close(e.abort)
	}
}

// giveUp handles an escape: it releases stray goroutines and waits briefly
// for the run loop to wind down. If the loop finishes, the escape is
// recorded in e.failure and giveUp returns nil; but a watchdog verdict
// (retract) on a loop that turns out to have finished because every task
// had exited is withdrawn: that run was slow, not stuck. If the loop stays
// stuck inside simulated code, the run is abandoned: the watchdog seizes it
// (the run side touches nothing of it but the stuck task from then on),
// stops every other task, builds the run's Result from what the run had
// published (see publish), and the engine refuses further runs.
func (e *Engine) giveUp(done chan struct{}, id ThreadID, msg string, retract bool) *Result {
	e.abandoned.Store(true)
	e.closeAbort()
	grace := time.NewTimer(escapeGrace)
	defer grace.Stop()
	select {
	case <-done:
		if retract && e.completed && e.failure == nil && !e.hasStratPanic {
			return nil
		}
		if e.failure == nil || e.failure.Kind != Escape {
			e.failure = &Failure{Kind: Escape, Step: e.step, Time: e.now, Thread: id, Message: msg, Threads: e.reports()}
		}
		e.hasStratPanic = false
		return nil
	case <-grace.C:
	}
	kept := e.seize()
	strand(dumpGoroutines()) // this run's loop, for the attribution of later runs' dumps
	events, decisions, tasks := e.published()
	if _, kid := runningTask(kept); kid != NoThread {
		msg += fmt.Sprintf("; the run was abandoned: the goroutine of T%d stays stuck there and cannot be reclaimed "+
			"(nor can the engine goroutine that resumed it, which Go keeps parked on its coroutine); "+
			"the run's other threads were stopped", kid)
	} else {
		msg += "; the run was abandoned: the run's goroutine stays stuck and cannot be reclaimed; " +
			"the run's threads were stopped"
	}
	r := abandonedResult(events, decisions, tasks, e.pubOps.Load(), id, msg)
	e.broken = "an earlier run escaped the simulation and is still stuck: " + msg
	e.release(tasks, kept)
	return r
}

// seize takes an abandoned run over: it marks the running word, which the
// run side replaces (Swap) at every switch, so that from then on the run
// side switches into no task but the one the word named, and returns the
// word it marked. Everything the run side did before it published that
// word happened before seize returns.
func (e *Engine) seize() uint64 {
	for {
		v := e.running.Load()
		if e.running.CompareAndSwap(v, v|seizedBit) {
			return v
		}
	}
}

// The published counts: bit 63 says that there are some, bits 31-61 hold
// the number of decisions and bits 0-30 the number of final events. A run
// with more than maxPublished of either publishes no further.
const (
	publishedBit = 1 << 63
	countBits    = 31
	maxPublished = 1<<countBits - 1
)

// publish makes the run's progress up to this scheduling point visible to
// the watchdog: every event logged so far is final (the task that logged
// the last step has reached a scheduling point, so no SetResult can change
// it), and so is every decision. It costs a step one atomic store: the
// counts go in one word, and the slices' backing arrays are republished
// only when they grow. (The step and virtual time need no word of their
// own: the step being published is one past the last final event's, and
// the clock stands at that event's time, since only a step increments the
// one and only a logged clock event moves the other.)
func (e *Engine) publish() {
	e.sealed = len(e.events)
	e.snapshot()
}

// snapshot publishes e.sealed events and every decision so far.
func (e *Engine) snapshot() {
	n, d := e.sealed, len(e.decisions)
	if cap(e.events) != e.pubEventsCap || cap(e.decisions) != e.pubDecisionsCap || n|d > maxPublished {
		e.snapshotSlow()
		return
	}
	e.pub.Store(publishedBit | uint64(d)<<countBits | uint64(n))
}

// snapshotSlow is snapshot after an append moved the events' or the
// decisions' backing array (which it republishes), or once the counts no
// longer fit (it then publishes nothing).
func (e *Engine) snapshotSlow() {
	if cap(e.events) != e.pubEventsCap || cap(e.decisions) != e.pubDecisionsCap {
		e.pubEventsCap, e.pubDecisionsCap = cap(e.events), cap(e.decisions)
		evs, ds := e.events, e.decisions
		e.pubEvents.Store(&evs)
		e.pubDecisions.Store(&ds)
	}
	if n, d := e.sealed, len(e.decisions); n|d <= maxPublished {
		e.pub.Store(publishedBit | uint64(d)<<countBits | uint64(n))
	}
}

// published returns what a seized run last published, read on the
// watchdog's goroutine: its final events, its decisions and its tasks (one
// more than the spawns among those events; the main task is spawned
// without one). The counts were published after the elements they cover
// were written, and the run side writes only past them (a SetResult
// reaches the stuck step's own event, which no count covers), so the
// slices may be read, but not written: copy them.
func (e *Engine) published() (events []Event, decisions []Decision, tasks []*Task) {
	v := e.pub.Load()
	if v&publishedBit == 0 {
		return nil, nil, nil
	}
	n, d := int(v&maxPublished), int(v>>countBits&maxPublished)
	if p := e.pubEvents.Load(); p != nil {
		events = (*p)[:n:n]
	}
	if p := e.pubDecisions.Load(); p != nil {
		decisions = (*p)[:d:d]
	}
	spawned := 1
	for _, ev := range events {
		if ev.Kind == EvSpawn {
			spawned++
		}
	}
	if p := e.pubTasks.Load(); p != nil {
		tasks = (*p)[:spawned:spawned]
	}
	return events, decisions, tasks
}

// abandonedResult builds the Result of an abandoned run from what it
// published (see published): the step it was stuck in is one past that of
// its last final event, and its clock stood at that event's time.
func abandonedResult(events []Event, decisions []Decision, tasks []*Task, ops *[]string, id ThreadID, msg string) *Result {
	step, now := int64(0), int64(0)
	if tasks != nil {
		step = 1 // the run had published its first step
	}
	if n := len(events); n > 0 {
		step, now = events[n-1].Step+1, events[n-1].Time
	}
	r := &Result{Steps: step, Time: now, Abandoned: true,
		Events: slices.Clone(events), Decisions: slices.Clone(decisions),
		Failure: &Failure{Kind: Escape, Step: step, Time: now, Thread: id, Message: msg}}
	if ops != nil {
		r.Ops = slices.Clone(*ops)
	}
	for _, t := range tasks {
		r.Names = append(r.Names, *t.pubName.Load())
	}
	return r
}

// release stops, on a goroutine of its own (a task's deferred code may
// block too), every task of a seized run but the one the run side kept
// (see claim), so that an abandoned run leaves no more goroutines behind
// than Go cannot stop. The run side publishes a task before it starts its
// coroutine, so the published tasks include every task that has one.
func (e *Engine) release(tasks []*Task, kept uint64) {
	var stop []*Task
	for _, t := range tasks {
		if !keeps(kept, t) && t.stop != nil {
			stop = append(stop, t)
		}
	}
	if len(stop) == 0 {
		return
	}
	go func() {
		for _, t := range stop {
			t.stopping = true
			t.stop()
		}
	}()
}

// runLoop is the body of the run goroutine: the scheduling loop, then the
// clean-up that stops every task, whatever happened.
func (e *Engine) runLoop(done chan struct{}) {
	finished := false
	defer close(done)
	defer func() {
		if r := recover(); r != nil {
			e.stratPanic, e.hasStratPanic = r, true
		}
		if !finished && !e.hasStratPanic && e.failure == nil {
			// runtime.Goexit travelled up from a task.
			e.failure = &Failure{Kind: Panic, Step: e.step, Time: e.now, Thread: e.curID(),
				Message: "simulated code called runtime.Goexit (t.FailNow, t.Fatal or t.SkipNow " +
					"inside a simulated thread?)", Threads: e.reports()}
		}
		e.stopAll()
	}()
	e.loop()
	finished = true
}

func (e *Engine) curID() ThreadID {
	if e.cur == nil {
		return NoThread
	}
	return e.cur.id
}

// stopAll ends every task that is still suspended, so nothing is left
// running after a run.
func (e *Engine) stopAll() {
	for _, t := range e.tasks {
		if t.state == taskExited {
			continue
		}
		if t.stop != nil {
			if !e.claim(t) {
				continue // the watchdog seized the run and stops t itself
			}
			t.stopping = true
			t.stop()
			e.setRunning(nil)
		}
		t.state = taskExited
	}
}

func (e *Engine) loop() {
	for e.failure == nil && !e.hasStratPanic && !e.abandoned.Load() {
		if e.cfg.Expect != nil && !e.compare() {
			return
		}
		t := e.handoff
		e.handoff = nil
		if t == nil {
			n := e.collectEnabled()
			if n == 0 {
				if len(e.live) == 0 {
					e.completed = true
					return
				}
				if !e.advanceClock() {
					e.fail(Deadlock, NoThread, "no thread can run and none waits with a timeout")
					return
				}
				continue
			}
			if t = e.choose(n); t == nil {
				return
			}
		}
		e.resume(t)
	}
}

// choose picks the task that takes the next step among the n (at least
// one) enabled tasks, records the strategy's decision and counts the step.
// It returns nil when the run must end instead (e.failure is then set).
func (e *Engine) choose(n int) *Task {
	t := e.enabledTasks[0]
	if n > 1 {
		cur := -1
		if e.cur != nil {
			cur = slices.Index(e.enabled, e.cur.id)
		}
		i, err := e.strat.NextThread(e.enabled, cur, e.step+1)
		if err != nil {
			e.failErr(Diverged, NoThread, err)
			return nil
		}
		if i < 0 || i >= n {
			e.fail(Diverged, NoThread, fmt.Sprintf("scheduler: strategy chose index %d of %d enabled threads", i, n))
			return nil
		}
		t = e.enabledTasks[i]
		e.decisions = append(e.decisions, Decision{Kind: DecThread, Step: e.step + 1, Value: int64(t.id), N: n})
	}
	if e.step >= e.cfg.MaxSteps {
		e.failStepBound()
		return nil
	}
	e.step++
	if e.step&(progressEvery-1) == 0 {
		e.progress.Store(e.step)
	}
	return t
}

// runOn is the fast path of a scheduling point: running on t's own
// goroutine (the engine's state is t's while it runs), it makes the
// decision the loop would make. When t itself takes the next step, the step
// is logged and runOn reports true: t goes on without a coroutine switch,
// which is what most decisions of PCT, DFS, replay and shrunk schedules are.
// Otherwise the chosen task is handed to the loop, and t parks. A panic of
// the strategy (a rapid draw) is caught here, before it can unwind through
// simulated code, and re-raised on Run's caller like any other.
func (e *Engine) runOn(t *Task) (goOn bool) {
	if e.failure != nil || e.hasStratPanic || e.escapeMsg.Load() != nil || e.abandoned.Load() {
		return false
	}
	defer func() {
		if r := recover(); r != nil {
			e.stratPanic, e.hasStratPanic = r, true
			goOn = false
		}
	}()
	if e.cfg.Expect != nil && !e.compare() {
		return false
	}
	next := e.choose(e.collectEnabled())
	if next != t {
		e.handoff = next
		return false
	}
	e.publish()
	t.lastEvent = len(e.events)
	e.events = append(e.events, Event{Kind: EvStep, Thread: t.id, Step: e.step, Time: e.now, Op: t.op, Args: t.args})
	t.steps++
	e.cur = t
	return true
}

// collectEnabled fills e.enabled with the tasks that may run now.
func (e *Engine) collectEnabled() int {
	e.enabled = e.enabled[:0]
	e.enabledTasks = e.enabledTasks[:0]
	for _, t := range e.live {
		if t.state == taskBlocked && !t.canWake(e.now) {
			continue
		}
		e.enabled = append(e.enabled, t.id)
		e.enabledTasks = append(e.enabledTasks, t)
	}
	return len(e.enabled)
}

// advanceClock jumps the virtual clock to the earliest deadline of a blocked
// task. It reports false when no task has a deadline.
func (e *Engine) advanceClock() bool {
	next := int64(-1)
	for _, t := range e.live {
		if t.state == taskBlocked && t.deadline >= 0 && (next < 0 || t.deadline < next) {
			next = t.deadline
		}
	}
	if next < 0 {
		return false
	}
	if next > e.now {
		e.now = next
	}
	e.events = append(e.events, Event{Kind: EvClock, Thread: NoThread, Step: e.step, Time: e.now})
	return true
}

// resume runs t from its scheduling point to its next one.
func (e *Engine) resume(t *Task) {
	if !e.claim(t) {
		return // the watchdog seized the run: t is its to stop
	}
	e.publish()
	kind := EvStep
	if t.state == taskBlocked {
		kind = EvWake
		t.timedOut = false
		if t.waiter == nil || !t.waiter.Ready() {
			kind = EvTimeout
			t.timedOut = true
		}
		t.state = taskRunnable
	}
	t.lastEvent = len(e.events)
	e.events = append(e.events, Event{Kind: kind, Thread: t.id, Step: e.step, Time: e.now, Op: t.op, Args: t.args})
	t.steps++
	e.cur = t
	if t.next == nil {
		t.start()
	}
	// running (set by claim) is left set after the task parks: storing it
	// costs more than a switch, and enter only needs it while a task runs.
	for {
		_, more := t.next()
		if !more {
			e.setRunning(nil)
			e.exited(t)
			return
		}
		if info := e.escapeMsg.Load(); info != nil {
			e.fail(Escape, info.thread, info.msg)
			return
		}
		if t.req != reqChoice || e.abandoned.Load() {
			return
		}
		// A data decision: answer it and let t go on within the same step.
		v, err := e.strat.NextValue(t.id, t.choiceN, e.step)
		if err != nil {
			e.failErr(Diverged, t.id, err)
			return
		}
		if v < 0 || v >= t.choiceN {
			e.fail(Diverged, t.id, fmt.Sprintf("scheduler: strategy chose value %d of %d", v, t.choiceN))
			return
		}
		t.choice = v
		e.decisions = append(e.decisions, Decision{Kind: DecValue, Step: e.step, Value: int64(v), N: t.choiceN})
		e.snapshot() // the decision; the step's own events are not final yet
		e.events = append(e.events, Event{Kind: EvChoice, Thread: t.id, Step: e.step, Time: e.now,
			Op: t.choiceOp, Args: [3]int64{int64(t.choiceN)}, Result: int64(v)})
		if !e.claim(t) {
			return
		}
	}
}

// exited records the end of t.
func (e *Engine) exited(t *Task) {
	t.state = taskExited
	e.events = append(e.events, Event{Kind: EvExit, Thread: t.id, Step: e.step, Time: e.now})
	if i := slices.Index(e.live, t); i >= 0 {
		e.live = slices.Delete(e.live, i, i+1)
	}
	if e.cur == t {
		e.cur = nil
	}
	switch {
	case t.panicked:
		f := e.fail(Panic, t.id, fmt.Sprintf("T%d %s panicked: %v", t.id, t.name, t.panicVal))
		f.Stack = t.stack
	case t.goexited:
		e.fail(Panic, t.id, fmt.Sprintf("T%d %s called runtime.Goexit (t.FailNow, t.Fatal or t.SkipNow "+
			"inside a simulated thread?)", t.id, t.name))
	}
}

func (e *Engine) fail(kind FailureKind, id ThreadID, msg string) *Failure {
	e.failure = &Failure{Kind: kind, Step: e.step, Time: e.now, Thread: id, Message: msg, Threads: e.reports()}
	return e.failure
}

// failErr fails the run with err as the failure's message and error.
func (e *Engine) failErr(kind FailureKind, id ThreadID, err error) {
	e.fail(kind, id, err.Error()).Err = err
}

// diverged fails the run as a divergence from cfg.Expect.
func (e *Engine) diverged(err error) {
	e.failErr(Diverged, NoThread, err)
}

// compare checks the events that have become final since the last call
// against cfg.Expect, and fails the run at the first that differs or that
// Expect does not have. It reports whether the run may go on.
func (e *Engine) compare() bool {
	for ; e.checked < len(e.events); e.checked++ {
		i, ev := e.checked, e.events[e.checked]
		if i >= len(e.cfg.Expect) {
			e.diverged(fmt.Errorf("scheduler: %w at tick %d (step %d): the expected log has %d events, but the run goes on with %s",
				ErrDiverged, i, ev.Step, len(e.cfg.Expect), describeEvent(ev, e.ops[ev.Op])))
			return false
		}
		want := e.cfg.Expect[i]
		got, wantOp := ev, e.expectedOp(want)
		got.Op, want.Op = 0, 0
		if got != want || e.ops[ev.Op] != wantOp {
			e.diverged(fmt.Errorf("scheduler: %w at tick %d (step %d): expected %s, the run logged %s",
				ErrDiverged, i, ev.Step, describeEvent(e.cfg.Expect[i], wantOp), describeEvent(ev, e.ops[ev.Op])))
			return false
		}
	}
	return true
}

// expectedOp returns the name of an expected event's operation.
func (e *Engine) expectedOp(ev Event) string {
	if int(ev.Op) < len(e.cfg.ExpectOps) {
		return e.cfg.ExpectOps[ev.Op]
	}
	return ""
}

// failStepBound reports a run over the step bound, naming the task that took
// most of the recent steps.
func (e *Engine) failStepBound() {
	counts := make([]int, len(e.tasks))
	from := max(0, len(e.events)-spinWindow)
	for _, ev := range e.events[from:] {
		if ev.Kind == EvStep || ev.Kind == EvWake || ev.Kind == EvTimeout {
			counts[ev.Thread]++
		}
	}
	spinner := NoThread
	for id, c := range counts {
		if c > 0 && (spinner == NoThread || c > counts[spinner]) {
			spinner = ThreadID(id)
		}
	}
	msg := fmt.Sprintf("the run exceeded the step bound of %d steps (livelock or endless loop)", e.cfg.MaxSteps)
	if spinner != NoThread {
		window := e.events[from:]
		msg += fmt.Sprintf("; T%d %s took %d of the last %d scheduling events", spinner, e.tasks[spinner].name,
			counts[spinner], len(window))
		if len(window) > 0 && window[0].Time == e.now {
			msg += " without letting the virtual clock advance"
		} else {
			msg += fmt.Sprintf(" while the virtual clock ran on to %d ms", e.now)
		}
	}
	e.fail(StepBound, spinner, msg)
}

// reports describes every task.
func (e *Engine) reports() []ThreadReport {
	out := make([]ThreadReport, 0, len(e.tasks))
	for _, t := range e.tasks {
		r := ThreadReport{ID: t.id, Name: t.name, Steps: t.steps}
		switch t.state {
		case taskRunnable:
			r.State, r.Op = "runnable", e.ops[t.op]
		case taskBlocked:
			r.State, r.Op = "blocked", e.ops[t.op]
			switch {
			case t.waiter != nil:
				r.Waiting = describeWaiter(t.waiter)
			case t.deadline < 0:
				r.Waiting = "nothing (blocked forever)"
			}
			if t.deadline >= 0 {
				if r.Waiting != "" {
					r.Waiting += fmt.Sprintf(" or the clock to reach %d ms", t.deadline)
				} else {
					r.Waiting = fmt.Sprintf("the clock to reach %d ms", t.deadline)
				}
			}
		default:
			r.State = "exited"
		}
		out = append(out, r)
	}
	return out
}

// describeWaiter asks w to describe itself; a Waiter that panics there is
// reported in words rather than crashing the report.
func describeWaiter(w Waiter) (s string) {
	defer func() {
		if r := recover(); r != nil {
			s = fmt.Sprintf("(a waiter whose Describe panicked: %v)", r)
		}
	}()
	return w.Describe()
}

// spawn creates a task; parent is NoThread for the main task.
func (e *Engine) spawn(parent ThreadID, name string, body func(*Task)) *Task {
	t := &Task{e: e, id: ThreadID(len(e.tasks)), name: name, body: body, op: e.Intern("start"), deadline: -1, abort: e.abort}
	published := name
	t.pubName.Store(&published)
	e.tasks = append(e.tasks, t)
	if c := cap(e.tasks); c != e.pubTasksCap {
		e.pubTasksCap = c
		ts := e.tasks
		e.pubTasks.Store(&ts)
	}
	e.live = append(e.live, t)
	if parent != NoThread {
		e.events = append(e.events, Event{Kind: EvSpawn, Thread: parent, Step: e.step, Time: e.now,
			Op: e.Intern(name), Args: [3]int64{int64(t.id)}})
	}
	return t
}
