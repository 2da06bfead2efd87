package impls

import "github.com/clussim/clussim/sim"

// This file holds the buggy variants of ClusWorkerTerminateEx. Each is
// [Reference] with its TerminateEx rewritten with one mistake, marked
// "BUG:".

// bugPlainFlagStore raises the flag with a plain store, which races with
// the worker's interlocked reads (RACE).
type bugPlainFlagStore struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugPlainFlagStore.
func (r bugPlainFlagStore) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	if !waitOnly {
		// BUG: "it's only a BOOL": a plain write of shared memory.
		w.Terminate.Store(t, true)
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExDoubleClose closes the stored handle with a check-then-act on
// hThread instead of one interlocked exchange, so two TerminateEx calls
// that both see the exit both close it (P2).
type bugExDoubleClose struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExDoubleClose.
func (r bugExDoubleClose) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	if res != sim.WaitObject0 {
		r.release(t, &ref)
		return sim.WaitTimeout
	}
	// BUG: read, then clear, then close: two observers both pass the read.
	if w.HThread.AtomicLoad(t) == ref.h {
		w.HThread.AtomicStore(t, 0)
		r.retire(t, ref.h)
	}
	r.release(t, &ref)
	return sim.ErrorSuccess
}

// bugExRawWait waits on the stored handle itself instead of a duplicate,
// so the call that observes the exit closes a handle other TerminateEx
// calls are still waiting on, or are about to wait on (P2).
type bugExRawWait struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExRawWait.
func (r bugExRawWait) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	// BUG: no duplicate; the pin is dropped and the stored handle waited on.
	ref.wait = ref.h
	ref.pinned = false
	r.unpin(t)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExSelfWaits has no self-call check: a worker calling TerminateEx on
// itself waits for its own exit until the timeout (forever with INFINITE)
// instead of returning ERROR_POSSIBLE_DEADLOCK (P1).
type bugExSelfWaits struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExSelfWaits.
func (r bugExSelfWaits) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	// BUG: no isSelf check.
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExNoTimeout waits for the thread without a limit, whatever the
// timeout says (P3).
type bugExNoTimeout struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExNoTimeout.
func (r bugExNoTimeout) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	// BUG: the timeout is ignored.
	res := t.WaitForSingleObject(ref.wait, sim.Infinite)
	return r.finishEx(t, w, &ref, res)
}

// bugExSuccessOnTimeout reports ERROR_SUCCESS whatever the wait returned,
// so a timed-out call claims the thread has ended (D8).
type bugExSuccessOnTimeout struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExSuccessOnTimeout.
func (r bugExSuccessOnTimeout) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	r.finishEx(t, w, &ref, res)
	// BUG: WAIT_TIMEOUT is not passed on.
	return sim.ErrorSuccess
}

// bugExWaitOnlySignals raises the flag even when WaitOnly is TRUE, so a
// plain join cancels the worker (D8).
type bugExWaitOnlySignals struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExWaitOnlySignals.
func (r bugExWaitOnlySignals) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	// BUG: WaitOnly is not consulted before signalling.
	w.Terminate.AtomicStore(t, true)
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExSignalLate follows the 2018 pages: it waits out the timeout first
// and raises the flag only at its end, when the thread has not exited (D8).
type bugExSignalLate struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExSignalLate.
func (r bugExSignalLate) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	// BUG: the signal comes at the end of the timeout, not before the wait.
	if res == sim.WaitTimeout && !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	return r.finishEx(t, w, &ref, res)
}

// bugExNullError treats a struct with no thread as an invalid argument
// instead of a thread that has already ended (P3).
type bugExNullError struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExNullError.
func (r bugExNullError) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		// BUG: P3 wants ERROR_SUCCESS here.
		return sim.ErrorInvalidHandle
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExSecondNoWait copies Terminate's first-caller logic into TerminateEx:
// a caller with a finite timeout that finds the flag already raised assumes
// the first caller is waiting, tests the thread once and returns
// WAIT_TIMEOUT at once if it is still running (P4; and P3, since that
// WAIT_TIMEOUT comes before the timeout has elapsed).
type bugExSecondNoWait struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExSecondNoWait.
func (r bugExSecondNoWait) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	timeout := remaining(t, start, timeoutMs)
	if !waitOnly && !w.Terminate.CompareAndSwap(t, false, true) && timeoutMs != sim.Infinite {
		// BUG: someone else signalled, so "they" wait; we only poll.
		timeout = 0
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, timeout)
	return r.finishEx(t, w, &ref, res)
}

// bugExLeakDuplicate forgets to close the duplicate it waited on; every
// TerminateEx leaks a handle (P6).
type bugExLeakDuplicate struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExLeakDuplicate.
func (r bugExLeakDuplicate) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	code = sim.WaitTimeout
	if res == sim.WaitObject0 {
		r.closeObserved(t, w, ref)
		code = sim.ErrorSuccess
	}
	// BUG: only the pin is given back; the duplicate stays open.
	if ref.pinned {
		r.unpin(t)
	}
	return code
}

// bugExSelfNoSignal returns ERROR_POSSIBLE_DEADLOCK to a worker that calls
// TerminateEx on itself without raising its flag, so a routine that asks
// itself to stop and then polls never sees TRUE (P1).
type bugExSelfNoSignal struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExSelfNoSignal.
func (r bugExSelfNoSignal) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		// BUG: the self-call check comes before the signal.
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	r.release(t, &ref)
	return r.Reference.TerminateEx(t, w, timeoutMs, waitOnly)
}

// bugExReadThenPin reads hThread before it pins it, so a call that arrives
// just as another caller sees the thread end can duplicate (or wait on) a
// handle that caller has closed in between (P2).
type bugExReadThenPin struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExReadThenPin.
func (r bugExReadThenPin) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	// BUG: read, then pin: the pin does not cover the read.
	h := w.HThread.AtomicLoad(t)
	if h == 0 {
		return sim.ErrorSuccess
	}
	r.pin(t)
	ref := threadRef{h: h, pinned: true}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return sim.ErrorPossibleDeadlock
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// bugExZeroNoTest treats a zero timeout as "do not wait": it signals and
// returns WAIT_TIMEOUT without testing the thread, even when the thread
// has already ended (D8).
type bugExZeroNoTest struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at bugExZeroNoTest.
func (r bugExZeroNoTest) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	if timeoutMs == 0 {
		ref, ok := r.acquire(t, w)
		if !ok {
			return sim.ErrorSuccess
		}
		self := isSelf(t, ref)
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		if self {
			return sim.ErrorPossibleDeadlock
		}
		// BUG: no wait at all, not even a test of the thread.
		return sim.WaitTimeout
	}
	return r.Reference.TerminateEx(t, w, timeoutMs, waitOnly)
}
