package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/scheduler"
)

// waitState is the scheduler.Waiter of a thread blocked in a wait; each
// thread owns one, so waiting does not allocate.
type waitState struct {
	t       *Thread
	objs    []*object
	handles []Handle
	all     bool
	// granted is the index of the object that satisfied the blocked wait
	// (0 for wait-all), set by the thread that signalled it; -1 while the
	// wait is not satisfied.
	granted int
	// abandoned is set when the wait took an abandoned mutex.
	abandoned bool
	// registered is set while the wait is on its objects' lists.
	registered bool
}

// Ready implements scheduler.Waiter: a blocked wait is satisfied by the
// thread that signals its object (see [Thread.handOff]), never later by
// the waiter itself.
func (w *waitState) Ready() bool { return w.granted >= 0 }

// satisfiable reports whether the wait could complete now: one of its
// objects is signalled for its thread (any), or all of them are (all).
func (w *waitState) satisfiable() bool {
	if w.all {
		for _, o := range w.objs {
			if !o.signaledFor(w.t) {
				return false
			}
		}
		return len(w.objs) > 0
	}
	for _, o := range w.objs {
		if o.signaledFor(w.t) {
			return true
		}
	}
	return false
}

// signaledFor reports whether a wait by t on o would be satisfied now. A
// mutex is signalled when it is free, and always for its owner.
func (o *object) signaledFor(t *Thread) bool {
	if o.kind == objMutex {
		return o.owner == nil || o.owner == t
	}
	return o.signaled
}

// consumable reports whether taking o changes it, so that one signal can
// satisfy only some of the waits on it: an auto-reset event, a semaphore,
// a mutex.
func (o *object) consumable() bool {
	return (o.kind == objEvent && !o.manual) || o.kind == objSemaphore || o.kind == objMutex
}

// Describe implements scheduler.Waiter.
func (w *waitState) Describe() string {
	parts := make([]string, len(w.objs))
	for i, o := range w.objs {
		parts[i] = fmt.Sprintf("%s (handle %v)", o.describe(), w.handles[i])
		switch o.kind {
		case objThread:
			parts[i] += " to exit"
		case objProcess:
			parts[i] += " to end"
		case objMutex, objSemaphore:
			parts[i] += " to be released"
		default:
			parts[i] += " to be set"
		}
	}
	if len(parts) == 1 {
		return parts[0]
	}
	if w.all {
		return "all of " + strings.Join(parts, ", ")
	}
	return "any of " + strings.Join(parts, ", ")
}

// acquire takes a signalled object for the waiter: an auto-reset event
// resets, a semaphore's count goes down, a mutex becomes the waiter's; and
// the waiter gets the object's clock (happens-before). It reports whether
// the object was an abandoned mutex.
func (t *Thread) acquire(o *object) (abandoned bool) {
	switch {
	case o.kind == objEvent && !o.manual:
		o.signaled = false
	case o.kind == objSemaphore:
		o.count--
		o.signaled = o.count > 0
	case o.kind == objMutex:
		if o.owner == t {
			o.depth++
		} else {
			o.owner, o.depth = t, 1
			t.owned = append(t.owned, o)
		}
		abandoned, o.abandoned = o.abandoned, false
		o.signaled = false
	}
	t.k.races.acquire(t, &o.vc)
	return abandoned
}

// took records that the running thread t took o for a wait (its own, or
// one it granted): taking an auto-reset event, a semaphore or a mutex
// changes it, so the step writes it; taking a manual-reset event or a
// thread reads it (two such waits commute).
func (t *Thread) took(o *object) {
	if o.consumable() {
		t.touch(depObject, o.serial, true)
	}
}

// tookFor records, for the satisfied wait w, what t's step took for it
// (see took): every object of a wait for all, the granted one otherwise.
func (t *Thread) tookFor(w *waitState) {
	for i, o := range w.objs {
		if w.all || i == w.granted {
			t.took(o)
		}
	}
}

func (t *Thread) deadline(ms uint32) int64 {
	if ms == Infinite {
		return -1
	}
	return t.task.Now() + int64(ms)
}

