package sim

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
)

// CallKind names a CLUS_WORKER function in a history.
type CallKind uint8

// The kinds of call in a history.
const (
	CallCreate CallKind = iota + 1
	CallCheckTerminate
	CallTerminate
	CallTerminateEx
	CallWorkersTerminate
	// CallExit is not a call: it marks the moment a worker's start routine
	// returned (CallTick == ReturnTick).
	CallExit
	// CallStart is not a call either: it marks the moment a worker's start
	// routine began (CallTick == ReturnTick).
	CallStart
)

var callKindNames = [...]string{
	CallCreate: "ClusWorkerCreate", CallCheckTerminate: "ClusWorkerCheckTerminate",
	CallTerminate: "ClusWorkerTerminate", CallTerminateEx: "ClusWorkerTerminateEx",
	CallWorkersTerminate: "ClusWorkersTerminate", CallExit: "RoutineExit", CallStart: "RoutineStart",
}

// String returns the Win32 name of the function.
func (k CallKind) String() string {
	if int(k) < len(callKindNames) && callKindNames[k] != "" {
		return callKindNames[k]
	}
	return fmt.Sprintf("call(%d)", uint8(k))
}

// ParseCallKind returns the kind whose String is s.
func ParseCallKind(s string) (CallKind, bool) {
	for k, n := range callKindNames {
		if n != "" && n == s {
			return CallKind(k), true
		}
	}
	return 0, false
}

// Names of the harness's annotations in the log: "call X" and "return X"
// for each CLUS_WORKER function X, and NoteRoutineExit when a start routine
// returns.
const (
	NoteCallPrefix   = "call "
	NoteReturnPrefix = "return "
	NoteRoutineExit  = "exit routine"
	NoteRoutineStart = "start routine"
)

// A Call is one CLUS_WORKER call in a history, with the interval of ticks
// (positions in the run's log) and of virtual time it spanned.
type Call struct {
	// ID numbers the calls of a run from 1.
	ID     int
	Kind   CallKind
	Thread scheduler.ThreadID
	// Worker is the index of the struct the call names; -1 for
	// WorkersTerminate.
	Worker int
	// Workers is the array of a WorkersTerminate call; -1 is a NULL entry.
	Workers  []int
	Timeout  uint32
	WaitOnly bool
	// Self is true when the caller is the thread the named struct (or one of
	// the array's) currently runs.
	Self bool
	// Result is the returned code, or 1/0 for a BOOL. It is meaningful only
	// when Returned.
	Result   uint32
	Returned bool
	// HThread is the struct's hThread when the call returned (for
	// WorkersTerminate: 0), read by the harness without a scheduling point.
	HThread Handle
	// HThreads is, for a WorkersTerminate that returned, the hThread of
	// each entry of Workers when the call returned (0 for a NULL entry),
	// read the same way; nil for other calls.
	HThreads []Handle
	// CallTick and ReturnTick are log positions; ReturnTick is -1 when the
	// call never returned.
	CallTick, ReturnTick int64
	CallStep, ReturnStep int64
	CallTime, ReturnTime int64
}

// Harness calls a WorkerAPI on behalf of scenario code and records every
// call as a history. It owns the worker structs, named w0, w1, ..., and
// marks the implementation's scope for fault injection and leak checks.
type Harness struct {
	api     WorkerAPI
	workers []*ClusWorker
	// running[i] is the thread that runs the start routine of workers[i]'s
	// current incarnation, or NoThread.
	running []scheduler.ThreadID
	calls   []Call
	// history[i] is the group of struct i's history for partial-order
	// reduction (see Separate); all 0 until Separate is called.
	history []int
	// err is the first call that named structs of two histories.
	err error
}

// NewHarness returns a harness over n fresh worker structs.
func NewHarness(api WorkerAPI, n int) *Harness {
	h := &Harness{api: api}
	for i := range n {
		w := &ClusWorker{}
		w.HThread.SetName(fmt.Sprintf("w%d.hThread", i))
		w.Terminate.SetName(fmt.Sprintf("w%d.Terminate", i))
		w.HThread.observe(i)
		w.Terminate.observe(i)
		h.workers = append(h.workers, w)
		h.running = append(h.running, scheduler.NoThread)
		h.history = append(h.history, 0)
	}
	return h
}

// Separate declares which structs the run's calls name together: each set
// lists structs that one call may name at once (the array of a
// ClusWorkersTerminate). Structs that share no set, directly or through
// other sets, get separate histories: the checks never compare the order
// of two calls on structs of separate histories (the model is checked one
// part at a time, see [model.Partition], and every other check looks at
// one struct, or at the structs of one call), so partial-order reduction
// lets such calls commute. Without Separate every struct shares one
// history, which is always sound. Call it before the run starts; a call
// that names structs of two histories anyway is reported by Err.
func (h *Harness) Separate(sets [][]int) { h.history = GroupStructs(len(h.workers), sets) }

