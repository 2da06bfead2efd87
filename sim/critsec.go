package sim

import "fmt"

// CriticalSection is a simulated CRITICAL_SECTION. The zero value is ready
// to use. The owner may enter again (recursively) and must leave as often as
// it entered; Leave by a thread that does not own it is recorded as a fault
// and changes nothing.
type CriticalSection struct {
	k       *Kernel
	id      int
	owner   *Thread
	count   int
	waiters int // threads blocked in Enter
	deleted bool
	vc      vclock
}

type csWaiter struct{ cs *CriticalSection }

// Ready implements scheduler.Waiter.
func (w *csWaiter) Ready() bool { return w.cs.owner == nil }

// Describe implements scheduler.Waiter.
func (w *csWaiter) Describe() string {
	if w.cs.owner == nil {
		return fmt.Sprintf("critical section #%d (free: it was just left)", w.cs.id)
	}
	return fmt.Sprintf("critical section #%d, owned by T%d", w.cs.id, w.cs.owner.task.ID())
}

func (cs *CriticalSection) bind(t *Thread) int64 {
	t.check("CriticalSection")
	if cs.k != t.k {
		*cs = CriticalSection{k: t.k, id: t.k.criticalSections}
		t.k.criticalSections++
		t.touch(depAlloc, allocCritSecs, true)
	}
	return int64(cs.id)
}

// Enter blocks until the calling thread owns the critical section.
func (cs *CriticalSection) Enter(t *Thread) {
	t.task.Step(t.k.ops[cEnterCS], cs.bind(t), 0, 0)
	cs.checkLive(t, OpEnterCS)
	cs.block(t)
}

// block takes the critical section, waiting for it as long as it takes.
func (cs *CriticalSection) block(t *Thread) {
	t.touch(depCritSec, cs.id, true)
	for {
		switch cs.owner {
		case nil:
			cs.owner, cs.count = t, 1
			t.k.races.acquire(t, &cs.vc)
			return
		case t:
			cs.count++
			return
		}
		cs.wait(t)
	}
}

// wait blocks t until the critical section is free; the waiter count stays
// right when t is terminated while it waits.
func (cs *CriticalSection) wait(t *Thread) {
	w := csWaiter{cs: cs}
	cs.waiters++
	defer func() { cs.waiters-- }()
	t.lockWait = lockRef{depCritSec, cs.id}
	t.task.Block(&w, -1, t.k.ops[cEnterCS], int64(cs.id), 0)
	t.lockWait = lockRef{}
	t.touch(depCritSec, cs.id, true)
}

// Initialize makes the critical section ready for use
// (InitializeCriticalSection). The zero value is ready too; Initialize is
// needed only to use it again after Delete.
func (cs *CriticalSection) Initialize(t *Thread) {
	t.task.Step(t.k.ops[cInitCS], cs.bind(t), 0, 0)
	t.touch(depCritSec, cs.id, true)
	if cs.owner != nil || cs.waiters > 0 {
		t.k.fault(t, FaultDeleteInUse, 0, fmt.Sprintf("InitializeCriticalSection(#%d) by T%d while it is in use", cs.id, t.task.ID()))
		return
	}
	cs.deleted = false
}

// Delete frees the critical section's resources (DeleteCriticalSection).
// Deleting one that a thread owns or waits for, and using a deleted one
// before Initialize, are recorded as faults (Windows leaves both
// undefined).
func (cs *CriticalSection) Delete(t *Thread) {
	t.task.Step(t.k.ops[cDeleteCS], cs.bind(t), 0, 0)
	t.touch(depCritSec, cs.id, true)
	if cs.owner != nil || cs.waiters > 0 {
		owner := "nobody"
		if cs.owner != nil {
			owner = fmt.Sprintf("T%d", cs.owner.task.ID())
		}
		t.k.fault(t, FaultDeleteInUse, 0, fmt.Sprintf("DeleteCriticalSection(#%d) by T%d while it is owned by %s with %d waiter(s)",
			cs.id, t.task.ID(), owner, cs.waiters))
	}
	cs.deleted = true
}

// checkLive records a fault when the critical section was deleted.
func (cs *CriticalSection) checkLive(t *Thread, op string) {
	if cs.deleted {
		t.k.fault(t, FaultDeleteInUse, 0, fmt.Sprintf("%s(#%d) by T%d after DeleteCriticalSection", op, cs.id, t.task.ID()))
	}
}

// TryEnter takes the critical section if it is free or already the
// caller's, without blocking, and reports whether it did
// (TryEnterCriticalSection).
func (cs *CriticalSection) TryEnter(t *Thread) bool {
	t.task.Step(t.k.ops[cTryEnterCS], cs.bind(t), 0, 0)
	t.touch(depCritSec, cs.id, true)
	cs.checkLive(t, OpTryEnterCS)
	switch cs.owner {
	case nil:
		cs.owner, cs.count = t, 1
		t.k.races.acquire(t, &cs.vc)
	case t:
		cs.count++
	default:
		t.result(0)
		return false
	}
	t.result(1)
	return true
}

// Leave releases one level of ownership.
func (cs *CriticalSection) Leave(t *Thread) {
	t.task.Step(t.k.ops[cLeaveCS], cs.bind(t), 0, 0)
	t.touch(depCritSec, cs.id, true)
	cs.checkLive(t, OpLeaveCS)
	if cs.owner != t {
		owner := "nobody"
		if cs.owner != nil {
			owner = fmt.Sprintf("T%d", cs.owner.task.ID())
		}
		t.k.fault(t, FaultNotOwner, 0, fmt.Sprintf("LeaveCriticalSection(#%d) by T%d, but it is owned by %s", cs.id, t.task.ID(), owner))
		t.lastErr = ErrorNotOwner
		return
	}
	if cs.count--; cs.count == 0 {
		t.k.races.release(t, &cs.vc)
		cs.owner = nil
	}
}
