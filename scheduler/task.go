package scheduler

import (
	"fmt"
	"iter"
	"runtime"
	"runtime/debug"
	"sync/atomic"

	"github.com/clussim/clussim/scheduler/internal/goid"
)

// A Waiter is the condition a blocked task waits for.
type Waiter interface {
	// Ready reports whether the condition holds. It must be cheap and must
	// not change any state: the engine may call it at every step.
	Ready() bool
	// Describe says in words what is waited for, for deadlock reports.
	Describe() string
}

type taskState uint8

const (
	taskRunnable taskState = iota
	taskBlocked
	taskExited
)

type request uint8

const (
	reqNone request = iota
	reqChoice
)

// stopSignal unwinds a task that the engine stops at the end of a run.
type stopSignal struct{}

// A Task is one simulated thread. Its methods must be called only by the
// task itself, from its own body.
type Task struct {
	e    *Engine
	id   ThreadID
	name string
	// pubName is name as the watchdog may read it (see
	// Engine.abandonedResult).
	pubName atomic.Pointer[string]
	body    func(*Task)

	next  func() (struct{}, bool)
	stop  func()
	yield func(struct{}) bool

	state     taskState
	op        OpID
	args      [3]int64
	waiter    Waiter
	deadline  int64
	timedOut  bool
	lastEvent int
	steps     int64

	req      request
	choiceOp OpID
	choiceN  int
	choice   int

	g        uintptr       // identity of the task's goroutine
	abort    chan struct{} // closed when the task's run ends
	stopping bool
	panicked bool
	goexited bool
	panicVal any
	stack    string

	// Data is free for the layer above (package sim keeps its thread here).
	Data any
}

// Intern returns the OpID of name in t's engine; see [Engine.Intern]. Like
// every Task method it must be called by the task itself.
func (t *Task) Intern(name string) OpID {
	t.enter(0)
	return t.e.Intern(name)
}

// ID returns the task's id.
func (t *Task) ID() ThreadID { return t.id }

// Name returns the task's name.
func (t *Task) Name() string { return t.name }

// SetName renames the task in reports (for example "owner w0"). Only the
// task itself may call it; it is not a scheduling point.
func (t *Task) SetName(name string) {
	t.enter(0)
	t.name = name
	published := name
	t.pubName.Store(&published)
}

// Now returns the virtual clock in milliseconds.
func (t *Task) Now() int64 { return t.e.now }

// Tick returns the tick the next log entry will get.
func (t *Task) Tick() int64 { return int64(len(t.e.events)) }

// StepCount returns the number of scheduling steps taken so far in the run.
func (t *Task) StepCount() int64 { return t.e.step }

// start creates the coroutine of t.
func (t *Task) start() {
	t.next, t.stop = iter.Pull(func(yield func(struct{}) bool) {
		t.yield = yield
		t.g = goid.G()
		t.e.setRunning(t)
		returned := false
		defer func() {
			r := recover()
			switch {
			case r == nil && !returned && !t.stopping:
				t.goexited = true
			case r == nil:
			case isStop(r) && t.stopping:
			default:
				t.panicked, t.panicVal, t.stack = true, r, string(debug.Stack())
			}
		}()
		t.body(t)
		returned = true
	})
}

func isStop(r any) bool {
	_, ok := r.(stopSignal)
	return ok
}

// park hands control back to the engine until it resumes t.
func (t *Task) park() {
	if !t.yield(struct{}{}) {
		panic(stopSignal{})
	}
}

// enter checks that the caller is t's own goroutine. A call from another
// task's goroutine (simulated code that used another thread's *Task) panics
// in that task, which the engine reports. A call from any other goroutine is
// simulated code calling in from a goroutine of its own: it is recorded as
// an escape, and the calling goroutine is parked until the run ends, then
// exits, so it can neither corrupt the run nor outlive it.
func (t *Task) enter(op OpID) {
	g := goid.G()
	if g == t.g {
		if t.stopping {
			// The run is over; unwind the task again if its code recovered.
			panic(stopSignal{})
		}
		return
	}
	if rg, rid := runningTask(t.e.running.Load()); g == rg {
		panic(fmt.Sprintf("scheduler: %s on T%d was called by T%d: a simulated thread must only use its own handle",
			t.e.ops[op], t.id, rid))
	}
	// Only immutable or atomic state may be read here: this goroutine runs
	// alongside the engine.
	t.e.escapeMsg.CompareAndSwap(nil, &escapeInfo{thread: t.id, msg: fmt.Sprintf(
		"a call on T%d was made from a goroutine that is not a simulated thread: "+
			"simulated code called into the simulation from a goroutine of its own", t.id)})
	<-t.abort
	runtime.Goexit()
}

