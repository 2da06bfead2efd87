package sim

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
)

// Config sets up the simulated machine of a run. The zero value is a
// machine with default limits and no fault injection.
type Config struct {
	// Engine holds the step bound and watchdog of the scheduler.
	Engine scheduler.Config
	// Faults switches on fault injection: CreateThread and DuplicateHandle
	// calls made inside the implementation under test (the harness marks
	// where its calls begin and end) become data decisions of the
	// strategy, succeeding (0) or failing with ERROR_NOT_ENOUGH_MEMORY (1).
	Faults bool
	// NoSpuriousWakeups makes every condition-variable sleep wait for a
	// wake or its timeout. By default each sleep may also return with no
	// wake at all, as Windows allows, and the strategy decides whether it
	// does, so code that does not re-check its condition is caught.
	NoSpuriousWakeups bool
}

// Simulator runs simulated programs, one run at a time, reusing its buffers.
// It must not be used by two goroutines at once.
type Simulator struct {
	cfg Config
	eng *scheduler.Engine
	ops *opTable
}

// NewSimulator returns a simulator for cfg.
func NewSimulator(cfg Config) *Simulator {
	eng := scheduler.New(cfg.Engine)
	return &Simulator{cfg: cfg, eng: eng, ops: newOpTable(eng)}
}

// Run executes main as the first simulated thread under strategy s and
// returns what happened. The result's log slices belong to the simulator
// until its next Run.
//
// When the engine abandoned the run (r.Abandoned: simulated code stayed
// stuck outside the simulation, see [scheduler.Result.Abandoned]), the
// kernel still belongs to the stuck goroutine, which may wake up and go on
// using it: the result then carries the engine's result alone, with no
// faults, races, handles, threads or cell names, and nothing of the
// kernel, the harness or the implementation may be read. The simulator
// cannot run again (its engine refuses); make a new one.
func (s *Simulator) Run(strategy scheduler.Strategy, main func(t *Thread)) *Result {
	k := &Kernel{cfg: s.cfg, ops: s.ops, eng: s.eng}
	r := s.eng.Run(strategy, func(task *scheduler.Task) {
		t := k.newThread(task, nil)
		t.implDepth = 0
		t.exit(t.run(func(t *Thread) uint32 { main(t); return 0 }))
	})
	if r.Abandoned {
		return &Result{Result: r}
	}
	k.finished = true
	return k.result(r)
}

// Run executes main once on a fresh simulator; see [Simulator.Run].
func Run(cfg Config, strategy scheduler.Strategy, main func(t *Thread)) *Result {
	return NewSimulator(cfg).Run(strategy, main)
}

// Kernel is the simulated Win32 kernel of one run: its threads, handles,
// kernel objects, the faults it saw and its race detector.
type Kernel struct {
	cfg      Config
	ops      *opTable
	eng      *scheduler.Engine
	finished bool

	threads          []*Thread // by scheduler ThreadID
	objects          []*object
	handles          []handleEntry // handle value = 4 * (index + 1)
	faults           []Fault
	races            raceDetector
	criticalSections int
	srwLocks         int
	condVars         int
	terminations     []Termination
	// process is the current-process pseudo-handle's entry: an object
	// that is never signalled while the run lasts.
	process handleEntry
}

type objectKind uint8

const (
	objThread objectKind = iota + 1
	objEvent
	objProcess
	objSemaphore
	objMutex
)

// object is a kernel object: a thread or an event.
type object struct {
	kind     objectKind
	serial   int
	signaled bool
	manual   bool
	thread   *Thread
	// count and max are a semaphore's count and maximum count.
	count, max int32
	// owner, depth and abandoned are a mutex's owner (nil: free), how many
	// times the owner holds it, and whether its last owner ended holding it.
	owner     *Thread
	depth     int
	abandoned bool
	// blocked are the waits blocked on the object, in the order they
	// blocked; a wait leaves every list it is on when it is satisfied or
	// times out.
	blocked []*waitState
	vc      vclock
}

func (o *object) describe() string {
	switch o.kind {
	case objThread:
		return fmt.Sprintf("thread T%d", o.thread.task.ID())
	case objProcess:
		return "the current process"
	case objSemaphore:
		return fmt.Sprintf("semaphore #%d", o.serial)
	case objMutex:
		return fmt.Sprintf("mutex #%d", o.serial)
	default:
		kind := "auto-reset"
		if o.manual {
			kind = "manual-reset"
		}
		return fmt.Sprintf("%s event #%d", kind, o.serial)
	}
}

type handleEntry struct {
	obj        *object
	open       bool
	impl       bool // opened inside the implementation under test
	waiters    int  // threads blocked in a wait through this handle
	openedBy   scheduler.ThreadID
	openedStep int64
	openedOp   string
	closedBy   scheduler.ThreadID
	closedStep int64
}

func handleIndex(h Handle) int {
	if h == 0 || h%4 != 0 {
		return -1
	}
	return int(h/4) - 1
}

// entry returns the table entry of h, or nil for a value never handed out.
func (k *Kernel) entry(h Handle) *handleEntry {
	i := handleIndex(h)
	if i < 0 || i >= len(k.handles) {
		return nil
	}
	return &k.handles[i]
}

// newObject makes a kernel object on behalf of by (nil: the main thread,
// before it runs).
func (k *Kernel) newObject(by *Thread, kind objectKind) *object {
	if by != nil {
		by.touch(depAlloc, allocObjects, true)
	}
	o := &object{kind: kind, serial: len(k.objects)}
	k.objects = append(k.objects, o)
	return o
}

