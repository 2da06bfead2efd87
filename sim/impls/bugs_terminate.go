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
	ref, ok := r.beginFirst(t, w)
	if !ok {
		return
	}
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	// BUG: closed, but hThread still names the closed handle.
	r.retire(t, ref.h)
	r.release(t, &ref)
}

// Tuning numbers of the Terminate bugs.
const (
	// giveUpMs is how long bugTerminateGivesUp waits for the thread: a
	// virtual second, far more than any worker of the other named
	// scenarios ignores its flag.
	giveUpMs = 1000
	// graceMs is how long bugTerminateGrace gives a worker that has seen
	// its flag to finish.
	graceMs = 20
	// ackPollMs is how often bugTerminateGrace looks whether the worker
	// has seen its flag.
	ackPollMs = 5
)

// bugTerminateGivesUp waits for the thread with a long but finite
// timeout, as if no worker could ignore its flag for a whole second: the
// first Terminate then returns while the routine still runs (D5). With
// kill it is bug-terminate-kills: when the second is up it ends the thread
// with TerminateThread, as if that were a harmless last resort (P10), so
// the routine never finishes and whatever it held stays held.
type bugTerminateGivesUp struct {
	*Reference
	kill bool
}

// Terminate is ClusWorkerTerminate with the mistake described at bugTerminateGivesUp.
func (r bugTerminateGivesUp) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	ref, ok := r.beginFirst(t, w)
	if !ok {
		return
	}
	// BUG: "a worker that has not stopped within a second never will".
	res := t.WaitForSingleObject(ref.wait, giveUpMs)
	if res == sim.WaitTimeout && r.kill {
		// BUG (bug-terminate-kills): so end it.
		t.TerminateThread(ref.wait, 1)
		res = sim.WaitObject0
	}
	if res == sim.WaitObject0 {
		r.closeObserved(t, w, ref)
	}
	r.release(t, &ref)
}

// bugTerminateGrace waits until the worker has seen its flag, then gives
// it a short grace period to finish, as if a routine returned as soon as
// CheckTerminate said TRUE: when the routine finishes its work first, the
// first Terminate returns while it still runs (D5).
type bugTerminateGrace struct {
	*Reference
	// seen[w] is set by w's CheckTerminate when it returns TRUE.
	seen map[*sim.ClusWorker]*sim.Cell[bool]
}

func newBugTerminateGrace(r *Reference) sim.WorkerAPI {
	return bugTerminateGrace{Reference: r, seen: map[*sim.ClusWorker]*sim.Cell[bool]{}}
}

// seenCell returns w's "has seen TRUE" cell.
func (r bugTerminateGrace) seenCell(w *sim.ClusWorker) *sim.Cell[bool] {
	c, ok := r.seen[w]
	if !ok {
		c = &sim.Cell[bool]{}
		c.SetName(w.Terminate.Name() + ".seen")
		r.seen[w] = c
	}
	return c
}

// Create is ClusWorkerCreate, which also forgets that the struct's
// previous routine saw its flag.
func (r bugTerminateGrace) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	r.seenCell(w).AtomicStore(t, false)
	return r.Reference.Create(t, w, start, param)
}

// CheckTerminate is ClusWorkerCheckTerminate, which also notes that the
// worker has seen TRUE.
func (r bugTerminateGrace) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	v := r.Reference.CheckTerminate(t, w)
	if v {
		r.seenCell(w).AtomicStore(t, true)
	}
	return v
}

// Terminate is ClusWorkerTerminate with the mistake described at bugTerminateGrace.
func (r bugTerminateGrace) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	ref, ok := r.beginFirst(t, w)
	if !ok {
		return
	}
	res := sim.WaitTimeout
	for res == sim.WaitTimeout && !r.seenCell(w).AtomicLoad(t) {
		res = t.WaitForSingleObject(ref.wait, ackPollMs)
	}
	if res == sim.WaitTimeout {
		// BUG: "it has seen the flag, so it is about to return".
		res = t.WaitForSingleObject(ref.wait, graceMs)
	}
	if res == sim.WaitObject0 {
		r.closeObserved(t, w, ref)
	}
	r.release(t, &ref)
}
