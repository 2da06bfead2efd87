package impls

import "github.com/clussim/clussim/sim"

// bugDoneBeforeCleanup is an event-based design in the family of
// [SelfClosing]: the worker thread owns its handle and cleans up after its
// routine (hThread back to NULL, its handle closed), and the terminate
// functions wait, each on a duplicate of its own, for an event the
// incarnation sets when it is done, instead of on the thread. Everything
// but the order of the wrapper's tail is right. Its mistakes, marked
// "BUG:": the wrapper sets the event before its clean-up, and the clean-up
// clears hThread without checking that it still names its own thread. So
// a terminate call returns ERROR_SUCCESS while hThread still names the old
// thread, and when the owner creates the struct again at once, the late
// clean-up clears the new incarnation's hThread, which no terminate call
// can then reach (P2, and D5 or D8 on the new incarnation).
type bugDoneBeforeCleanup struct {
	// multiOnly makes it [bugMultiStaleCleanup]: only ClusWorkersTerminate
	// waits on the early event, and it clears hThread itself.
	multiOnly bool
	// mu guards hThread, recs and handles; it is also the signal gate of
	// P7, as in SelfClosing.
	mu sim.CriticalSection
	// recs maps a live thread's handle to its incarnation.
	recs map[sim.Handle]*doneIncarnation
	// handles tracks raw waiters on done events and deferred closes.
	handles lockedHandles
}

// doneIncarnation is what one Create shares with its thread's wrapper.
type doneIncarnation struct {
	// h is the thread's handle; done is the event set when it is done;
	// cleaned (multiOnly) is set once its clean-up has run.
	h, done, cleaned sim.Handle
}

// bugMultiStaleCleanup is the design of [bugDoneBeforeCleanup] with the
// order right for ClusWorkerTerminate and ClusWorkerTerminateEx, which wait
// for an event the wrapper sets after its clean-up. ClusWorkersTerminate
// alone waits for the early "done" event, and to keep its promise that
// hThread is NULL when it returns ERROR_SUCCESS it clears hThread itself.
// The wrapper's late clean-up still clears hThread unchecked, so when the
// owner creates the struct again the moment a ClusWorkersTerminate
// returned, the stale clean-up can clear the new incarnation's hThread: the
// next Terminate finds no thread and returns while the routine runs (D5),
// and nothing ever ends that routine.
type bugMultiStaleCleanup = bugDoneBeforeCleanup

func newBugMultiStaleCleanup() sim.WorkerAPI {
	b := newBugDoneBeforeCleanup().(*bugDoneBeforeCleanup)
	b.multiOnly = true
	return b
}

func newBugDoneBeforeCleanup() sim.WorkerAPI {
	b := &bugDoneBeforeCleanup{recs: map[sim.Handle]*doneIncarnation{}}
	b.handles.raw.SetName("done-before-cleanup.raw")
	return b
}

// exit is the wrapper's tail, run on the worker thread once the routine
// returned.
func (b *bugDoneBeforeCleanup) exit(t *sim.Thread, w *sim.ClusWorker, rec *doneIncarnation) {
	// BUG: waiters are told "done" before the clean-up has run.
	t.SetEvent(rec.done)
	b.mu.Enter(t)
	// BUG: no check that hThread still names this thread.
	w.HThread.Store(t, 0)
	delete(b.recs, rec.h)
	t.CloseHandle(rec.h)
	b.handles.retire(t, rec.done)
	if rec.cleaned != 0 {
		t.SetEvent(rec.cleaned)
		b.handles.retire(t, rec.cleaned)
	}
	b.mu.Leave(t)
}

