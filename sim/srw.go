package sim

import "fmt"

// SRWLock is a simulated slim reader/writer lock (SRWLOCK). The zero value
// is ready to use (SRWLOCK_INIT). It is held either exclusively by one
// thread or shared by any number; it is not recursive (a holder that
// acquires it again waits for itself: a deadlock), it has no owner that
// Windows checks, and which of several waiters gets it when it is released
// is not defined (in sim, whichever the strategy runs first). Releasing it
// in a mode it is not held in is recorded as a fault and changes nothing.
type SRWLock struct {
	k         *Kernel
	id        int
	exclusive *Thread // the exclusive holder, or nil
	shared    int     // how many threads hold it shared
	vc        vclock
}

type srwWaiter struct {
	l         *SRWLock
	exclusive bool
}

// Ready implements scheduler.Waiter.
func (w *srwWaiter) Ready() bool { return w.l.free(w.exclusive) }

// Describe implements scheduler.Waiter.
func (w *srwWaiter) Describe() string {
	mode := "shared"
	if w.exclusive {
		mode = "exclusive"
	}
	switch {
	case w.l.exclusive != nil:
		return fmt.Sprintf("SRW lock #%d (%s), held exclusively by T%d", w.l.id, mode, w.l.exclusive.task.ID())
	case w.l.shared > 0:
		return fmt.Sprintf("SRW lock #%d (%s), held shared by %d thread(s)", w.l.id, mode, w.l.shared)
	}
	return fmt.Sprintf("SRW lock #%d (%s, free: it was just released)", w.l.id, mode)
}

func (l *SRWLock) bind(t *Thread) int64 {
	t.check("SRWLock")
	if l.k != t.k {
		*l = SRWLock{k: t.k, id: t.k.srwLocks}
		t.k.srwLocks++
		t.touch(depAlloc, allocSRWLocks, true)
	}
	return int64(l.id)
}

// free reports whether the lock can be taken in the given mode now.
func (l *SRWLock) free(exclusive bool) bool {
	if exclusive {
		return l.exclusive == nil && l.shared == 0
	}
	return l.exclusive == nil
}

func (l *SRWLock) take(t *Thread, exclusive bool) {
	if exclusive {
		l.exclusive = t
	} else {
		l.shared++
	}
	t.k.races.acquire(t, &l.vc)
}

// acquire blocks until the lock is taken in the given mode.
func (l *SRWLock) acquire(t *Thread, exclusive bool, op opCode) {
	t.task.Step(t.k.ops[op], l.bind(t), 0, 0)
	l.block(t, exclusive, op)
}

// block takes the lock, waiting for it as long as it takes.
func (l *SRWLock) block(t *Thread, exclusive bool, op opCode) {
	w := srwWaiter{l: l, exclusive: exclusive}
	t.touch(depSRW, l.id, true)
	for !l.free(exclusive) {
		t.lockWait = lockRef{depSRW, l.id}
		t.touchBlock()
		t.task.Block(&w, -1, t.k.ops[op], int64(l.id), b2i(exclusive))
		t.lockWait = lockRef{}
		t.touch(depSRW, l.id, true)
	}
	l.take(t, exclusive)
}

// AcquireExclusive takes the lock exclusively, waiting for it
// (AcquireSRWLockExclusive).
func (l *SRWLock) AcquireExclusive(t *Thread) { l.acquire(t, true, cSRWExclusive) }

// AcquireShared takes the lock shared, waiting while it is held
// exclusively (AcquireSRWLockShared).
func (l *SRWLock) AcquireShared(t *Thread) { l.acquire(t, false, cSRWShared) }

// TryAcquireExclusive takes the lock exclusively if it is free, without
// waiting, and reports whether it did (TryAcquireSRWLockExclusive).
func (l *SRWLock) TryAcquireExclusive(t *Thread) bool { return l.try(t, true) }

// TryAcquireShared takes the lock shared unless it is held exclusively,
// without waiting, and reports whether it did (TryAcquireSRWLockShared).
func (l *SRWLock) TryAcquireShared(t *Thread) bool { return l.try(t, false) }

func (l *SRWLock) try(t *Thread, exclusive bool) bool {
	t.task.Step(t.k.ops[cSRWTry], l.bind(t), b2i(exclusive), 0)
	t.touch(depSRW, l.id, true)
	if !l.free(exclusive) {
		t.result(0)
		return false
	}
	l.take(t, exclusive)
	t.result(1)
	return true
}

// ReleaseExclusive releases the lock held exclusively
// (ReleaseSRWLockExclusive).
func (l *SRWLock) ReleaseExclusive(t *Thread) { l.release(t, true) }

// ReleaseShared releases one shared hold (ReleaseSRWLockShared).
func (l *SRWLock) ReleaseShared(t *Thread) { l.release(t, false) }

func (l *SRWLock) release(t *Thread, exclusive bool) {
	t.task.Step(t.k.ops[cSRWRelease], l.bind(t), b2i(exclusive), 0)
	t.touch(depSRW, l.id, true)
	switch {
	case exclusive && l.exclusive != nil:
		l.exclusive = nil
	case !exclusive && l.shared > 0:
		l.shared--
	default:
		mode := "shared"
		if exclusive {
			mode = "exclusively"
		}
		t.k.fault(t, FaultNotOwner, 0, fmt.Sprintf("release of SRW lock #%d by T%d, but it is not held %s", l.id, t.task.ID(), mode))
		return
	}
	t.k.races.release(t, &l.vc)
}
