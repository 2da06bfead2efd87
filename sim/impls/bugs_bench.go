package impls

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
)

// This file holds the bug benchmark: buggy variants of [Reference] that are
// harder to find than the catalogue's (a fault needed on one path only, a
// boundary off by one, a mistake on one outcome of a wait only), each with
// the rule it breaks. They are not in [All], so the catalogue's kill table
// (and go test) does not run them; "simrun bench" measures how soon each
// strategy finds them.

// Benchmark returns the benchmark's entries, built afresh on every call,
// in a stable order.
func Benchmark() []Entry {
	return []Entry{
		{Name: "bench-ex-timeout-plus-one", Breaks: []model.RuleID{model.P3},
			Summary: "TerminateEx waits one millisecond longer than what is left of its timeout",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchExTimeoutPlusOne{r} })},
		{Name: "bench-ex-leak-on-timeout", Breaks: []model.RuleID{model.P6},
			Summary: "TerminateEx closes its duplicate handle when the thread ended, but not when the wait timed out",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchExLeakOnTimeout{r} })},
		{Name: "bench-ex-unpin-on-dup-failure", Breaks: []model.RuleID{model.P2},
			Summary: "when DuplicateHandle fails, TerminateEx drops its pin and waits on the stored handle, which an observer may then close under it",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchExUnpinOnDupFailure{r} })},
		{Name: "bench-terminate-read-then-pin", Breaks: []model.RuleID{model.P2},
			Summary: "the first Terminate reads hThread before pinning it, so a handle an observer closes in between is checked and duplicated closed",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchTerminateReadThenPin{r} })},
		{Name: "bench-terminate-self-keeps-pin", Breaks: []model.RuleID{model.P6},
			Summary: "a worker's Terminate on itself returns without giving back its pin, so every handle retired later is never closed",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchTerminateSelfKeepsPin{r} })},
		{Name: "bench-ex-self-keeps-pin", Breaks: []model.RuleID{model.P6},
			Summary: "a worker's TerminateEx on itself returns ERROR_POSSIBLE_DEADLOCK without giving back its pin, so handles retired later are never closed",
			New:     bug(func(r *Reference) sim.WorkerAPI { return benchExSelfKeepsPin{r} })},
	}
}

// benchExTimeoutPlusOne rounds its remaining timeout up by one millisecond,
// so a call that times out returns one millisecond after its timeout (P3).
type benchExTimeoutPlusOne struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at benchExTimeoutPlusOne.
func (r benchExTimeoutPlusOne) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	left := remaining(t, start, timeoutMs)
	if left != sim.Infinite {
		left++ // BUG: one millisecond too many.
	}
	res := t.WaitForSingleObject(ref.wait, left)
	return r.finishEx(t, w, &ref, res)
}

// benchExLeakOnTimeout gives back its duplicate handle only on the path
// where the thread ended (P6).
type benchExLeakOnTimeout struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at benchExLeakOnTimeout.
func (r benchExLeakOnTimeout) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	if res != sim.WaitObject0 {
		// BUG: the timed-out path forgets the duplicate; only the pin of
		// a failed duplication is given back.
		if ref.pinned {
			ref.pinned = false
			r.unpin(t)
		}
		return exCode(t, res)
	}
	return r.finishEx(t, w, &ref, res)
}

// benchExUnpinOnDupFailure drops its pin when DuplicateHandle fails and
// waits on the stored handle unprotected: a Terminate or TerminateEx that
// observes the exit meanwhile closes it, and the wait or a later use of it
// touches a closed handle (P2). It needs a fault on that one path and a
// concurrent observer.
type benchExUnpinOnDupFailure struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at benchExUnpinOnDupFailure.
func (r benchExUnpinOnDupFailure) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, code, ok := r.beginEx(t, w, waitOnly)
	if !ok {
		return code
	}
	if ref.pinned {
		// BUG: the pin protected the stored handle this call now waits on.
		ref.pinned = false
		r.unpin(t)
	}
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}

// benchTerminateReadThenPin is bug-ex-read-then-pin's mistake in the first
// Terminate: it reads hThread, then pins, so an observer that took the
// handle out and closed it in between leaves this call with a closed handle
// (P2). It needs the first Terminate preempted between two steps while
// another call observes the exit.
type benchTerminateReadThenPin struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at benchTerminateReadThenPin.
func (r benchTerminateReadThenPin) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.HThread.AtomicLoad(t) == 0 {
		return
	}
	if !w.Terminate.CompareAndSwap(t, false, true) {
		return
	}
	// BUG: read, then pin: the pin does not cover the read.
	h := w.HThread.AtomicLoad(t)
	if h == 0 {
		return
	}
	r.pin(t)
	ref := threadRef{h: h, pinned: true}
	if isSelf(t, ref) {
		r.release(t, &ref)
		return
	}
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// benchTerminateSelfKeepsPin forgets its pin on the one path where the
// caller is the worker itself (P6): the pin count never returns to zero,
// so every handle retired afterwards waits for an unpin that never comes.
type benchTerminateSelfKeepsPin struct{ *Reference }

// Terminate is ClusWorkerTerminate with the mistake described at benchTerminateSelfKeepsPin.
func (r benchTerminateSelfKeepsPin) Terminate(t *sim.Thread, w *sim.ClusWorker) {
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
		return // BUG: the pin is kept.
	}
	r.duplicate(t, &ref)
	t.WaitForSingleObject(ref.wait, sim.Infinite)
	r.closeObserved(t, w, ref)
	r.release(t, &ref)
}

// benchExSelfKeepsPin is benchTerminateSelfKeepsPin's mistake in
// TerminateEx (P6).
type benchExSelfKeepsPin struct{ *Reference }

// TerminateEx is ClusWorkerTerminateEx with the mistake described at benchExSelfKeepsPin.
func (r benchExSelfKeepsPin) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	start := t.Now()
	ref, ok := r.acquire(t, w)
	if !ok {
		return sim.ErrorSuccess
	}
	if isSelf(t, ref) {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
		return sim.ErrorPossibleDeadlock // BUG: the pin is kept.
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	r.duplicate(t, &ref)
	res := t.WaitForSingleObject(ref.wait, remaining(t, start, timeoutMs))
	return r.finishEx(t, w, &ref, res)
}
