package impls

import "github.com/clussim/clussim/sim"

// lockedHandles is the handle bookkeeping of the lock-based designs
// ([Guarded], [SelfClosing]): every method must be called while holding the
// implementation's lock.
//
// A waiter that does not own the stored handle waits on a duplicate of its
// own. When DuplicateHandle fails (fault injection), it waits on the stored
// handle itself and is counted as a raw waiter; while any raw waiter is
// counted, closes of stored handles are deferred, and the last raw waiter
// out closes them. No handle is therefore closed while a thread waits on it
// (P2), and none is left open once everyone is done (P6).
type lockedHandles struct {
	// raw counts the waiters waiting on a stored handle itself. Its plain
	// accesses are all made under the lock, which the race detector checks.
	raw sim.Cell[int32]
	// deferred holds stored handles whose close waits for raw to reach 0.
	deferred []sim.Handle
}

// heldWait is a waiter's hold on one thread: the stored handle it read and
// what it waits on.
type heldWait struct {
	h, wait sim.Handle
	raw     bool
}

// retire closes h, a stored handle no struct refers to any more, or defers
// the close while raw waiters exist.
func (l *lockedHandles) retire(t *sim.Thread, h sim.Handle) {
	if l.raw.Load(t) > 0 {
		l.deferred = append(l.deferred, h)
		return
	}
	t.CloseHandle(h)
}

// hold gives the calling waiter its own duplicate of h, or counts it as a
// raw waiter of h when DuplicateHandle fails.
func (l *lockedHandles) hold(t *sim.Thread, h sim.Handle) heldWait {
	if d, ok := t.DuplicateHandle(h); ok {
		return heldWait{h: h, wait: d}
	}
	l.raw.Store(t, l.raw.Load(t)+1)
	return heldWait{h: h, wait: h, raw: true}
}

// release gives back a hold: the duplicate is closed; a raw waiter is
// uncounted, and the last one closes the deferred handles.
func (l *lockedHandles) release(t *sim.Thread, hw heldWait) {
	if !hw.raw {
		t.CloseHandle(hw.wait)
		return
	}
	n := l.raw.Load(t) - 1
	l.raw.Store(t, n)
	if n == 0 {
		for _, h := range l.deferred {
			t.CloseHandle(h)
		}
		l.deferred = l.deferred[:0]
	}
}