// newHandle opens a handle to o on behalf of t.
func (k *Kernel) newHandle(t *Thread, o *object, op string) Handle {
	t.touch(depAlloc, allocHandles, true)
	t.touch(depHandle, len(k.handles), true)
	k.handles = append(k.handles, handleEntry{obj: o, open: true, impl: t.implDepth > 0,
		openedBy: t.task.ID(), openedStep: t.task.StepCount(), openedOp: op, closedBy: scheduler.NoThread})
	return Handle(4 * len(k.handles))
}

// lookup returns the entry h names for t: a pseudo-handle's, or the
// table's (nil for a value never handed out).
func (k *Kernel) lookup(t *Thread, h Handle) *handleEntry {
	switch h {
	case CurrentThread:
		return &t.pseudo
	case CurrentProcess:
		t.touch(depAlloc, allocProcess, k.process.obj == nil)
		if k.process.obj == nil {
			k.process = handleEntry{obj: k.newObject(t, objProcess), open: true, closedBy: scheduler.NoThread}
		}
		return &k.process
	}
	// A value not handed out yet reads the slot it would be: whether it
	// is open depends on the order with the call that opens it.
	if i := handleIndex(h); i >= 0 {
		t.touch(depHandle, i, false)
	}
	return k.entry(h)
}

// resolve is lookup for a handle that owner used earlier (so that its
// pseudo-handle and the process object exist), without touching anything:
// the caller touches what it changes for the running thread.
func (k *Kernel) resolve(owner *Thread, h Handle) *handleEntry {
	switch h {
	case CurrentThread:
		return &owner.pseudo
	case CurrentProcess:
		return &k.process
	}
	return k.entry(h)
}

// use looks up h for op, recording a handle fault when it is not open. The
// step reads the object h refers to, or writes it (write) when op may
// change it: a signal, a reset, a resume or a kill. A wait reads it unless
// it takes it (see Thread.took).
func (k *Kernel) use(t *Thread, h Handle, op string, write bool) (*handleEntry, bool) {
	e := k.lookup(t, h)
	if e != nil {
		t.touch(depObject, e.obj.serial, write)
	}
	switch {
	case e == nil:
		k.fault(t, FaultBadHandle, h, fmt.Sprintf("%s(%v): handle was never opened", op, h))
		return nil, false
	case !e.open:
		kind := FaultUseAfterClose
		if op == OpWaitSingle || op == OpWaitMultiple || op == OpSignalAndWait {
			kind = FaultWaitClosed
		}
		k.fault(t, kind, h, fmt.Sprintf("%s(%v): handle to %s was closed by T%d at step %d",
			op, h, e.obj.describe(), e.closedBy, e.closedStep))
		return nil, false
	}
	return e, true
}

func (k *Kernel) newThread(task *scheduler.Task, parent *Thread) *Thread {
	t := &Thread{k: k, task: task, id: threadIDBase + 4*uint32(task.ID())}
	t.obj = k.newObject(parent, objThread)
	t.obj.thread = t
	t.pseudo = handleEntry{obj: t.obj, open: true, closedBy: scheduler.NoThread}
	t.wait.t = t
	for int(task.ID()) >= len(k.threads) {
		k.threads = append(k.threads, nil)
	}
	k.threads[task.ID()] = t
	task.Data = t
	if parent != nil {
		t.implDepth = parent.implDepth
		t.vc = k.races.fork(parent, t)
	} else {
		t.vc = k.races.fork(nil, t)
	}
	return t
}

// HandleInfo describes one handle of a run.
type HandleInfo struct {
	Handle Handle
	// Object says what a handle still open at the end of the run refers
	// to, e.g. "thread T2"; it is "" for a closed handle, which no report
	// describes, so that a run formats nothing it does not report.
	Object string
	// Impl is true when the handle was opened inside the implementation
	// under test.
	Impl bool
	// Open is true when the handle was still open at the end of the run.
	Open       bool
	OpenedBy   scheduler.ThreadID
	OpenedStep int64
	OpenedOp   string
	ClosedBy   scheduler.ThreadID
	ClosedStep int64
}

// ThreadInfo describes one simulated thread of a run.
type ThreadInfo struct {
	Task     scheduler.ThreadID
	ID       uint32
	Exited   bool
	ExitCode uint32
}

// Result is what a simulated run did. For a run the engine abandoned
// (Abandoned, promoted from the scheduler's result) only the scheduler's
// result is set; see [Simulator.Run].
type Result struct {
	*scheduler.Result
	// Faults lists the kernel faults of the run, in order.
	Faults []Fault
	// Races lists the data races on plain Cell accesses, in order.
	Races []Race
	// Handles lists every handle the run opened.
	Handles []HandleInfo
	// Threads lists every simulated thread.
	Threads []ThreadInfo
	// CellNames maps the cell ids in the log (Args[0] of a cell operation)
	// to the cells' names ("" for an unnamed cell).
	CellNames []string
	// Terminations lists every TerminateThread that ended another thread.
	Terminations []Termination
}

func (k *Kernel) result(r *scheduler.Result) *Result {
	out := &Result{Result: r, Faults: k.faults, Races: k.races.races, Terminations: k.terminations}
	for _, c := range k.races.cells {
		out.CellNames = append(out.CellNames, c.name)
	}
	for i, e := range k.handles {
		var what string
		if e.open {
			what = e.obj.describe()
		}
		out.Handles = append(out.Handles, HandleInfo{Handle: Handle(4 * (i + 1)), Object: what,
			Impl: e.impl, Open: e.open, OpenedBy: e.openedBy, OpenedStep: e.openedStep, OpenedOp: e.openedOp,
			ClosedBy: e.closedBy, ClosedStep: e.closedStep})
	}
	for _, t := range k.threads {
		if t != nil {
			out.Threads = append(out.Threads, ThreadInfo{Task: t.task.ID(), ID: t.id, Exited: t.exited, ExitCode: t.exitCode})
		}
	}
	return out
}
