package sim

import (
	"fmt"
	"strconv"

	"github.com/clussim/clussim/scheduler"
)

// threadIDBase is the id of the first simulated thread; ids go up in fours,
// as on Windows, and never collide with handle values by accident of
// arithmetic in tests.
const threadIDBase = 100

// Thread is a running simulated thread: the "current thread" of every
// simulated Win32 call. Every method that models a kernel call is a
// scheduling point: the scheduler may run other threads before the call
// takes effect. A *Thread must only be used by the code running on it.
type Thread struct {
	k        *Kernel
	task     *scheduler.Task
	id       uint32
	obj      *object
	exited   bool
	exitCode uint32
	lastErr  uint32
	// implDepth > 0 while the thread runs code of the implementation under
	// test; fault injection applies only there.
	implDepth int
	vc        vclock
	wait      waitState
	// pseudo is the entry of the GetCurrentThread pseudo-handle.
	pseudo handleEntry
	// owned are the mutexes the thread owns.
	owned []*object
	// suspend is the suspend count (CREATE_SUSPENDED, ResumeThread), and
	// resumed carries the resumer's clock to the thread.
	suspend uint32
	resumed vclock
	// exiting is set by ExitThread while the thread unwinds.
	exiting bool
	// sleeping is the thread's sleep on a condition variable, while it
	// sleeps.
	sleeping *cvSleeper
	// lockWait names the critical section or SRW lock the thread is
	// blocked on (class 0: none), which a TerminateThread of it touches.
	lockWait lockRef
	// call is the harness call the thread is in, and routine the history
	// of the struct whose start routine it runs (see touchBlock and
	// finish).
	call    historyRef
	routine historyRef
}

// historyRef names a history group of the harness and the structs of an
// entry, for the dependency relation (see touchHistory).
type historyRef struct {
	set   bool
	group int
	named []int
}

// lockRef names a lock for the dependency relation.
type lockRef struct {
	class uint8
	id    int
}

// threadExit is what ExitThread panics with to unwind the thread's
// goroutine; run recovers it.
type threadExit struct{}

// run runs start on t and returns its result, or the code of the
// ExitThread that ended it early.
func (t *Thread) run(start func(t *Thread) uint32) (code uint32) {
	defer func() {
		if t.exiting {
			if r := recover(); r != nil {
				if _, ok := r.(threadExit); !ok {
					panic(r) // a real panic while the thread unwound
				}
			}
			code = t.exitCode
		}
	}()
	return start(t)
}

// suspendWaiter is the scheduler.Waiter of a suspended thread.
type suspendWaiter struct{ t *Thread }

// Ready implements scheduler.Waiter.
func (w *suspendWaiter) Ready() bool { return w.t.suspend == 0 }

// Describe implements scheduler.Waiter.
func (w *suspendWaiter) Describe() string {
	return "suspended (CREATE_SUSPENDED), waiting for ResumeThread"
}

// check panics with a clear message when t cannot make a kernel call.
func (t *Thread) check(op string) {
	if t == nil {
		panic(fmt.Sprintf("sim: %s called with a nil *Thread: kernel calls must be made from a simulated thread", op))
	}
	if t.k.finished {
		panic(fmt.Sprintf("sim: %s called on T%d after its run ended: kernel calls must be made from a simulated thread", op, t.task.ID()))
	}
}

// step is the scheduling point of a kernel call.
func (t *Thread) step(op scheduler.OpID, a0, a1, a2 int64) {
	t.check("a kernel call")
	t.task.Step(op, a0, a1, a2)
}

func (t *Thread) result(r int64) { t.task.SetResult(r) }

// SetName names the thread in reports and timelines ("owner w0",
// "terminator 2"). It is not a kernel call and not a scheduling point.
func (t *Thread) SetName(name string) {
	t.check("SetName")
	t.task.SetName(name)
}

