package impls

import "github.com/clussim/clussim/sim"

// Reference is the implementation the spec points at: correct under the
// documented tier (D1-D10, S1-S2) and the safe tier (P1-P9).
//
// Its design:
//
//   - Both struct members are only ever accessed with interlocked
//     operations, so no access races (RACE), including the worker's
//     CheckTerminate.
//   - The first ClusWorkerTerminate is the one whose interlocked
//     compare-exchange turns Terminate from FALSE to TRUE (D5, D7).
//   - The stored handle is closed exactly once (P2): by the call that
//     observed the thread's exit and won the interlocked exchange of hThread
//     to NULL. Waiters never wait on the stored handle itself when they can
//     help it: each waits on its own DuplicateHandle copy.
//   - A call that reads the stored handle first "pins" it: it raises a
//     counter of threads that may still use a stored handle they do not
//     own. A closer that finds the counter non-zero does not close but
//     "retires" the handle on a list, and the unpin that brings the counter
//     back to zero takes the list and closes it. The counter and the list
//     live in one word, changed only by interlocked compare-exchange, so
//     "the count reached zero" and "take the list" are one step. (With two
//     separate words, a drainer that saw zero could take a handle retired
//     after a new pin; a stress run under PCT found exactly that.) This
//     protects the window between reading hThread and duplicating it, and
//     the fallback when DuplicateHandle fails, in which the call stays
//     pinned and waits on the stored handle itself (P2).
//   - ClusWorkersTerminate raises its flags while holding a small critical
//     section, the signal gate, and CheckTerminate only ever reports FALSE
//     from inside the gate; see [Reference.WorkersTerminate] for why that
//     makes the signal one step (P7).
//
// The zero value is ready to use; a value must serve one simulated run (the
// property harness calls its constructor once per run).
type Reference struct {
	// gate makes a ClusWorkersTerminate signal one step (P7).
	gate sim.CriticalSection
	// handles is the pin count and the retired list, as one word (P2);
	// nil stands for no pins and nothing retired.
	handles sim.Cell[*handleState]
}

// NewReference returns a fresh [Reference].
func NewReference() *Reference {
	r := &Reference{}
	r.handles.SetName("reference.handles")
	return r
}

// handleState is the value of Reference.handles. A state is immutable once
// published; every change installs a new one with an interlocked
// compare-exchange.
type handleState struct {
	// pins counts the threads that may be using a handle read from some
	// struct's hThread without owning it.
	pins int32
	// retired lists handles taken out of hThread whose close waits for
	// pins to reach zero; it is always empty when pins is zero.
	retired *retiredHandle
}

// retiredHandle is one node of a retired list; immutable once published.
type retiredHandle struct {
	h    sim.Handle
	next *retiredHandle
}

// threadRef is what a terminating call holds while it deals with one
// worker's thread.
type threadRef struct {
	// h is the handle the call read from hThread.
	h sim.Handle
	// wait is what the call waits on: its own duplicate of h, or h itself
	// when DuplicateHandle failed (the call then stays pinned).
	wait sim.Handle
	// pinned says the call still holds its pin.
	pinned bool
}

// pin adds one pin.
func (r *Reference) pin(t *sim.Thread) {
	for {
		old := r.handles.AtomicLoad(t)
		next := &handleState{pins: 1}
		if old != nil {
			next.pins, next.retired = old.pins+1, old.retired
		}
		if r.handles.CompareAndSwap(t, old, next) {
			return
		}
	}
}

// unpin drops one pin; the unpin that brings the count to zero takes the
// retired list in the same exchange and closes it (P2, P6).
func (r *Reference) unpin(t *sim.Thread) {
	for {
		old := r.handles.AtomicLoad(t)
		var next *handleState // zero pins, nothing retired
		if old.pins > 1 {
			next = &handleState{pins: old.pins - 1, retired: old.retired}
		}
		if r.handles.CompareAndSwap(t, old, next) {
			if next == nil {
				for n := old.retired; n != nil; n = n.next {
					t.CloseHandle(n.h)
				}
			}
			return
		}
	}
}

// retire closes h, a handle already taken out of hThread, as soon as no
// thread can be using it (P2). A thread that may use h read it from
// hThread, so it pinned before h was taken out and is still counted; when
// the count is zero nobody can, and h is closed at once. Otherwise h goes
// on the list, in the same exchange that saw the count, and the unpin
// that brings the count to zero closes it.
func (r *Reference) retire(t *sim.Thread, h sim.Handle) {
	for {
		old := r.handles.AtomicLoad(t)
		if old == nil {
			t.CloseHandle(h)
			return
		}
		next := &handleState{pins: old.pins, retired: &retiredHandle{h: h, next: old.retired}}
		if r.handles.CompareAndSwap(t, old, next) {
			return
		}
	}
}

