package scenario_test

import "github.com/clussim/clussim/sim"

// pollMs is how long the fallback wait sleeps between looks when
// DuplicateHandle failed.
const pollMs = 1

// testAPI is a small correct CLUS_WORKER implementation for this package's
// tests, independent of package impls. One critical section guards every
// struct: the first Terminate caller is the one that finds the flag FALSE
// (rule D5/D7); the caller that observes the exit swaps the stored handle
// to NULL and closes it (P2); every waiter waits on its own duplicate, or,
// when DuplicateHandle fails, polls the stored handle with a zero timeout
// under the lock, so nobody ever blocks on a handle another thread may
// close. ClusWorkersTerminate sets every flag inside the lock, and
// CheckTerminate reads the flag inside it, so the signal is one step (P7).
//
// bug, when set, plants one of the bug constants below, so that tests can
// check that the scenarios catch it.
type testAPI struct {
	cs  sim.CriticalSection
	bug string
}

// The bugs a testAPI can plant.
const (
	// bugNoSelfCheck is the historical logic: Terminate from the worker
	// itself waits for its own exit (P1).
	bugNoSelfCheck = "no-self-check"
	// bugWaitOnStored waits on the stored handle instead of a duplicate, so
	// a caller that arrives as another closes it waits on a closed handle
	// (P2).
	bugWaitOnStored = "wait-on-stored"
	// bugLeak never closes the stored handle (P2, P6).
	bugLeak = "leak"
	// bugNoNullCheck dereferences a NULL array entry (P7).
	bugNoNullCheck = "no-null-check"
)

func newTestAPI() sim.WorkerAPI { return &testAPI{} }

func (a *testAPI) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	a.cs.Enter(t)
	defer a.cs.Leave(t)
	w.Terminate.Store(t, false)
	w.HThread.Store(t, 0)
	h, code := t.CreateThread(func(ct *sim.Thread) uint32 { return start(ct, w, param) })
	if code != sim.ErrorSuccess {
		return code
	}
	w.HThread.Store(t, h)
	return sim.ErrorSuccess
}

func (a *testAPI) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	a.cs.Enter(t)
	defer a.cs.Leave(t)
	return w.Terminate.Load(t)
}

// self reports whether h is the calling thread; h must be open (the lock
// is held).
func self(t *sim.Thread, h sim.Handle) bool { return t.GetThreadID(h) == t.CurrentThreadID() }

func (a *testAPI) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	a.cs.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 || w.Terminate.Load(t) {
		a.cs.Leave(t)
		return
	}
	w.Terminate.Store(t, true)
	if a.bug != bugNoSelfCheck && self(t, h) {
		a.cs.Leave(t)
		return
	}
	d, ok := a.duplicate(t, h)
	a.cs.Leave(t)
	a.waitExit(t, w, h, d, ok, -1)
}

func deadline(t *sim.Thread, ms uint32) int64 {
	if ms == sim.Infinite {
		return -1
	}
	return t.Now() + int64(ms)
}

func (a *testAPI) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	dl := deadline(t, timeoutMs)
	a.cs.Enter(t)
	h := w.HThread.Load(t)
	if h == 0 {
		a.cs.Leave(t)
		return sim.ErrorSuccess
	}
	if !waitOnly {
		w.Terminate.Store(t, true)
	}
	if self(t, h) {
		a.cs.Leave(t)
		return sim.ErrorPossibleDeadlock
	}
	d, ok := a.duplicate(t, h)
	a.cs.Leave(t)
	if a.waitExit(t, w, h, d, ok, dl) {
		return sim.ErrorSuccess
	}
	return sim.WaitTimeout
}

func (a *testAPI) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	for _, w := range ws {
		if w == nil && a.bug != bugNoNullCheck {
			return sim.ErrorInvalidParameter
		}
	}
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	dl := deadline(t, timeoutMs)
	hs := make([]sim.Handle, len(ws))
	ds := make([]sim.Handle, len(ws))
	oks := make([]bool, len(ws))
	a.cs.Enter(t)
	for i, w := range ws {
		hs[i] = w.HThread.Load(t) // a NULL w panics under bugNoNullCheck
		if hs[i] != 0 && !waitOnly {
			w.Terminate.Store(t, true)
		}
	}
	for _, h := range hs {
		if h != 0 && self(t, h) {
			a.cs.Leave(t)
			return sim.ErrorPossibleDeadlock
		}
	}
	for i, h := range hs {
		if h != 0 {
			ds[i], oks[i] = a.duplicate(t, h)
		}
	}
	a.cs.Leave(t)
	all := true
	for i, h := range hs {
		if h != 0 && !a.waitExit(t, ws[i], h, ds[i], oks[i], dl) {
			all = false
		}
	}
	if all {
		return sim.ErrorSuccess
	}
	return sim.WaitTimeout
}

// duplicate returns a handle for the caller to wait on and close.
func (a *testAPI) duplicate(t *sim.Thread, h sim.Handle) (sim.Handle, bool) {
	if a.bug == bugWaitOnStored {
		return h, true
	}
	return t.DuplicateHandle(h)
}

// waitExit waits until the thread of stored handle h exits or the virtual
// clock reaches dl (-1: never), on duplicate d when ok, else by polling h
// under the lock. It reports whether the thread exited; the caller that
// sees it exit closes h if nobody did yet.
func (a *testAPI) waitExit(t *sim.Thread, w *sim.ClusWorker, h, d sim.Handle, ok bool, dl int64) bool {
	if ok {
		ms := sim.Infinite
		if dl >= 0 {
			ms = uint32(max(0, dl-t.Now()))
		}
		r := t.WaitForSingleObject(d, ms)
		if d != h {
			t.CloseHandle(d)
		}
		if r != sim.WaitObject0 {
			return false
		}
		a.cs.Enter(t)
		if w.HThread.Load(t) == h {
			w.HThread.Store(t, 0)
			if a.bug != bugLeak {
				t.CloseHandle(h)
			}
		}
		a.cs.Leave(t)
		return true
	}
	for {
		expired := dl >= 0 && t.Now() >= dl
		a.cs.Enter(t)
		if w.HThread.Load(t) != h {
			a.cs.Leave(t)
			return true
		}
		if t.WaitForSingleObject(h, 0) == sim.WaitObject0 {
			w.HThread.Store(t, 0)
			if a.bug != bugLeak {
				t.CloseHandle(h)
			}
			a.cs.Leave(t)
			return true
		}
		a.cs.Leave(t)
		if expired {
			return false
		}
		step := uint32(pollMs)
		if dl >= 0 {
			step = uint32(max(0, min(int64(step), dl-t.Now())))
		}
		t.Sleep(step)
	}
}