// GroupStructs returns, for each of n structs, the smallest struct it is
// joined with through sets, each a list of structs that one call names
// together (directly or through other sets); entries that are negative
// (NULL) or not below n are ignored. Structs of one group share a history
// (see Harness.Separate) and a part of the model's check (see
// model.Partition).
func GroupStructs(n int, sets [][]int) []int {
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	find := func(x int) int {
		for parent[x] != x {
			x = parent[x]
		}
		return x
	}
	for _, set := range sets {
		first := -1
		for _, w := range set {
			if w < 0 || w >= n {
				continue
			}
			if first < 0 {
				first = w
				continue
			}
			a, b := find(first), find(w)
			parent[max(a, b)] = min(a, b)
		}
	}
	for i := range parent {
		parent[i] = find(i)
	}
	return parent
}

// Prepare registers every struct's fields with t's run, in struct order,
// before any other thread runs. A cell gets its id in the run from the
// first thread that uses it; registered up front, the fields have the
// same ids whichever thread touches them first, so those first accesses
// commute for partial-order reduction. Call it from the run's first
// thread before it starts another; it is not a memory access.
func (h *Harness) Prepare(t *Thread) {
	for _, w := range h.workers {
		w.HThread.bind(t)
		w.Terminate.bind(t)
	}
}

// Err returns an error when a call named structs that [Harness.Separate]
// declared separate: the run's partial-order reduction was then unsound,
// and a DPOR exploration that used it proves nothing.
func (h *Harness) Err() error { return h.err }

// historyOf returns the history group of a call on wis, the structs it
// names (negative entries are NULL): the group of the first struct, or of
// struct 0 for a call that names none, as the model places such a call.
func (h *Harness) historyOf(wis []int) int {
	g := -1
	for _, w := range wis {
		if w < 0 || w >= len(h.history) {
			continue
		}
		if g < 0 {
			g = h.history[w]
		} else if h.history[w] != g && h.err == nil {
			h.err = fmt.Errorf("sim: a call names w%d together with structs of another history, which Harness.Separate declared separate", w)
		}
	}
	if g < 0 && len(h.history) > 0 {
		g = h.history[0]
	}
	return max(g, 0)
}

// named returns the structs a call names.
func (c *Call) named() []int {
	if c.Kind == CallWorkersTerminate {
		return c.Workers
	}
	return []int{c.Worker}
}

// Worker returns struct i.
func (h *Harness) Worker(i int) *ClusWorker { return h.workers[i] }

// NumWorkers returns the number of structs.
func (h *Harness) NumWorkers() int { return len(h.workers) }

// FlagCell returns the log id of struct i's Terminate cell (see
// [Cell.ID]) in the run that last used it, and false when no run has
// accessed it. Checks find the flag's writes and reads by this id.
func (h *Harness) FlagCell(i int) (int64, bool) { return h.workers[i].Terminate.ID() }

// Calls returns the history so far.
func (h *Harness) Calls() []Call { return h.calls }

// RoutineThread returns the thread running struct i's start routine, or
// NoThread.
func (h *Harness) RoutineThread(i int) scheduler.ThreadID { return h.running[i] }

func (h *Harness) begin(t *Thread, c Call) int {
	c.ID = len(h.calls) + 1
	c.Thread = t.task.ID()
	c.ReturnTick = -1
	c.CallStep, c.CallTime = t.task.StepCount(), t.task.Now()
	t.call = historyRef{set: true, group: h.historyOf(c.named()), named: c.named()}
	t.touchHistory(t.call.group, t.call.named, c.Kind != CallCreate, false)
	c.CallTick = t.task.Note(t.task.Intern("call "+c.Kind.String()), int64(c.ID), int64(c.Worker), int64(c.Timeout))
	h.calls = append(h.calls, c)
	t.enterImplementation()
	return c.ID - 1
}

func (h *Harness) end(t *Thread, i int, result uint32) {
	t.leaveImplementation()
	c := &h.calls[i]
	c.Result, c.Returned = result, true
	if c.Worker >= 0 {
		c.HThread = h.workers[c.Worker].HThread.Peek()
	}
	if c.Kind == CallWorkersTerminate {
		c.HThreads = make([]Handle, len(c.Workers))
		for j, wi := range c.Workers {
			if wi >= 0 {
				c.HThreads[j] = h.workers[wi].HThread.Peek()
			}
		}
	}
	c.ReturnStep, c.ReturnTime = t.task.StepCount(), t.task.Now()
	t.touchHistory(t.call.group, t.call.named, false, false)
	t.call = historyRef{}
	c.ReturnTick = t.task.Note(t.task.Intern("return "+c.Kind.String()), int64(c.ID), int64(result), 0)
}

