package sim

import (
	"fmt"
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
}

// Ready implements scheduler.Waiter: a blocked wait is satisfied by the
// thread that signals its object (see [Thread.handOff]), never later by
// the waiter itself.
func (w *waitState) Ready() bool { return w.granted >= 0 }

// satisfiable reports whether the wait could complete now: one of its
// objects is signalled (any), or all of them are (all).
func (w *waitState) satisfiable() bool {
	if w.all {
		for _, o := range w.objs {
			if !o.signaled {
				return false
			}
		}
		return len(w.objs) > 0
	}
	for _, o := range w.objs {
		if o.signaled {
			return true
		}
	}
	return false
}

// Describe implements scheduler.Waiter.
func (w *waitState) Describe() string {
	parts := make([]string, len(w.objs))
	for i, o := range w.objs {
		parts[i] = fmt.Sprintf("%s (handle %v)", o.describe(), w.handles[i])
		if o.kind == objThread {
			parts[i] += " to exit"
		} else {
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
// resets, and the waiter gets the object's clock (happens-before).
func (t *Thread) acquire(o *object) {
	if o.kind == objEvent && !o.manual {
		o.signaled = false
	}
	t.k.races.acquire(t, &o.vc)
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
	e, ok := t.k.use(t, h, OpWaitSingle)
	if !ok {
		t.lastErr = ErrorInvalidHandle
		t.result(int64(WaitFailed))
		return WaitFailed
	}
	o := e.obj
	if o.signaled {
		t.acquire(o)
		t.result(int64(WaitObject0))
		return WaitObject0
	}
	if ms == 0 {
		t.result(int64(WaitTimeout))
		return WaitTimeout
	}
	w := &t.wait
	w.objs = append(w.objs[:0], o)
	w.handles = append(w.handles[:0], h)
	w.all = false
	r := t.block(w, t.deadline(ms), t.k.ops[cWaitSingle], int64(h), int64(ms))
	t.task.SetResult(int64(r))
	return r
}

// block blocks t in the wait w until the thread that signals one of its
// objects satisfies it (hand-off), or until the deadline passes, and
// returns WaitObject0+i or WaitTimeout.
func (t *Thread) block(w *waitState, deadline int64, op scheduler.OpID, a0, a1 int64) uint32 {
	w.granted = -1
	for i, o := range w.objs {
		o.blocked = append(o.blocked, w)
		t.k.lookup(t, w.handles[i]).waiters++
	}
	for {
		timedOut := t.task.Block(w, deadline, op, a0, a1)
		if w.granted >= 0 {
			return WaitObject0 + uint32(w.granted)
		}
		if timedOut {
			t.k.unblock(w)
			return WaitTimeout
		}
	}
}

// unblock takes w off the lists of its objects and handles.
func (k *Kernel) unblock(w *waitState) {
	for i, o := range w.objs {
		for j, b := range o.blocked {
			if b == w {
				o.blocked = append(o.blocked[:j], o.blocked[j+1:]...)
				break
			}
		}
		k.lookup(w.t, w.handles[i]).waiters--
	}
}

// grant satisfies the blocked wait w now, as the kernel does inside the
// call that signals its object: the waiter takes its objects (an
// auto-reset event resets) and their clocks, and leaves every wait list.
func (k *Kernel) grant(w *waitState) {
	k.unblock(w)
	if w.all {
		for _, o := range w.objs {
			w.t.acquire(o)
		}
		w.granted = 0
		return
	}
	for i, o := range w.objs {
		if o.signaled {
			w.t.acquire(o)
			w.granted = i
			return
		}
	}
}

// handOff gives o, just signalled by t, to the waits blocked on it, as
// Windows does inside SetEvent and at a thread's exit rather than when the
// waiters next run: an auto-reset event satisfies exactly one of the waits
// it can satisfy (which one Windows does not define, so it is a decision of
// the strategy) and stays reset; a manual-reset event or an exited thread
// satisfies every one of them, in the order they blocked, so a ResetEvent
// right after SetEvent still leaves them released.
func (t *Thread) handOff(o *object) {
	if len(o.blocked) == 0 {
		return
	}
	if o.kind == objEvent && !o.manual {
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
				t.k.grant(w)
				return
			}
			pick--
		}
		return
	}
	for i := 0; i < len(o.blocked); {
		if w := o.blocked[i]; w.satisfiable() {
			t.k.grant(w) // takes w off o.blocked
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
		e, ok := t.k.use(t, h, OpWaitMultiple)
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
	if w.all {
		for _, o := range w.objs {
			t.acquire(o)
		}
		return WaitObject0, true
	}
	for i, o := range w.objs {
		if o.signaled {
			t.acquire(o)
			return WaitObject0 + uint32(i), true
		}
	}
	return 0, false
}