// acquire pins and reads w.hThread. It reports false, holding nothing, when
// the struct has no thread.
func (r *Reference) acquire(t *sim.Thread, w *sim.ClusWorker) (threadRef, bool) {
	r.pin(t)
	h := w.HThread.AtomicLoad(t)
	if h == 0 {
		r.unpin(t)
		return threadRef{}, false
	}
	return threadRef{h: h, pinned: true}, true
}

// isSelf reports whether the calling thread is the worker thread ref names
// (P1). ref must be pinned, so that ref.h is still open.
func isSelf(t *sim.Thread, ref threadRef) bool {
	return t.GetThreadID(ref.h) == t.CurrentThreadID()
}

// duplicate gives the call its own handle to wait on, and drops the pin
// when it got one (P2). When DuplicateHandle fails, the call keeps its pin
// and waits on the stored handle, whose close is then deferred.
func (r *Reference) duplicate(t *sim.Thread, ref *threadRef) {
	if d, ok := t.DuplicateHandle(ref.h); ok {
		ref.wait = d
		ref.pinned = false
		r.unpin(t)
		return
	}
	ref.wait = ref.h
}

// release gives back what the call holds: its duplicate, its pin.
func (r *Reference) release(t *sim.Thread, ref *threadRef) {
	if ref.wait != 0 && ref.wait != ref.h {
		t.CloseHandle(ref.wait)
	}
	if ref.pinned {
		ref.pinned = false
		r.unpin(t)
	}
}

// closeObserved is called by a call that saw the thread of ref.h exit: the
// one that wins the interlocked exchange of hThread from ref.h to NULL
// closes the stored handle, so it is closed exactly once (P2). The
// exchange compares with ref.h, so it never clears the handle of a newer
// incarnation that a Create stored meanwhile (S1).
func (r *Reference) closeObserved(t *sim.Thread, w *sim.ClusWorker, ref threadRef) {
	if w.HThread.CompareAndSwap(t, ref.h, 0) {
		r.retire(t, ref.h)
	}
}

// remaining returns how much of a timeout that started at start (virtual
// ms) is left now; INFINITE stays INFINITE (P3, D9).
func remaining(t *sim.Thread, start int64, timeoutMs uint32) uint32 {
	if timeoutMs == sim.Infinite {
		return sim.Infinite
	}
	spent := t.Now() - start
	if spent >= int64(timeoutMs) {
		return 0
	}
	return timeoutMs - uint32(spent)
}

// Create is ClusWorkerCreate.
func (r *Reference) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	// S1: Terminate back to FALSE before the thread exists, so the new
	// routine can never see the previous round's TRUE.
	w.Terminate.AtomicStore(t, false)
	// S1, P6: a struct whose previous routine ended on its own, with no
	// terminate call since, still holds that thread's handle; take it out
	// and close it (retire: a late waiter of the old round may be pinned).
	if old := w.HThread.Swap(t, 0); old != 0 {
		r.retire(t, old)
	}
	// D1: the thread calls start(w, param).
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	if err != sim.ErrorSuccess {
		// P9: no thread, hThread stays NULL, the code goes back.
		return err
	}
	// D1: publish the handle.
	w.HThread.AtomicStore(t, h)
	return sim.ErrorSuccess
}

// CheckTerminate is ClusWorkerCheckTerminate.
func (r *Reference) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return gatedCheck(t, w, &r.gate)
}

// gatedCheck is the CheckTerminate of the designs whose ClusWorkersTerminate
// raises its flags inside the critical section gate.
func gatedCheck(t *sim.Thread, w *sim.ClusWorker, gate *sim.CriticalSection) bool {
	// D3: the answer is the flag, read with an interlocked load (RACE).
	if w.Terminate.AtomicLoad(t) {
		return true
	}
	// P7: FALSE is only ever reported from inside the signal gate, so it
	// cannot fall between two of a ClusWorkersTerminate's flag stores.
	gate.Enter(t)
	v := w.Terminate.AtomicLoad(t)
	gate.Leave(t)
	return v
}