// CreateThread starts a new simulated thread running start and returns a
// handle to it and ErrorSuccess. The handle is signalled when start returns;
// start's result is the thread's exit code. When fault injection is on and
// the call is made inside the implementation under test, the strategy may
// make it fail: it then returns 0 and ErrorNotEnoughMemory, and no thread
// runs.
func (t *Thread) CreateThread(start func(t *Thread) uint32) (Handle, uint32) {
	t.step(t.k.ops[cCreateThread], 0, 0, 0)
	h, _, err := t.create(start, false)
	return h, err
}

// CreateSuspended is the CREATE_SUSPENDED flag of CreateThreadEx.
const CreateSuspended uint32 = 0x4

// CreateThreadEx is CreateThread with its creation flags and its
// thread-id out-parameter: with CreateSuspended the new thread does not
// run until ResumeThread; id is the new thread's id, as GetThreadID would
// report it. Other flags are refused with ErrorInvalidParameter. Fault
// injection applies as in CreateThread.
func (t *Thread) CreateThreadEx(start func(t *Thread) uint32, flags uint32) (h Handle, id uint32, err uint32) {
	t.step(t.k.ops[cCreateThread], int64(flags), 0, 0)
	if flags&^CreateSuspended != 0 {
		t.lastErr = ErrorInvalidParameter
		t.result(0)
		return 0, 0, ErrorInvalidParameter
	}
	return t.create(start, flags&CreateSuspended != 0)
}

// create is CreateThread and CreateThreadEx after their scheduling point:
// the fault-injection decision, then the new thread.
func (t *Thread) create(start func(t *Thread) uint32, suspended bool) (Handle, uint32, uint32) {
	if t.k.cfg.Faults && t.implDepth > 0 && t.task.Choose(t.k.ops[cCreateThreadFails], 2) == 1 {
		t.lastErr = ErrorNotEnoughMemory
		t.result(0)
		return 0, 0, ErrorNotEnoughMemory
	}
	h, child := t.spawn(start, suspended)
	t.result(int64(h))
	return h, child.id, ErrorSuccess
}

// spawn starts the thread of CreateThread and CreateThreadEx.
func (t *Thread) spawn(start func(t *Thread) uint32, suspended bool) (Handle, *Thread) {
	var child *Thread
	task := t.task.Spawn("thread-"+strconv.Itoa(len(t.k.threads)), func(task *scheduler.Task) {
		if suspended {
			if child.suspend > 0 {
				task.Block(&suspendWaiter{child}, -1, t.k.ops[cResumeThread], 0, 0)
			}
			// Whether or not it had to wait, the thread starts after the
			// ResumeThread that let it.
			t.k.races.acquire(child, &child.resumed)
		}
		child.exit(child.run(start))
	})
	child = t.k.newThread(task, t)
	if suspended {
		child.suspend = 1
	}
	return t.k.newHandle(t, child.obj, OpCreateThread), child
}

// ResumeThread lowers the suspend count of the thread h refers to and
// returns the count before; the thread runs once it reaches 0. It returns
// 0xFFFFFFFF with ErrorInvalidHandle when h is not an open thread handle.
func (t *Thread) ResumeThread(h Handle) uint32 {
	t.step(t.k.ops[cResumeThread], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpResumeThread, true)
	if !ok || e.obj.kind != objThread {
		t.lastErr = ErrorInvalidHandle
		t.result(-1)
		return 0xFFFFFFFF
	}
	th := e.obj.thread
	if t.task.Tracking() {
		t.task.Touch(scheduler.ThreadObject(th.task.ID()), scheduler.Write)
	}
	prev := th.suspend
	if prev > 0 {
		th.suspend--
		t.k.races.release(t, &th.resumed)
	}
	t.result(int64(prev))
	return prev
}

// ExitThread ends the calling thread at once with the given exit code:
// nothing after it in the thread's code runs, its handle is signalled and
// the mutexes it owns are abandoned. (It unwinds the thread's goroutine, so
// Go deferred functions do run, and kernel calls they make take effect;
// on Windows nothing of the thread runs after ExitThread.)
func (t *Thread) ExitThread(code uint32) {
	t.step(t.k.ops[cExitThread], int64(code), 0, 0)
	t.exitNow(code)
}

