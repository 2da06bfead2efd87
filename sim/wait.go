package sim

import (
	"fmt"
	"strings"
)

// waitState is the scheduler.Waiter of a thread blocked in a wait; each
// thread owns one, so waiting does not allocate.
type waitState struct {
	t       *Thread
	objs    []*object
	handles []Handle
	all     bool
}

// Ready implements scheduler.Waiter.
func (w *waitState) Ready() bool {
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
	e.waiters++
	o.waiters++
	dl := t.deadline(ms)
	r := WaitTimeout
	for {
		timedOut := t.task.Block(w, dl, t.k.ops[cWaitSingle], int64(h), int64(ms))
		if o.signaled {
			t.acquire(o)
			r = WaitObject0
			break
		}
		if timedOut {
			break
		}
	}
	t.k.entry(h).waiters--
	o.waiters--
	t.task.SetResult(int64(r))
	return r
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
	t.addWaiters(w, 1)
	dl := t.deadline(ms)
	r := WaitTimeout
	for {
		timedOut := t.task.Block(w, dl, t.k.ops[cWaitMultiple], int64(len(hs)), int64(ms))
		if got, ok := t.tryAcquire(w); ok {
			r = got
			break
		}
		if timedOut {
			break
		}
	}
	t.addWaiters(w, -1)
	t.task.SetResult(int64(r))
	return r
}

func (t *Thread) addWaiters(w *waitState, d int) {
	for i, o := range w.objs {
		o.waiters += d
		t.k.entry(w.handles[i]).waiters += d
	}
}

// tryAcquire completes a multiple wait if it can.
func (t *Thread) tryAcquire(w *waitState) (uint32, bool) {
	if !w.Ready() {
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