// Step is a scheduling point: the engine may run other tasks before t's
// operation op (with arguments a0..a2, as the log records them) takes effect.
// When Step returns, the operation is t's to perform, atomically, until its
// next scheduling point. Record its outcome with SetResult.
func (t *Task) Step(op OpID, a0, a1, a2 int64) {
	t.enter(op)
	t.op = op
	t.args = [3]int64{a0, a1, a2}
	if t.e.runOn(t) {
		return
	}
	t.park()
}

// Kill ends other, another live task of t's run, at once, as
// TerminateThread does: other's goroutine is unwound where it is suspended
// (Go deferred functions run; a scheduling call they make unwinds again),
// nothing of it runs any more, and the log records its exit within t's
// step. It is not a scheduling point.
func (t *Task) Kill(other *Task) {
	t.enter(0)
	e := t.e
	if other == t || other.e != e || other.state == taskExited {
		panic(fmt.Sprintf("scheduler: T%d cannot kill T%d: only another live task of the same run", t.id, other.id))
	}
	if other.stop != nil && e.claim(other) {
		other.stopping = true
		other.stop()
	}
	e.claim(t)
	if e.handoff == other {
		e.handoff = nil
	}
	e.exited(other)
}

// SetResult records the outcome of t's last step in the log.
func (t *Task) SetResult(r int64) {
	t.e.events[t.lastEvent].Result = r
}

// Block suspends t until w is ready or the virtual clock reaches deadline
// (-1: no deadline; w may be nil for a plain sleep). It is a scheduling
// point. It reports whether t resumed because of the deadline.
func (t *Task) Block(w Waiter, deadline int64, op OpID, a0, a1 int64) (timedOut bool) {
	t.enter(op)
	e := t.e
	t.state = taskBlocked
	t.waiter = w
	t.deadline = deadline
	t.op = op
	t.args = [3]int64{a0, a1, deadline}
	e.events = append(e.events, Event{Kind: EvBlock, Thread: t.id, Step: e.step, Time: e.now, Op: op, Args: t.args})
	t.park()
	t.waiter = nil
	t.deadline = -1
	return t.timedOut
}

// canWake reports whether blocked t may run at virtual time now.
func (t *Task) canWake(now int64) bool {
	return (t.waiter != nil && t.waiter.Ready()) || (t.deadline >= 0 && now >= t.deadline)
}

// Choose asks the strategy for a data decision among n outcomes (0 is the
// usual one) and returns it. It is not a scheduling point. n < 2 returns 0
// without asking.
func (t *Task) Choose(op OpID, n int) int {
	t.enter(op)
	if n < 2 {
		return 0
	}
	t.req, t.choiceOp, t.choiceN = reqChoice, op, n
	t.park()
	t.req = reqNone
	return t.choice
}

// Note writes an annotation to the log and returns its tick. It is not a
// scheduling point.
func (t *Task) Note(op OpID, a0, a1, a2 int64) int64 {
	t.enter(op)
	e := t.e
	e.events = append(e.events, Event{Kind: EvNote, Thread: t.id, Step: e.step, Time: e.now, Op: op, Args: [3]int64{a0, a1, a2}})
	return int64(len(e.events) - 1)
}

// Spawn creates a new task running body and returns it. The new task is
// runnable at once; its first step is "start". Spawn itself is not a
// scheduling point.
func (t *Task) Spawn(name string, body func(*Task)) *Task {
	t.enter(0)
	return t.e.spawn(t.id, name, body)
}