// exitNow unwinds t's goroutine to end it with code (see run).
func (t *Thread) exitNow(code uint32) {
	t.exiting, t.exitCode = true, code
	panic(threadExit{})
}

// exit ends t: the mutexes it owns are abandoned, its object is signalled
// and carries t's clock to waiters.
func (t *Thread) exit(code uint32) { t.finish(t, code) }

// finish ends t with the given code on behalf of by, the running thread
// (t itself, or the caller of TerminateThread): the mutexes t owns are
// abandoned, and its object is signalled and carries t's clock to
// waiters.
func (t *Thread) finish(by *Thread, code uint32) {
	t.exiting = false
	t.abandonMutexes(by)
	t.exited, t.exitCode = true, code
	by.touch(depObject, t.obj.serial, true)
	if t.routine.set {
		by.touchEnd(t.routine.group)
	}
	t.obj.signaled = true
	t.k.races.release(t, &t.obj.vc)
	by.handOff(t.obj)
	by.task.Note(t.k.ops[cThreadExit], int64(code), int64(t.id), 0)
}

// Termination records one TerminateThread of another thread.
type Termination struct {
	// By is the calling thread, Thread the one it ended.
	By, Thread scheduler.ThreadID
	// Step is when, Tick the log entry of the ended thread's exit, and Impl
	// whether the call was made inside the implementation under test.
	Step, Tick int64
	Impl       bool
}

// TerminateThread ends the thread h refers to at once with the given exit
// code, wherever it is: nothing of it runs any more (its Go deferred
// functions do, see ExitThread), its handle is signalled, the mutexes it
// owns are abandoned, and the critical sections and SRW locks it holds
// stay held, as on Windows. On the calling thread itself it is ExitThread.
// On a thread that has already ended it does nothing and succeeds. It
// returns false with ErrorInvalidHandle when h is not an open thread
// handle. The run records every termination (Result.Terminations): ending
// a thread this way is legal, but an implementation that does it to a
// worker is reported.
func (t *Thread) TerminateThread(h Handle, code uint32) bool {
	t.step(t.k.ops[cTerminateThread], int64(h), int64(code), 0)
	e, ok := t.k.use(t, h, OpTerminateThread, true)
	if !ok || e.obj.kind != objThread {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return false
	}
	target := e.obj.thread
	if target == t {
		t.exitNow(code)
	}
	if !target.exited {
		t.k.terminations = append(t.k.terminations, Termination{By: t.task.ID(), Thread: target.task.ID(),
			Step: t.task.StepCount(), Tick: t.task.Tick(), Impl: t.implDepth > 0})
		t.touch(depObject, target.obj.serial, true)
		if target.task.Tracking() {
			t.task.Touch(scheduler.ThreadObject(target.task.ID()), scheduler.Write)
		}
		if l := target.lockWait; l.class != 0 {
			t.touch(l.class, l.id, true)
		}
		target.forget(t)
		t.task.Kill(target.task)
		target.finish(t, code)
	}
	t.result(1)
	return true
}

// forget takes t, about to be terminated by by, off every wait list it is
// on.
func (t *Thread) forget(by *Thread) {
	if t.wait.registered {
		t.k.unblock(by, &t.wait)
	}
	if s := t.sleeping; s != nil {
		by.touch(depCondVar, s.cv.id, true)
		s.cv.remove(s)
		t.sleeping = nil
	}
}

// GetExitCodeThread returns the exit code of the thread h refers to:
// StillActive while it runs, its routine's result once it has ended. It
// returns false (with ErrorInvalidHandle as last error, and a handle fault)
// when h is not an open thread handle.
func (t *Thread) GetExitCodeThread(h Handle) (uint32, bool) {
	t.step(t.k.ops[cGetExitCode], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpGetExitCode, false)
	if !ok || e.obj.kind != objThread {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return 0, false
	}
	code := StillActive
	if th := e.obj.thread; th.exited {
		code = th.exitCode
		t.k.races.acquire(t, &th.obj.vc)
	}
	t.result(int64(code))
	return code, true
}

