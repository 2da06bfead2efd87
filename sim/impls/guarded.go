package impls

import "github.com/clussim/clussim/sim"

// Guarded is a correct implementation built around one critical section
// that the implementation value owns: every access to a struct member, by
// every function including CheckTerminate, is a plain load or store made
// while holding it. The lock orders all of them, so nothing races (RACE)
// and every check-then-act on the members is atomic:
//
//   - the first Terminate is the one that finds the flag FALSE under the
//     lock and sets it (D5, D7);
//   - ClusWorkersTerminate raises all its flags in one critical section,
//     and CheckTerminate reads under the same lock, so the signal is
//     literally one step (P7);
//   - waiters duplicate the stored handle under the lock, and the call that
//     observes the exit clears hThread and closes the handle under the lock
//     (P2). When DuplicateHandle fails the waiter waits on the stored handle
//     itself and is counted as a raw waiter; closes are deferred while any
//     raw waiter is counted, and the last one out closes them.
//
// It waits for several workers with WaitForMultipleObjects, in chunks of
// at most MAXIMUM_WAIT_OBJECTS, under one overall deadline (D9).
//
// The zero value is ready to use; a value must serve one simulated run.
type Guarded struct {
	// mu guards every member of every struct, and handles.
	mu sim.CriticalSection
	// handles tracks raw waiters and deferred closes (P2).
	handles lockedHandles
}

// NewGuarded returns a fresh [Guarded].
func NewGuarded() *Guarded {
	g := &Guarded{}
	g.handles.raw.SetName("guarded.raw")
	return g
}

// finishLocked ends a wait on w's thread: if the thread exited, the waiter
// that finds its handle still in hThread clears it and closes it (P2); then
// the waiter gives back what it held. The caller holds mu.
func (g *Guarded) finishLocked(t *sim.Thread, w *sim.ClusWorker, hw heldWait, exited bool) {
	if exited && w.HThread.Load(t) == hw.h {
		w.HThread.Store(t, 0)
		g.handles.retire(t, hw.h)
	}
	g.handles.release(t, hw)
}

// Create is ClusWorkerCreate.
func (g *Guarded) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	g.mu.Enter(t)
	// S1: the flag is FALSE before the thread exists (and the new thread
	// reads it only under mu, after we leave).
	w.Terminate.Store(t, false)
	// S1, P6: close the handle of a previous routine that ended on its
	// own with no terminate call since.
	if old := w.HThread.Load(t); old != 0 {
		w.HThread.Store(t, 0)
		g.handles.retire(t, old)
	}
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) }) // D1
	if err == sim.ErrorSuccess {
		w.HThread.Store(t, h) // D1
	}
	// P9: on failure hThread stays NULL and the code goes back.
	g.mu.Leave(t)
	return err
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (g *Guarded) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	g.mu.Enter(t)
	v := w.Terminate.Load(t) // D3; P7: under the lock the signal is one step.
	g.mu.Leave(t)
	return v
}

// Terminate is ClusWorkerTerminate.
func (g *Guarded) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	g.mu.Enter(t)
	h := w.HThread.Load(t)
	// S1, S2, P9: no thread: no-op. D6, P5: flag already TRUE: not first,
	// return at once.
	if h == 0 || w.Terminate.Load(t) {
		g.mu.Leave(t)
		return
	}
	// D5, D7: the one caller that finds FALSE under the lock is first.
	w.Terminate.Store(t, true)
	if t.GetThreadID(h) == t.CurrentThreadID() {
		// P1: a worker terminating itself does not wait for itself.
		g.mu.Leave(t)
		return
	}
	hw := g.handles.hold(t, h) // P2
	g.mu.Leave(t)
	t.WaitForSingleObject(hw.wait, sim.Infinite) // D5
	g.mu.Enter(t)
	g.finishLocked(t, w, hw, true) // P2
	g.mu.Leave(t)
}

// TerminateEx is ClusWorkerTerminateEx.
func (g *Guarded) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	g.mu.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 {
		g.mu.Leave(t)
		return sim.ErrorSuccess // P3
	}
	if !waitOnly {
		w.Terminate.Store(t, true) // D8: signal before the wait.
	}
	if t.GetThreadID(h) == t.CurrentThreadID() {
		g.mu.Leave(t)
		return sim.ErrorPossibleDeadlock // P1
	}
	hw := g.handles.hold(t, h) // P2, P4: a wait of its own.
	g.mu.Leave(t)
	res := t.WaitForSingleObject(hw.wait, remaining(t, start, timeoutMs)) // D8, P3
	g.mu.Enter(t)
	g.finishLocked(t, w, hw, res == sim.WaitObject0)
	g.mu.Leave(t)
	return exCode(t, res)
}

// WorkersTerminate is ClusWorkersTerminate.
func (g *Guarded) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess // P7
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter // P7: nothing touched.
	}
	ws = distinct(ws)
	var targets []*sim.ClusWorker
	var holds []heldWait
	g.mu.Enter(t)
	self := false
	for _, w := range ws {
		h := w.HThread.Load(t)
		if h == 0 {
			continue // P3: no thread, nothing to wait for.
		}
		// D9, P7: every flag raised inside this one critical section.
		if !waitOnly {
			w.Terminate.Store(t, true)
		}
		self = self || t.GetThreadID(h) == t.CurrentThreadID()
		targets = append(targets, w)
	}
	if self {
		g.mu.Leave(t)
		return sim.ErrorPossibleDeadlock // P1
	}
	for _, w := range targets {
		holds = append(holds, g.handles.hold(t, w.HThread.Load(t))) // P2
	}
	g.mu.Leave(t)
	// D9: all of them, under one deadline (P3), in chunks the kernel
	// accepts.
	code := sim.ErrorSuccess
	exited := make([]bool, len(holds))
	for lo := 0; lo < len(holds); lo += sim.MaximumWaitObjects {
		hi := min(lo+sim.MaximumWaitObjects, len(holds))
		hs := make([]sim.Handle, 0, hi-lo)
		for _, hw := range holds[lo:hi] {
			hs = append(hs, hw.wait)
		}
		res := t.WaitForMultipleObjects(hs, true, remaining(t, start, timeoutMs))
		switch res {
		case sim.WaitObject0:
			for i := lo; i < hi; i++ {
				exited[i] = true
			}
		case sim.WaitTimeout:
			code = sim.WaitTimeout
		default:
			if code == sim.ErrorSuccess {
				code = t.GetLastError()
			}
		}
	}
	g.mu.Enter(t)
	for i, hw := range holds {
		g.finishLocked(t, targets[i], hw, exited[i]) // P2
	}
	g.mu.Leave(t)
	return code
}
