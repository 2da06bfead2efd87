package impls

import "github.com/clussim/clussim/sim"

// This file holds the buggy variants of ClusWorkerTerminate. Each is
// [Reference] with its Terminate rewritten with one mistake, marked "BUG:".

// bugEarlyReturn raises the flag and returns, trusting the routine to
// notice it: the first Terminate returns before the thread has exited (D5).
// The handle is left for a later TerminateEx to close.
type bugEarlyReturn struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at bugEarlyReturn.
func (r bugEarlyReturn) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	// BUG: the first caller does not wait for the exit.
	w.Terminate.CompareAndSwap(t, false, true)
}

// bugNonFirstWaits treats every caller like the first: a Terminate that
// finds the flag already TRUE still waits for the thread (D6, P5).
type bugNonFirstWaits struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at bugNonFirstWaits.
func (r bugNonFirstWaits) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	// BUG: the outcome of the exchange is ignored; everyone goes on to wait.
	w.Terminate.CompareAndSwap(t, false, true)
	ref, ok := r.acquire(t, w)
	if !ok {
		return
	}
	if isSelf(t, ref) {
		r.release(t, &ref)
		return
	}
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// bugCheckThenSet elects the first caller with a read of the flag followed
// by a separate write, so two callers can both find FALSE and both act as
// first (D7).
type bugCheckThenSet struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at bugCheckThenSet.
func (r bugCheckThenSet) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	// BUG: check-then-act; interlocked, but not one operation.
	if w.Terminate.AtomicLoad(t) {
		return
	}
	w.Terminate.AtomicStore(t, true)
	ref, ok := r.acquire(t, w)
	if !ok {
		return
	}
	if isSelf(t, ref) {
		r.release(t, &ref)
		return
	}
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// bugSelfDeadlock has no self-call check: a worker that terminates itself
// waits for its own exit forever (P1).
type bugSelfDeadlock struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at bugSelfDeadlock.
func (r bugSelfDeadlock) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	if !w.Terminate.CompareAndSwap(t, false, true) {
		return
	}
	ref, ok := r.acquire(t, w)
	if !ok {
		return
	}
	// BUG: no isSelf check before the wait.
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// bugHandleNotCleared closes the stored handle after the exit but forgets
// to set hThread to NULL, so a later call uses, and closes, a closed handle
// (P2).
type bugHandleNotCleared struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at bugHandleNotCleared.
func (r bugHandleNotCleared) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	if !w.Terminate.CompareAndSwap(t, false, true) {
		return
	}
	ref, ok := r.acquire(t, w)
	if !ok {
		return
	}
	if isSelf(t, ref) {
		r.release(t, &ref)
		return
	}
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	// BUG: closed, but hThread still names the closed handle.
	r.retire(t, ref.h)
	r.release(t, &ref)
}
