package impls

import "github.com/clussim/clussim/sim"

// ExitEvent is a correct design that passes "the routine has returned"
// through an auto-reset event instead of waiting on the thread: the
// worker's wrapper sets the incarnation's event when the routine returns,
// and every terminate call waits on that event. An auto-reset event
// releases one waiter per SetEvent, so a waiter that is released sets it
// again before it goes on (it passes the baton), which releases the next
// waiter and leaves the event set for any that comes later. The first
// caller that sees the routine gone clears hThread and closes the thread's
// handle; the event is closed when the last caller holding it lets it go.
//
// mu guards hThread, the incarnations and their hold counts, and is the
// signal gate of P7: CheckTerminate takes it to read a FALSE flag, and
// ClusWorkersTerminate raises every flag inside it.
type ExitEvent struct {
	// noBaton makes it bug-exit-event-no-baton: a released waiter does not
	// set the event again.
	noBaton bool
	mu      sim.CriticalSection
	// recs maps a live thread handle stored in some hThread to its
	// incarnation.
	recs map[sim.Handle]*exitIncarnation
}

// exitIncarnation is what one Create shares with its thread's wrapper and
// with the callers waiting for it. Accessed under mu.
type exitIncarnation struct {
	// h is the thread's handle, tid its id, exited the auto-reset event
	// the wrapper sets once the routine has returned.
	h      sim.Handle
	tid    uint32
	exited sim.Handle
	// holds counts the callers that may still wait on exited; detached is
	// set once hThread no longer names h (and h is closed). The event is
	// closed when both say nobody needs it.
	holds    int
	detached bool
	// closed is set once exited is closed; the wrapper then no longer
	// sets it (a Create that reused the struct while the routine still
	// ran, against the precondition, detached it early).
	closed bool
}

// NewExitEvent returns a fresh ExitEvent.
func NewExitEvent() *ExitEvent {
	return &ExitEvent{recs: map[sim.Handle]*exitIncarnation{}}
}

// Create is ClusWorkerCreate.
func (x *ExitEvent) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	ev := t.CreateEvent(false, false)
	rec := &exitIncarnation{exited: ev}
	x.mu.Enter(t)
	defer x.mu.Leave(t)
	if old := w.HThread.Load(t); old != 0 {
		// A routine that ended on its own with nobody waiting for it.
		if prev := x.recs[old]; prev != nil {
			x.detach(t, w, prev)
		}
	}
	w.Terminate.AtomicStore(t, false)
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 {
		code := start(wt, w, param)
		x.mu.Enter(wt)
		if !rec.closed {
			wt.SetEvent(rec.exited)
		}
		x.mu.Leave(wt)
		return code
	})
	if err != sim.ErrorSuccess {
		t.CloseHandle(ev)
		return err
	}
	rec.h, rec.tid = h, t.GetThreadID(h)
	x.recs[h] = rec
	w.HThread.Store(t, h)
	return sim.ErrorSuccess
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (x *ExitEvent) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return gatedCheck(t, w, &x.mu)
}

// hold, called under mu, returns the incarnation whose handle hThread
// stores, with one more hold on its event, or nil when hThread is NULL.
func (x *ExitEvent) hold(t *sim.Thread, w *sim.ClusWorker) *exitIncarnation {
	rec := x.recs[w.HThread.Load(t)]
	if rec != nil {
		rec.holds++
	}
	return rec
}

// release gives back a hold; the last one out after the detach closes the
// event.
func (x *ExitEvent) release(t *sim.Thread, rec *exitIncarnation) {
	x.mu.Enter(t)
	rec.holds--
	x.closeIfDone(t, rec)
	x.mu.Leave(t)
}

func (x *ExitEvent) closeIfDone(t *sim.Thread, rec *exitIncarnation) {
	if rec.detached && rec.holds == 0 && !rec.closed {
		t.CloseHandle(rec.exited)
		rec.closed = true
	}
}

// detach, called under mu once rec's routine has returned, clears hThread
// if it still names rec's thread and closes the thread's handle.
func (x *ExitEvent) detach(t *sim.Thread, w *sim.ClusWorker, rec *exitIncarnation) {
	if rec.detached {
		return
	}
	if w.HThread.Load(t) == rec.h {
		w.HThread.Store(t, 0)
	}
	delete(x.recs, rec.h)
	t.CloseHandle(rec.h)
	rec.detached = true
	x.closeIfDone(t, rec)
}

// await waits up to ms for rec's routine to return; when it has, it passes
// the event on to the next waiter and detaches rec. It reports the wait's
// result.
func (x *ExitEvent) await(t *sim.Thread, w *sim.ClusWorker, rec *exitIncarnation, ms uint32) uint32 {
	res := t.WaitForSingleObject(rec.exited, ms)
	if res == sim.WaitObject0 {
		if !x.noBaton {
			t.SetEvent(rec.exited) // the baton: the next waiter, or a later one
		}
		x.mu.Enter(t)
		x.detach(t, w, rec)
		x.mu.Leave(t)
	}
	return res
}

// Terminate is ClusWorkerTerminate.
func (x *ExitEvent) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	x.mu.Enter(t)
	if w.HThread.Load(t) == 0 || !w.Terminate.CompareAndSwap(t, false, true) {
		x.mu.Leave(t)
		return
	}
	rec := x.hold(t, w)
	x.mu.Leave(t)
	if rec.tid != t.CurrentThreadID() { // P1: never wait for oneself
		x.await(t, w, rec, sim.Infinite)
	}
	x.release(t, rec)
}

// TerminateEx is ClusWorkerTerminateEx.
func (x *ExitEvent) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	x.mu.Enter(t)
	rec := x.hold(t, w)
	if rec == nil {
		x.mu.Leave(t)
		return sim.ErrorSuccess
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	x.mu.Leave(t)
	code := sim.ErrorPossibleDeadlock // P1
	if rec.tid != t.CurrentThreadID() {
		code = exCode(t, x.await(t, w, rec, timeoutMs))
	}
	x.release(t, rec)
	return code
}

// WorkersTerminate is ClusWorkersTerminate.
func (x *ExitEvent) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	ws = distinct(ws)
	recs := make([]*exitIncarnation, len(ws))
	self := false
	x.mu.Enter(t)
	for i, w := range ws {
		if recs[i] = x.hold(t, w); recs[i] == nil {
			continue
		}
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		self = self || recs[i].tid == t.CurrentThreadID()
	}
	x.mu.Leave(t)
	code := sim.ErrorSuccess
	if self {
		code = sim.ErrorPossibleDeadlock // P1
	}
	for i, rec := range recs {
		if rec == nil {
			continue
		}
		if !self {
			switch x.await(t, ws[i], rec, remaining(t, start, timeoutMs)) {
			case sim.WaitObject0:
			case sim.WaitTimeout:
				code = sim.WaitTimeout
			default:
				if code == sim.ErrorSuccess {
					code = t.GetLastError()
				}
			}
		}
		x.release(t, rec)
	}
	return code
}