// GetCurrentThread returns the pseudo-handle that names the calling
// thread, [CurrentThread]: every thread gets the same value, and for each
// it means itself. Waiting on it never succeeds while the caller runs,
// closing it does nothing, and DuplicateHandle turns it into a real handle
// another thread can use. It is not a scheduling point.
func (t *Thread) GetCurrentThread() Handle {
	t.check("GetCurrentThread")
	return CurrentThread
}

// GetCurrentProcess returns the current-process pseudo-handle,
// [CurrentProcess] (the value of INVALID_HANDLE_VALUE): a wait on it times
// out, since the process runs as long as the simulation does. It is not a
// scheduling point.
func (t *Thread) GetCurrentProcess() Handle {
	t.check("GetCurrentProcess")
	return CurrentProcess
}

// SetLastError sets what GetLastError returns on this thread. It is not a
// scheduling point (it writes thread-local state).
func (t *Thread) SetLastError(code uint32) {
	t.check("SetLastError")
	t.lastErr = code
}

// CurrentThreadID returns the id of the calling thread (GetCurrentThreadId).
func (t *Thread) CurrentThreadID() uint32 {
	t.step(t.k.ops[cCurrentThreadID], 0, 0, 0)
	t.result(int64(t.id))
	return t.id
}

// GetThreadID returns the id of the thread h refers to, or 0 (with
// ErrorInvalidHandle as last error) when h is not an open thread handle.
func (t *Thread) GetThreadID(h Handle) uint32 {
	t.step(t.k.ops[cGetThreadID], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpGetThreadID, false)
	if !ok || e.obj.kind != objThread {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return 0
	}
	t.result(int64(e.obj.thread.id))
	return e.obj.thread.id
}

// GetLastError returns the error code of the thread's last failed call. It
// is not a scheduling point (it reads thread-local state).
func (t *Thread) GetLastError() uint32 {
	t.check("GetLastError")
	return t.lastErr
}

// Sleep blocks the thread for ms milliseconds of virtual time. Sleep(0)
// only yields. Sleep(Infinite) blocks forever.
func (t *Thread) Sleep(ms uint32) {
	t.check("Sleep")
	switch ms {
	case 0:
		t.task.Step(t.k.ops[cSleep], 0, 0, 0)
	case Infinite:
		t.touchBlock()
		t.task.Block(nil, -1, t.k.ops[cSleep], int64(ms), 0)
	default:
		t.touchBlock()
		t.task.Block(nil, t.task.Now()+int64(ms), t.k.ops[cSleep], int64(ms), 0)
	}
}

// Now returns the virtual clock in milliseconds (GetTickCount64). It is not
// a scheduling point.
func (t *Thread) Now() int64 {
	t.check("GetTickCount64")
	return t.task.Now()
}

// enterImplementation marks the start of a call into the implementation
// under test; calls nest. Fault injection applies only to kernel calls made
// inside it, and handles opened inside it are the implementation's (the leak
// check counts only those). The harness calls it; implementations do not.
func (t *Thread) enterImplementation() { t.check("EnterImplementation"); t.implDepth++ }

// leaveImplementation ends what enterImplementation began.
func (t *Thread) leaveImplementation() {
	t.check("LeaveImplementation")
	if t.implDepth > 0 {
		t.implDepth--
	}
}

// leaveImplementationForCallback runs f outside the implementation scope,
// for a scenario callback (a start routine) that the implementation calls,
// and restores the scope afterwards.
func (t *Thread) leaveImplementationForCallback(f func()) {
	t.check("LeaveImplementationForCallback")
	saved := t.implDepth
	t.implDepth = 0
	defer func() { t.implDepth = saved }()
	f()
}