// WaitForSingleObject waits until the object h refers to is signalled (a
// thread has exited, an event is set) or ms milliseconds of virtual time
// have passed (Infinite: no limit; 0: just test). It returns WaitObject0,
// WaitTimeout, or WaitFailed (with ErrorInvalidHandle) when h is not open,
// which is also recorded as a handle fault.
func (t *Thread) WaitForSingleObject(h Handle, ms uint32) uint32 {
	t.step(t.k.ops[cWaitSingle], int64(h), int64(ms), 0)
	return t.waitSingle(h, ms, cWaitSingle, OpWaitSingle)
}

// waitSingle is WaitForSingleObject after its scheduling point; op, named
// name, is the call in the log and in faults.
func (t *Thread) waitSingle(h Handle, ms uint32, op opCode, name string) uint32 {
	e, ok := t.k.use(t, h, name, false)
	if !ok {
		t.lastErr = ErrorInvalidHandle
		t.result(int64(WaitFailed))
		return WaitFailed
	}
	o := e.obj
	if o.signaledFor(t) {
		r := WaitObject0
		t.took(o)
		if t.acquire(o) {
			r = WaitAbandoned0
		}
		t.result(int64(r))
		return r
	}
	if ms == 0 {
		t.result(int64(WaitTimeout))
		return WaitTimeout
	}
	w := &t.wait
	w.objs = append(w.objs[:0], o)
	w.handles = append(w.handles[:0], h)
	w.all = false
	r := t.block(w, t.deadline(ms), t.k.ops[op], int64(h), int64(ms))
	t.task.SetResult(int64(r))
	return r
}

// block blocks t in the wait w until the thread that signals one of its
// objects satisfies it (hand-off), or until the deadline passes, and
// returns WaitObject0+i or WaitTimeout.
func (t *Thread) block(w *waitState, deadline int64, op scheduler.OpID, a0, a1 int64) uint32 {
	w.granted, w.abandoned, w.registered = -1, false, true
	// A wait for all of several objects that include one that taking
	// changes: a manual-reset event or an ended thread grants its waits in
	// the order they joined, and granting this one takes the other object
	// from the waits after it, so its joins are writes.
	takes := w.all && len(w.objs) > 1 && slices.ContainsFunc(w.objs, (*object).consumable)
	for i, o := range w.objs {
		// Joining a wait list reads the object and the handle's slot:
		// joins commute (the order of a list matters only to a choice
		// that the strategy makes among every waiter anyway, and waiter
		// counts add up the same), and every signal or close is a write
		// they are ordered with.
		o.blocked = append(o.blocked, w)
		t.touchWait(w, i, takes)
		t.k.resolve(t, w.handles[i]).waiters++
	}
	for {
		t.touchBlock()
		timedOut := t.task.Block(w, deadline, op, a0, a1)
		if w.granted >= 0 {
			// The signaller satisfied the wait in its own step; resuming
			// reads what it wrote.
			for i := range w.objs {
				t.touchWait(w, i, false)
			}
			if w.abandoned {
				return WaitAbandoned0 + uint32(w.granted)
			}
			return WaitObject0 + uint32(w.granted)
		}
		if timedOut {
			t.k.unblock(t, w)
			return WaitTimeout
		}
	}
}

// touchWait records that t's step reads or writes the i-th object of the
// wait w and the slot of its handle (which counts its waiters).
func (t *Thread) touchWait(w *waitState, i int, write bool) {
	t.touch(depObject, w.objs[i].serial, write)
	if j := handleIndex(w.handles[i]); j >= 0 && w.handles[i] != CurrentThread && w.handles[i] != CurrentProcess {
		t.touch(depHandle, j, write)
	}
}

// unblock takes w off the lists of its objects and handles, in a step of
// by. Leaving a list reads the object and the slot: it commutes with
// another wait joining or leaving it (lists keep their order, waiter
// counts add up the same), and every signal and close writes them.
func (k *Kernel) unblock(by *Thread, w *waitState) {
	w.registered = false
	for i, o := range w.objs {
		by.touchWait(w, i, false)
		for j, b := range o.blocked {
			if b == w {
				o.blocked = append(o.blocked[:j], o.blocked[j+1:]...)
				break
			}
		}
		k.resolve(w.t, w.handles[i]).waiters--
	}
}

// grant satisfies the blocked wait w now, as the kernel does inside the
// call that signals its object: the waiter takes its objects (an
// auto-reset event resets) and their clocks, and leaves every wait list.
func (k *Kernel) grant(by *Thread, w *waitState) {
	k.unblock(by, w)
	w.take()
	by.tookFor(w)
}

