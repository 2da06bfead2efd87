package impls

import "github.com/clussim/clussim/sim"

// SelfClosing is a correct implementation in which the worker thread owns
// its handle: a wrapper around the start routine clears hThread and closes
// the handle itself when the routine returns. The terminate functions never
// close the stored handle; they only wait, each on a duplicate of its own,
// and close that duplicate.
//
// A critical section owned by the implementation value orders the hand-over:
// Create publishes the handle while holding it (the wrapper's close cannot
// run before the handle is stored), the wrapper clears hThread while holding
// it, and terminators read hThread and duplicate it while holding it, so no
// terminator ever touches a closed handle (P2). The flag is accessed with
// interlocked operations; ClusWorkersTerminate raises its flags while
// holding the lock and CheckTerminate answers FALSE only from a read made
// while holding it, which makes the signal one step (P7; the argument is
// the one given at [Reference.WorkersTerminate]).
//
// Because hThread is NULL once the routine has returned, a terminate call
// that finds NULL knows the thread has ended (S2, P3).
//
// The zero value is ready to use; a value must serve one simulated run.
type SelfClosing struct {
	// mu guards hThread of every struct, the incarnation records and
	// handles; it is also the signal gate of P7.
	mu sim.CriticalSection
	// handles tracks raw waiters and deferred closes (P2).
	handles lockedHandles
}

// NewSelfClosing returns a fresh [SelfClosing].
func NewSelfClosing() *SelfClosing {
	s := &SelfClosing{}
	s.handles.raw.SetName("self-closing.raw")
	return s
}

// incarnation is what one Create shares with the wrapper of the thread it
// starts: the thread's own handle. Accessed under mu.
type incarnation struct {
	h sim.Cell[sim.Handle]
}

// exit is the wrapper's tail, run on the worker thread after the routine
// returned: hThread goes back to NULL (if it still names this thread) and
// the thread's handle is closed, once (P2).
func (s *SelfClosing) exit(t *sim.Thread, w *sim.ClusWorker, rec *incarnation) {
	s.mu.Enter(t)
	h := rec.h.Load(t)
	if w.HThread.Load(t) == h {
		w.HThread.Store(t, 0)
	}
	s.handles.retire(t, h)
	s.mu.Leave(t)
}

// Create is ClusWorkerCreate.
func (s *SelfClosing) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	rec := &incarnation{}
	s.mu.Enter(t)
	// S1: the flag is FALSE before the thread exists.
	w.Terminate.AtomicStore(t, false)
	// P9: hThread is NULL unless this call stores a new thread's handle.
	// (A previous thread's wrapper closes its own handle.)
	w.HThread.Store(t, 0)
	// D1: the wrapper runs start(w, param), then closes the handle.
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 {
		code := start(wt, w, param)
		s.exit(wt, w, rec)
		return code
	})
	if err == sim.ErrorSuccess {
		// D1: published while holding mu, so the wrapper's exit, which
		// needs mu, finds it.
		rec.h.Store(t, h)
		w.HThread.Store(t, h)
	}
	s.mu.Leave(t)
	return err // P9
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (s *SelfClosing) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return gatedCheck(t, w, &s.mu)
}

// Terminate is ClusWorkerTerminate.
func (s *SelfClosing) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	s.mu.Enter(t)
	h := w.HThread.Load(t)
	// S1, S2, P9: no thread, or its routine has already returned: no-op.
	// D5, D7: otherwise the one interlocked FALSE->TRUE exchange is first;
	// D6, P5: everyone else returns at once.
	if h == 0 || !w.Terminate.CompareAndSwap(t, false, true) {
		s.mu.Leave(t)
		return
	}
	if t.GetThreadID(h) == t.CurrentThreadID() {
		s.mu.Leave(t)
		return // P1
	}
	hw := s.handles.hold(t, h) // P2: a duplicate of our own.
	s.mu.Leave(t)
	t.WaitForSingleObject(hw.wait, sim.Infinite) // D5
	s.mu.Enter(t)
	s.handles.release(t, hw)
	s.mu.Leave(t)
}

// TerminateEx is ClusWorkerTerminateEx.
func (s *SelfClosing) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	s.mu.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 {
		s.mu.Leave(t)
		return sim.ErrorSuccess // P3: no thread, or it has ended.
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true) // D8: signal before the wait.
	}
	if t.GetThreadID(h) == t.CurrentThreadID() {
		s.mu.Leave(t)
		return sim.ErrorPossibleDeadlock // P1
	}
	hw := s.handles.hold(t, h) // P2, P4
	s.mu.Leave(t)
	res := t.WaitForSingleObject(hw.wait, remaining(t, start, timeoutMs)) // D8, P3
	s.mu.Enter(t)
	s.handles.release(t, hw)
	s.mu.Leave(t)
	return exCode(t, res)
}

// WorkersTerminate is ClusWorkersTerminate.
func (s *SelfClosing) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess // P7
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter // P7: nothing touched.
	}
	ws = distinct(ws)
	var holds []heldWait
	s.mu.Enter(t)
	self := false
	var live []sim.Handle
	for _, w := range ws {
		h := w.HThread.Load(t)
		if h == 0 {
			continue // P3: ended or never started.
		}
		// D9, P7: all flags raised while holding mu.
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		self = self || t.GetThreadID(h) == t.CurrentThreadID()
		live = append(live, h)
	}
	if self {
		s.mu.Leave(t)
		return sim.ErrorPossibleDeadlock // P1
	}
	for _, h := range live {
		holds = append(holds, s.handles.hold(t, h)) // P2
	}
	s.mu.Leave(t)
	// D9: one overall deadline, each wait gets what is left (P3).
	code := sim.ErrorSuccess
	for _, hw := range holds {
		switch t.WaitForSingleObject(hw.wait, remaining(t, start, timeoutMs)) {
		case sim.WaitObject0:
		case sim.WaitTimeout:
			code = sim.WaitTimeout
		default:
			if code == sim.ErrorSuccess {
				code = t.GetLastError()
			}
		}
	}
	s.mu.Enter(t)
	for _, hw := range holds {
		s.handles.release(t, hw)
	}
	s.mu.Leave(t)
	return code
}
