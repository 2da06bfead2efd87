package impls

import "github.com/clussim/clussim/sim"

// This file holds the buggy variants of ClusWorkersTerminate. Each is
// [Reference] with its WorkersTerminate rewritten with one mistake, marked
// "BUG:".

// bugMultiPerWorkerTimeout gives every worker's wait the whole timeout
// instead of what is left of one overall timeout, so the call can take
// several times as long as it was allowed (D9, P3).
type bugMultiPerWorkerTimeout struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiPerWorkerTimeout.
func (r bugMultiPerWorkerTimeout) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if !waitOnly {
		r.signalAll(t, m)
	}
	if m.self {
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicateAll(t, m)
	code := sim.ErrorSuccess
	for i, w := range m.ws {
		if !m.live[i] {
			continue
		}
		// BUG: timeoutMs for each wait, not what is left of it.
		switch t.WaitForSingleObject(m.refs[i].wait, timeoutMs) {
		case sim.WaitObject0:
			r.closeObserved(t, w, m.refs[i])
		default:
			code = sim.WaitTimeout
		}
		r.release(t, &m.refs[i])
	}
	return code
}

// bugMultiOneAtATime handles the workers in turn, signalling each only
// after the previous one has been waited for: a worker sees TRUE and exits
// while the next still sees FALSE (P7).
type bugMultiOneAtATime struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiOneAtATime.
func (r bugMultiOneAtATime) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if m.self {
		if !waitOnly {
			r.signalAll(t, m)
		}
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	code := sim.ErrorSuccess
	for i, w := range m.ws {
		if !m.live[i] {
			continue
		}
		// BUG: signal one, wait for it, then go on to the next.
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.duplicate(t, &m.refs[i])
		switch t.WaitForSingleObject(m.refs[i].wait, remaining(t, start, timeoutMs)) {
		case sim.WaitObject0:
			r.closeObserved(t, w, m.refs[i])
		default:
			code = sim.WaitTimeout
		}
		r.release(t, &m.refs[i])
	}
	return code
}

// bugMultiSplitSignal raises all the flags before any wait, but one
// interlocked store at a time outside the signal gate: between two stores
// one worker can see TRUE while another still sees FALSE (P7).
type bugMultiSplitSignal struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiSplitSignal.
func (r bugMultiSplitSignal) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if !waitOnly {
		// BUG: "signal all before waiting" without the gate is not one step.
		for i, w := range m.ws {
			if m.live[i] {
				w.Terminate.AtomicStore(t, true)
			}
		}
	}
	if m.self {
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicateAll(t, m)
	return r.waitAll(t, m, start, timeoutMs)
}

// bugMultiNullPartial checks the array for NULL entries only after it has
// signalled the workers, so a call that fails with ERROR_INVALID_PARAMETER
// has already cancelled the others (P7).
type bugMultiNullPartial struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiNullPartial.
func (r bugMultiNullPartial) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	m := r.acquireAll(t, distinct(ws))
	if !waitOnly {
		r.signalAll(t, m)
	}
	// BUG: the NULL check comes after the signal.
	if hasNull(ws) {
		r.releaseAll(t, m)
		return sim.ErrorInvalidParameter
	}
	if m.self {
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicateAll(t, m)
	return r.waitAll(t, m, start, timeoutMs)
}

// bugMultiEmptyError rejects an empty array as an invalid parameter
// instead of succeeding (P7).
type bugMultiEmptyError struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiEmptyError.
func (r bugMultiEmptyError) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	// BUG: "nothing to terminate" is not an error.
	if len(ws) == 0 {
		return sim.ErrorInvalidParameter
	}
	return r.Reference.WorkersTerminate(t, ws, timeoutMs, waitOnly)
}

// bugMultiDoubleClose closes each handle it saw end after a load-compare-
// store of hThread instead of one interlocked exchange, so two overlapping
// ClusWorkersTerminate calls on the same worker both close it (P2).
type bugMultiDoubleClose struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiDoubleClose.
func (r bugMultiDoubleClose) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if !waitOnly {
		r.signalAll(t, m)
	}
	if m.self {
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicateAll(t, m)
	code := sim.ErrorSuccess
	for i, w := range m.ws {
		if !m.live[i] {
			continue
		}
		switch t.WaitForSingleObject(m.refs[i].wait, remaining(t, start, timeoutMs)) {
		case sim.WaitObject0:
			// BUG: read, then clear, then close: two observers both pass the read.
			if w.HThread.AtomicLoad(t) == m.refs[i].h {
				w.HThread.AtomicStore(t, 0)
				r.retire(t, m.refs[i].h)
			}
		case sim.WaitTimeout:
			code = sim.WaitTimeout
		default:
			if code == sim.ErrorSuccess {
				code = t.GetLastError()
			}
		}
		r.release(t, &m.refs[i])
	}
	return code
}

// bugMultiStaticBuffer keeps the handles of a call in one buffer shared by
// every ClusWorkersTerminate call, as a static array in C would: two
// overlapping calls overwrite each other's entries, then wait on, close and
// unpin what the other call holds (P2, P6, or a crash on the corrupted pin
// count).
type bugMultiStaticBuffer struct {
	*Reference
	// buf is the call's working state: one for all calls.
	buf *multiRef
}

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiStaticBuffer.
func (r bugMultiStaticBuffer) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if !waitOnly {
		r.signalAll(t, m)
	}
	if m.self {
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	// BUG: the handles to wait on go into the one shared buffer.
	*r.buf = *m
	r.duplicateAll(t, r.buf)
	return r.waitAll(t, r.buf, start, timeoutMs)
}

// bugMultiSignalInLoop raises each worker's flag in the loop that
// duplicates its handle, so the flags go up one worker at a time with
// other steps in between: a worker can see TRUE while another of the call
// still sees FALSE (P7).
type bugMultiSignalInLoop struct{ *Reference }

// WorkersTerminate is ClusWorkersTerminate with the mistake described at bugMultiSignalInLoop.
func (r bugMultiSignalInLoop) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	if m.self {
		if !waitOnly {
			r.signalAll(t, m)
		}
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	for i, w := range m.ws {
		if !m.live[i] {
			continue
		}
		// BUG: one loop for "signal, then get a handle to wait on".
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.duplicate(t, &m.refs[i])
	}
	return r.waitAll(t, m, start, timeoutMs)
}