// take completes the satisfiable wait w: it acquires every object (all)
// or the lowest-indexed signalled one (any), and sets granted and
// abandoned.
func (w *waitState) take() {
	w.granted, w.abandoned = -1, false
	if w.all {
		for _, o := range w.objs {
			w.abandoned = w.t.acquire(o) || w.abandoned
		}
		w.granted = 0
		return
	}
	for i, o := range w.objs {
		if o.signaledFor(w.t) {
			w.abandoned = w.t.acquire(o)
			w.granted = i
			return
		}
	}
}

// handOff gives o, just signalled by t, to the waits blocked on it, as
// Windows does inside the call that signals it (SetEvent, ReleaseSemaphore,
// ReleaseMutex, a thread's end) rather than when the waiters next run. An
// object that taking changes (an auto-reset event, a semaphore, a mutex)
// satisfies one wait after another while it stays signalled, and which of
// several waits it can satisfy gets it Windows does not define, so each
// pick is a decision of the strategy; a manual-reset event or an ended
// thread satisfies every wait it can, in the order they blocked, so a
// ResetEvent right after SetEvent still leaves them released.
func (t *Thread) handOff(o *object) {
	if len(o.blocked) == 0 {
		return
	}
	if o.consumable() {
		for o.signaled {
			n := 0
			for _, w := range o.blocked {
				if w.satisfiable() {
					n++
				}
			}
			if n == 0 {
				return
			}
			pick := t.task.Choose(t.k.ops[cSetEventWakes], n)
			for _, w := range o.blocked {
				if !w.satisfiable() {
					continue
				}
				if pick == 0 {
					t.k.grant(t, w)
					break
				}
				pick--
			}
		}
		return
	}
	for i := 0; i < len(o.blocked); {
		if w := o.blocked[i]; w.satisfiable() {
			t.k.grant(t, w) // takes w off o.blocked
			continue
		}
		i++
	}
}

// WaitForMultipleObjects waits for any (waitAll false) or all of the objects
// hs refer to. It returns WaitObject0+i for the lowest signalled index i (any)
// or WaitObject0 (all), WaitTimeout, or WaitFailed: with ErrorInvalidParameter
// when hs is empty, longer than MaximumWaitObjects, or names the same handle
// or (waitAll) the same object twice; with ErrorInvalidHandle (and a handle
// fault) when a handle is not open.
func (t *Thread) WaitForMultipleObjects(hs []Handle, waitAll bool, ms uint32) uint32 {
	t.step(t.k.ops[cWaitMultiple], int64(len(hs)), b2i(waitAll), int64(ms))
	fail := func(code uint32) uint32 {
		t.lastErr = code
		t.result(int64(WaitFailed))
		return WaitFailed
	}
	if len(hs) == 0 || len(hs) > MaximumWaitObjects {
		return fail(ErrorInvalidParameter)
	}
	w := &t.wait
	w.objs, w.handles, w.all = w.objs[:0], w.handles[:0], waitAll
	for i, h := range hs {
		e, ok := t.k.use(t, h, OpWaitMultiple, false)
		if !ok {
			return fail(ErrorInvalidHandle)
		}
		for j := range i {
			if hs[j] == h || (waitAll && w.objs[j] == e.obj) {
				return fail(ErrorInvalidParameter)
			}
		}
		w.objs = append(w.objs, e.obj)
		w.handles = append(w.handles, h)
	}
	if r, ok := t.tryAcquire(w); ok {
		t.tookFor(w)
		t.result(int64(r))
		return r
	}
	if ms == 0 {
		t.result(int64(WaitTimeout))
		return WaitTimeout
	}
	r := t.block(w, t.deadline(ms), t.k.ops[cWaitMultiple], int64(len(hs)), int64(ms))
	t.task.SetResult(int64(r))
	return r
}

// tryAcquire completes a multiple wait at once if it can.
func (t *Thread) tryAcquire(w *waitState) (uint32, bool) {
	if !w.satisfiable() {
		return 0, false
	}
	w.take()
	if w.abandoned {
		return WaitAbandoned0 + uint32(w.granted), true
	}
	return WaitObject0 + uint32(w.granted), true
}