func (h *Harness) self(t *Thread, wi int) bool {
	return wi >= 0 && wi < len(h.running) && h.running[wi] == t.task.ID()
}

// Create calls ClusWorkerCreate on struct wi. The start routine runs outside
// the implementation's scope; its return is recorded as a CallExit.
func (h *Harness) Create(t *Thread, wi int, start StartRoutine, param any) uint32 {
	i := h.begin(t, Call{Kind: CallCreate, Worker: wi, Self: h.self(t, wi)})
	wrapped := func(wt *Thread, w *ClusWorker, p any) uint32 {
		h.running[wi] = wt.task.ID()
		wt.routine = historyRef{set: true, group: h.historyOf([]int{wi}), named: []int{wi}}
		h.mark(wt, CallStart, wi, NoteRoutineStart, 0)
		var code uint32
		defer func() {
			// A routine that ended its thread with ExitThread ended too.
			if wt.exiting {
				h.running[wi] = scheduler.NoThread
				h.mark(wt, CallExit, wi, NoteRoutineExit, wt.exitCode)
			}
		}()
		wt.leaveImplementationForCallback(func() { code = start(wt, w, p) })
		h.running[wi] = scheduler.NoThread
		h.mark(wt, CallExit, wi, NoteRoutineExit, code)
		return code
	}
	r := h.api.Create(t, h.workers[wi], wrapped, param)
	h.end(t, i, r)
	return r
}

// mark records an instant (a routine's start or exit) in the history.
func (h *Harness) mark(t *Thread, kind CallKind, wi int, note string, code uint32) {
	if kind == CallStart {
		t.touchStart(wi)
	} else {
		t.touchHistory(t.routine.group, t.routine.named, false, kind == CallExit)
	}
	tick := t.task.Note(t.task.Intern(note), int64(wi), int64(code), 0)
	h.calls = append(h.calls, Call{ID: len(h.calls) + 1, Kind: kind, Thread: t.task.ID(), Worker: wi,
		Result: code, Returned: true, CallTick: tick, ReturnTick: tick, CallStep: t.task.StepCount(),
		ReturnStep: t.task.StepCount(), CallTime: t.task.Now(), ReturnTime: t.task.Now()})
}

// CheckTerminate calls ClusWorkerCheckTerminate on struct wi.
func (h *Harness) CheckTerminate(t *Thread, wi int) bool {
	i := h.begin(t, Call{Kind: CallCheckTerminate, Worker: wi, Self: h.self(t, wi)})
	r := h.api.CheckTerminate(t, h.workers[wi])
	h.end(t, i, uint32(b2i(r)))
	return r
}

// Terminate calls ClusWorkerTerminate on struct wi.
func (h *Harness) Terminate(t *Thread, wi int) {
	i := h.begin(t, Call{Kind: CallTerminate, Worker: wi, Self: h.self(t, wi)})
	h.api.Terminate(t, h.workers[wi])
	h.end(t, i, 0)
}

// TerminateEx calls ClusWorkerTerminateEx on struct wi.
func (h *Harness) TerminateEx(t *Thread, wi int, timeoutMs uint32, waitOnly bool) uint32 {
	i := h.begin(t, Call{Kind: CallTerminateEx, Worker: wi, Timeout: timeoutMs, WaitOnly: waitOnly, Self: h.self(t, wi)})
	r := h.api.TerminateEx(t, h.workers[wi], timeoutMs, waitOnly)
	h.end(t, i, r)
	return r
}

// WorkersTerminate calls ClusWorkersTerminate over the structs wis; an
// entry of -1 passes a NULL pointer.
func (h *Harness) WorkersTerminate(t *Thread, wis []int, timeoutMs uint32, waitOnly bool) uint32 {
	self := false
	ws := make([]*ClusWorker, len(wis))
	for j, wi := range wis {
		if wi >= 0 {
			ws[j] = h.workers[wi]
			self = self || h.self(t, wi)
		}
	}
	i := h.begin(t, Call{Kind: CallWorkersTerminate, Worker: -1, Workers: append([]int(nil), wis...),
		Timeout: timeoutMs, WaitOnly: waitOnly, Self: self})
	r := h.api.WorkersTerminate(t, ws, timeoutMs, waitOnly)
	h.end(t, i, r)
	return r
}
