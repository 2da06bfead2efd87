package impls

import "github.com/clussim/clussim/sim"

// Literal is the documented logic written the way it historically was:
// plain reads and writes of the two members, no interlocked operation, no
// self-call check, the stored handle waited on and closed by whoever gets
// there:
//
//	if (w->hThread != NULL && !w->Terminate) {
//	    w->Terminate = TRUE;
//	    WaitForSingleObject(w->hThread, INFINITE);
//	    CloseHandle(w->hThread);
//	    w->hThread = NULL;
//	}
//
// It keeps the documented tier in a single-terminator world and breaks the
// rest: two terminators that both pass the check both act as the first
// (D7, and the second one waits: P5), then wait on, and close, the same
// handle (P2: double close, close while waited, wait on a closed handle); a
// worker that terminates itself waits for its own exit forever (P1,
// DEADLOCK); the flag and the handle are plain memory shared between
// threads (RACE); ClusWorkersTerminate raises its flags one by one, so a
// worker can see FALSE after another saw TRUE (P7); and Create over a
// struct whose routine ended on its own, with no terminate call since,
// overwrites and leaks the old handle (P6).
type Literal struct{}

// NewLiteral returns a [Literal].
func NewLiteral() *Literal { return &Literal{} }

// Create is ClusWorkerCreate.
func (*Literal) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	w.Terminate.Store(t, false)
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	w.HThread.Store(t, h)
	return err
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (*Literal) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return w.Terminate.Load(t)
}

// Terminate is ClusWorkerTerminate.
func (*Literal) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.Load(t) != 0 && !w.Terminate.Load(t) {
		w.Terminate.Store(t, true)
		t.WaitForSingleObject(w.HThread.Load(t), sim.Infinite)
		t.CloseHandle(w.HThread.Load(t))
		w.HThread.Store(t, 0)
	}
}

// TerminateEx is ClusWorkerTerminateEx.
func (*Literal) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	if w.HThread.Load(t) == 0 {
		return sim.ErrorSuccess
	}
	if !waitOnly {
		w.Terminate.Store(t, true)
	}
	switch t.WaitForSingleObject(w.HThread.Load(t), timeoutMs) {
	case sim.WaitObject0:
		t.CloseHandle(w.HThread.Load(t))
		w.HThread.Store(t, 0)
		return sim.ErrorSuccess
	case sim.WaitTimeout:
		return sim.WaitTimeout
	}
	return t.GetLastError()
}

// WorkersTerminate is ClusWorkersTerminate.
func (*Literal) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	for _, w := range ws {
		if w == nil {
			return sim.ErrorInvalidParameter
		}
	}
	var hs []sim.Handle
	for _, w := range ws {
		if h := w.HThread.Load(t); h != 0 {
			if !waitOnly {
				w.Terminate.Store(t, true)
			}
			hs = append(hs, h)
		}
	}
	if len(hs) == 0 {
		return sim.ErrorSuccess
	}
	switch t.WaitForMultipleObjects(hs, true, timeoutMs) {
	case sim.WaitObject0:
		for _, w := range ws {
			if h := w.HThread.Load(t); h != 0 {
				t.CloseHandle(h)
				w.HThread.Store(t, 0)
			}
		}
		return sim.ErrorSuccess
	case sim.WaitTimeout:
		return sim.WaitTimeout
	}
	return t.GetLastError()
}