// Terminate is ClusWorkerTerminate.
func (r *Reference) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	ref, ok := r.beginFirst(t, w)
	if !ok {
		return
	}
	// D5: wait for the thread to exit, on a duplicate (P2).
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	// P2: the call that saw the exit closes the stored handle, once.
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// beginFirst is ClusWorkerTerminate up to its wait. When the caller is the
// first Terminate of a live thread other than its own, it returns the
// pinned reference to that thread, with a duplicate to wait on; otherwise
// it has done all the call has to do, and returns false.
func (r *Reference) beginFirst(t *sim.Thread, w *sim.ClusWorker) (threadRef, bool) {
	// S1, S2, P9: a struct with no thread (zeroed, failed Create, already
	// terminated) makes this a no-op.
	if w.HThread.AtomicLoad(t) == 0 {
		return threadRef{}, false
	}
	// D5, D7: the caller whose interlocked exchange turns the flag from
	// FALSE to TRUE is the first, and there is exactly one.
	if !w.Terminate.CompareAndSwap(t, false, true) {
		// D6, P5: any other caller returns at once, never blocking.
		return threadRef{}, false
	}
	ref, ok := r.acquire(t, w)
	if !ok {
		// The thread already ended and a TerminateEx that saw it closed
		// the handle: the exit D5 waits for has happened.
		return threadRef{}, false
	}
	if isSelf(t, ref) {
		// P1: the worker terminating itself has set the flag; waiting for
		// its own exit would never end.
		r.release(t, &ref)
		return threadRef{}, false
	}
	r.duplicate(t, &ref)
	return ref, true
}

// TerminateEx is ClusWorkerTerminateEx.
func (r *Reference) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	// P3: the kernel measures the timeout on the virtual clock; the wait
	// starts no later than the call did, so the call returns no later than
	// its timeout.
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// beginEx is TerminateEx up to its wait. For a live thread other than the
// caller's it signals (unless waitOnly) and returns the pinned reference
// with a duplicate to wait on; otherwise it has done all the call has to
// do and returns false with the call's return code.
func (r *Reference) beginEx(t *sim.Thread, w *sim.ClusWorker, waitOnly bool) (threadRef, uint32, bool) {
	ref, ok := r.acquire(t, w)
	if !ok {
		// P3: no thread (never created, or already terminated): success
		// at once.
		return threadRef{}, sim.ErrorSuccess, false
	}
	if isSelf(t, ref) {
		// P1: a worker on itself signals (unless WaitOnly) and reports the
		// deadlock it would otherwise walk into.
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		r.release(t, &ref)
		return threadRef{}, sim.ErrorPossibleDeadlock, false
	}
	// D8: signal first, then wait; WaitOnly waits without signalling. The
	// flag is raised with an interlocked store (RACE). This never makes the
	// call "first" for a later Terminate (D6).
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	// P4: every TerminateEx waits on its own duplicate for its own timeout.
	r.duplicate(t, &ref)
	return ref, 0, true
}

// finishEx is the tail of TerminateEx: it turns the wait's result into the
// return code, closes the stored handle if the call observed the exit, and
// releases what the call holds.
func (r *Reference) finishEx(t *sim.Thread, w *sim.ClusWorker, ref *threadRef, res uint32) uint32 {
	code := sim.WaitTimeout // D8: the thread did not end in time.
	switch res {
	case sim.WaitObject0:
		// D8: the thread ended; P2: the observer closes the stored handle.
		r.closeObserved(t, w, *ref)
		code = sim.ErrorSuccess
	case sim.WaitFailed:
		code = t.GetLastError()
	}
	r.release(t, ref)
	return code
}

// WorkersTerminate is ClusWorkersTerminate.
//
// P7 asks that the signal of all the call's workers be one step: once one
// worker of the call has seen TRUE, no other may still see FALSE. Raising
// the flags one after the other, all before the first wait, is not enough
// by itself: between the store to w0's flag and the store to w1's, w0 can
// read TRUE and then w1 can read FALSE. The reads are the other half of
// the argument. The stores happen while this call holds the signal gate,
// and CheckTerminate answers FALSE only from a read made while it holds the
// gate (a TRUE read needs no gate). So every FALSE read of one of these
// flags happens before the call takes the gate, or after it leaves, when
// the flag is TRUE (Create, which resets it, is not called on a live
// worker). Every TRUE read this call causes follows its store, inside or
// after the gate. The linearization point "just after the call took the
// gate" therefore puts every FALSE before and every TRUE after: one step.
func (r *Reference) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	// P7: an empty array succeeds; a NULL entry fails before anything is
	// touched.
	if len(ws) == 0 {
		return sim.ErrorSuccess
	}
	if hasNull(ws) {
		return sim.ErrorInvalidParameter
	}
	m := r.acquireAll(t, distinct(ws))
	// D9, P7: signal every worker, in one gated step, before any wait.
	if !waitOnly {
		r.signalAll(t, m)
	}
	if m.self {
		// P1: a worker on itself: flags raised, no wait.
		r.releaseAll(t, m)
		return sim.ErrorPossibleDeadlock
	}
	r.duplicateAll(t, m) // P2
	return r.waitAll(t, m, start, timeoutMs)
}