// Create is ClusWorkerCreate.
func (b *bugDoneBeforeCleanup) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	rec := &doneIncarnation{done: t.CreateEvent(true, false)}
	if b.multiOnly {
		rec.cleaned = t.CreateEvent(true, false)
	}
	b.mu.Enter(t)
	w.Terminate.AtomicStore(t, false)
	w.HThread.Store(t, 0)
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 {
		code := start(wt, w, param)
		b.exit(wt, w, rec)
		return code
	})
	if err != sim.ErrorSuccess {
		b.mu.Leave(t)
		t.CloseHandle(rec.done)
		if rec.cleaned != 0 {
			t.CloseHandle(rec.cleaned)
		}
		return err
	}
	rec.h = h
	b.recs[h] = rec
	w.HThread.Store(t, h)
	b.mu.Leave(t)
	return sim.ErrorSuccess
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (b *bugDoneBeforeCleanup) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return gatedCheck(t, w, &b.mu)
}

// hold, called under mu, gives the caller its own hold on the done event of
// the thread whose handle is h (with multiOnly, the cleaned event unless
// the caller is ClusWorkersTerminate); false when the caller is that
// thread.
func (b *bugDoneBeforeCleanup) hold(t *sim.Thread, h sim.Handle, multi bool) (heldWait, bool) {
	if t.GetThreadID(h) == t.CurrentThreadID() {
		return heldWait{}, false
	}
	ev := b.recs[h].done
	if b.multiOnly && !multi {
		ev = b.recs[h].cleaned
	}
	hw := b.handles.hold(t, ev)
	hw.h = h
	return hw, true
}

// release gives back a hold.
func (b *bugDoneBeforeCleanup) release(t *sim.Thread, hw heldWait) {
	b.mu.Enter(t)
	b.handles.release(t, hw)
	b.mu.Leave(t)
}

// Terminate is ClusWorkerTerminate.
func (b *bugDoneBeforeCleanup) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	b.mu.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 || !w.Terminate.CompareAndSwap(t, false, true) {
		b.mu.Leave(t)
		return
	}
	hw, ok := b.hold(t, h, false)
	b.mu.Leave(t)
	if !ok {
		return // P1
	}
	t.WaitForSingleObject(hw.wait, sim.Infinite)
	b.release(t, hw)
}

// TerminateEx is ClusWorkerTerminateEx.
func (b *bugDoneBeforeCleanup) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	b.mu.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 {
		b.mu.Leave(t)
		return sim.ErrorSuccess
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	hw, ok := b.hold(t, h, false)
	b.mu.Leave(t)
	if !ok {
		return sim.ErrorPossibleDeadlock // P1
	}
	res := t.WaitForSingleObject(hw.wait, remaining(t, start, timeoutMs))
	b.release(t, hw)
	return exCode(t, res)
}

// WorkersTerminate is ClusWorkersTerminate.
func (b *bugDoneBeforeCleanup) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	ws = distinct(ws)
	var holds []heldWait
	var held []*sim.ClusWorker // held[i] is the struct of holds[i]
	self := false
	b.mu.Enter(t)
	for _, w := range ws {
		if !waitOnly && w.HThread.Load(t) != 0 {
			w.Terminate.AtomicStore(t, true)
		}
	}
	for _, w := range ws {
		if h := w.HThread.Load(t); h != 0 {
			hw, ok := b.hold(t, h, true)
			if !ok {
				self = true
				continue
			}
			holds, held = append(holds, hw), append(held, w)
		}
	}
	b.mu.Leave(t)
	if self {
		for _, hw := range holds {
			b.release(t, hw)
		}
		return sim.ErrorPossibleDeadlock // P1
	}
	code := sim.ErrorSuccess
	for i, hw := range holds {
		switch t.WaitForSingleObject(hw.wait, remaining(t, start, timeoutMs)) {
		case sim.WaitObject0:
			if b.multiOnly {
				// The thread is done: hThread goes back to NULL now, not
				// when the late clean-up gets to it.
				b.mu.Enter(t)
				if held[i].HThread.Load(t) == hw.h {
					held[i].HThread.Store(t, 0)
				}
				b.mu.Leave(t)
			}
		case sim.WaitTimeout:
			code = sim.WaitTimeout
		default:
			if code == sim.ErrorSuccess {
				code = t.GetLastError()
			}
		}
	}
	for _, hw := range holds {
		b.release(t, hw)
	}
	return code
}
