package impls

import "github.com/clussim/clussim/sim"

// This file holds the buggy variants of Create and CheckTerminate. Each is
// [Reference] with one method rewritten with one mistake, marked "BUG:".

// bugNoReset trusts the caller to pass a zeroed struct and never resets the
// flag, so a struct reused after a Terminate starts its new routine with
// Terminate still TRUE (S1).
type bugNoReset struct{ *Reference }

// Create is ClusWorkerCreate with the mistake described at bugNoReset.
func (r bugNoReset) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	// BUG: no w.Terminate.AtomicStore(t, false): D1 says the struct comes
	// in zeroed, but on reuse (S1) it holds the last round's TRUE.
	if old := w.HThread.Swap(t, 0); old != 0 {
		r.retire(t, old)
	}
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	if err != sim.ErrorSuccess {
		return err
	}
	w.HThread.AtomicStore(t, h)
	return sim.ErrorSuccess
}

// bugLateReset resets the flag, but only after the thread has been started
// and its handle published, so the new routine may first see the previous
// round's TRUE (S1).
type bugLateReset struct{ *Reference }

// Create is ClusWorkerCreate with the mistake described at bugLateReset.
func (r bugLateReset) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	if old := w.HThread.Swap(t, 0); old != 0 {
		r.retire(t, old)
	}
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	if err != sim.ErrorSuccess {
		return err
	}
	w.HThread.AtomicStore(t, h)
	// BUG: the thread is already running and may have read the stale flag.
	w.Terminate.AtomicStore(t, false)
	return sim.ErrorSuccess
}

// bugReuseRejected reads D1 ("Create takes a zero-initialized struct") as a
// precondition to enforce: it refuses a struct whose flag or handle is set,
// which is every struct the samples reuse after a Terminate (S1).
type bugReuseRejected struct{ *Reference }

// Create is ClusWorkerCreate with the mistake described at bugReuseRejected.
func (r bugReuseRejected) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	// BUG: a terminated struct has Terminate TRUE; S1 says Create must
	// re-initialise it, not refuse it.
	if w.Terminate.AtomicLoad(t) || w.HThread.AtomicLoad(t) != 0 {
		return sim.ErrorInvalidParameter
	}
	return r.Reference.Create(t, w, start, param)
}

// bugCreateIgnoresError starts the thread and returns ERROR_SUCCESS without
// looking at CreateThread's result, so a failed Create claims a routine
// that will never run (P9).
type bugCreateIgnoresError struct{ *Reference }

// Create is ClusWorkerCreate with the mistake described at bugCreateIgnoresError.
func (r bugCreateIgnoresError) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	w.Terminate.AtomicStore(t, false)
	if old := w.HThread.Swap(t, 0); old != 0 {
		r.retire(t, old)
	}
	// BUG: the error code of CreateThread is dropped.
	h, _ := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	w.HThread.AtomicStore(t, h)
	return sim.ErrorSuccess
}

// invalidHandleValue is INVALID_HANDLE_VALUE, (HANDLE)-1: what CreateFile
// returns on failure, and a classic mix-up with CreateThread's NULL.
const invalidHandleValue = ^sim.Handle(0)

// bugCreateInvalidHandle reports a failed CreateThread by storing
// INVALID_HANDLE_VALUE in hThread, the CreateFile convention, instead of
// leaving it NULL; a later terminate call then takes the struct for live
// (P9).
type bugCreateInvalidHandle struct{ *Reference }

// Create is ClusWorkerCreate with the mistake described at
// bugCreateInvalidHandle.
func (r bugCreateInvalidHandle) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	w.Terminate.AtomicStore(t, false)
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	if err != sim.ErrorSuccess {
		// BUG: the CreateFile convention; CreateThread's failure value,
		// and the struct's "no thread" value, is NULL.
		w.HThread.AtomicStore(t, invalidHandleValue)
		return err
	}
	w.HThread.AtomicStore(t, h)
	return sim.ErrorSuccess
}

// bugPlainFlagLoad reads the flag in CheckTerminate with a plain load,
// which races with the terminators' interlocked writes (RACE).
type bugPlainFlagLoad struct{ *Reference }

// CheckTerminate is ClusWorkerCheckTerminate with the mistake described at bugPlainFlagLoad.
func (r bugPlainFlagLoad) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	// BUG: a plain read of a member other threads write.
	if w.Terminate.Load(t) {
		return true
	}
	r.gate.Enter(t)
	v := w.Terminate.AtomicLoad(t)
	r.gate.Leave(t)
	return v
}