// multiRef is what a ClusWorkersTerminate call holds: one threadRef per
// distinct struct, and whether that struct had a thread.
type multiRef struct {
	ws   []*sim.ClusWorker
	refs []threadRef
	live []bool
	// self says the caller is one of the workers (P1).
	self bool
}

// exCode maps the result of a thread wait to TerminateEx's return code:
// ERROR_SUCCESS, WAIT_TIMEOUT, or the wait's own error (D8).
func exCode(t *sim.Thread, res uint32) uint32 {
	switch res {
	case sim.WaitObject0:
		return sim.ErrorSuccess
	case sim.WaitTimeout:
		return sim.WaitTimeout
	}
	return t.GetLastError()
}

// hasNull reports whether the array holds a NULL pointer (P7).
func hasNull(ws []*sim.ClusWorker) bool {
	for _, w := range ws {
		if w == nil {
			return true
		}
	}
	return false
}

// acquireAll pins and reads every struct's handle, and finds out whether
// the caller is one of the workers (P1). A nil entry counts as a struct
// with no thread.
func (r *Reference) acquireAll(t *sim.Thread, ws []*sim.ClusWorker) *multiRef {
	m := &multiRef{ws: ws, refs: make([]threadRef, len(ws)), live: make([]bool, len(ws))}
	for i, w := range ws {
		if w == nil {
			continue
		}
		m.refs[i], m.live[i] = r.acquire(t, w)
		m.self = m.self || (m.live[i] && isSelf(t, m.refs[i]))
	}
	return m
}

// signalAll raises the flag of every worker that has a thread, inside the
// signal gate (P7).
func (r *Reference) signalAll(t *sim.Thread, m *multiRef) {
	r.gate.Enter(t)
	for i, w := range m.ws {
		if m.live[i] {
			w.Terminate.AtomicStore(t, true)
		}
	}
	r.gate.Leave(t)
}

// duplicateAll gives the call a duplicate of every live handle (P2).
func (r *Reference) duplicateAll(t *sim.Thread, m *multiRef) {
	for i := range m.refs {
		if m.live[i] {
			r.duplicate(t, &m.refs[i])
		}
	}
}

// releaseAll gives back everything the call holds.
func (r *Reference) releaseAll(t *sim.Thread, m *multiRef) {
	for i := range m.refs {
		if m.live[i] {
			r.release(t, &m.refs[i])
		}
	}
}

// waitAll waits for every live worker under one overall timeout (D9): each
// wait gets what is left of it, so the call returns no later than the
// timeout (P3), and once the time is up the remaining waits only test. It
// closes the stored handle of each thread it saw exit (P2) and releases
// everything.
func (r *Reference) waitAll(t *sim.Thread, m *multiRef, start int64, timeoutMs uint32) uint32 {
	code := sim.ErrorSuccess
	for i, w := range m.ws {
		if !m.live[i] {
			continue // P3: no thread, nothing to wait for.
		}
		switch t.WaitForSingleObject(m.refs[i].wait, remaining(t, start, timeoutMs)) {
		case sim.WaitObject0:
			r.closeObserved(t, w, m.refs[i]) // P2
		case sim.WaitTimeout:
			code = sim.WaitTimeout // D9: at least one did not end in time.
		default:
			if code == sim.ErrorSuccess {
				code = t.GetLastError()
			}
		}
		r.release(t, &m.refs[i])
	}
	return code
}

// distinct returns ws without repeated structs: a worker named twice is
// one worker, and WaitForMultipleObjects would refuse it twice.
func distinct(ws []*sim.ClusWorker) []*sim.ClusWorker {
	out := make([]*sim.ClusWorker, 0, len(ws))
	for _, w := range ws {
		dup := false
		for _, o := range out {
			dup = dup || o == w
		}
		if !dup {
			out = append(out, w)
		}
	}
	return out
}
