package sim

import "fmt"

// ConditionVariable is a simulated CONDITION_VARIABLE. The zero value is
// ready to use (CONDITION_VARIABLE_INIT). A sleep releases its lock, waits
// for a wake or its timeout, and takes the lock again before it returns.
// Windows lets a sleep return with no wake at all (a spurious wake-up);
// sim makes that a decision of the strategy at every sleep, so a caller
// that does not re-check its condition in a loop is caught.
type ConditionVariable struct {
	k        *Kernel
	id       int
	sleepers []*cvSleeper
	vc       vclock
}

// cvSleeper is one thread asleep on a condition variable.
type cvSleeper struct {
	cv    *ConditionVariable
	t     *Thread
	woken bool
}

// Ready implements scheduler.Waiter.
func (s *cvSleeper) Ready() bool { return s.woken }

// Describe implements scheduler.Waiter.
func (s *cvSleeper) Describe() string {
	return fmt.Sprintf("condition variable #%d to be woken", s.cv.id)
}

func (cv *ConditionVariable) bind(t *Thread) int64 {
	t.check("ConditionVariable")
	if cv.k != t.k {
		*cv = ConditionVariable{k: t.k, id: t.k.condVars}
		t.k.condVars++
		t.touch(depAlloc, allocCondVars, true)
	}
	return int64(cv.id)
}

// sleep releases the lock (with release), sleeps, and takes the lock
// again (with reacquire). It reports false, with ErrorTimeout as last
// error, when the timeout passed with no wake.
func (cv *ConditionVariable) sleep(t *Thread, ms uint32, release, reacquire func()) bool {
	t.task.Step(t.k.ops[cCVSleep], cv.bind(t), int64(ms), 0)
	t.touch(depCondVar, cv.id, true)
	spurious := !t.k.cfg.NoSpuriousWakeups && t.task.Choose(t.k.ops[cCVSpurious], 2) == 1
	release()
	ok := true
	if !spurious {
		s := &cvSleeper{cv: cv, t: t}
		cv.sleepers = append(cv.sleepers, s)
		t.sleeping = s
		t.touchBlock()
		timedOut := t.task.Block(s, t.deadline(ms), t.k.ops[cCVSleep], int64(cv.id), int64(ms))
		t.touch(depCondVar, cv.id, true)
		t.sleeping = nil
		if s.woken {
			t.k.races.acquire(t, &cv.vc)
		} else if timedOut {
			cv.remove(s)
			ok = false
		}
	}
	reacquire()
	if !ok {
		t.lastErr = ErrorTimeout
	}
	return ok
}

func (cv *ConditionVariable) remove(s *cvSleeper) {
	for i, x := range cv.sleepers {
		if x == s {
			cv.sleepers = append(cv.sleepers[:i], cv.sleepers[i+1:]...)
			return
		}
	}
}

// SleepCS sleeps on cv, releasing cs, which the caller must hold exactly
// once (SleepConditionVariableCS); it holds cs again when it returns. It
// returns false with ErrorTimeout when ms passed with no wake. A caller
// that does not hold cs is recorded as a fault, and the call returns false
// at once. A caller that holds it more than once is recorded as a fault
// too, and, as on Windows, the sleep gives up only one level, so cs stays
// held while it sleeps.
func (cv *ConditionVariable) SleepCS(t *Thread, cs *CriticalSection, ms uint32) bool {
	cs.bind(t)
	cv.bind(t)
	cs.checkLive(t, "SleepConditionVariableCS")
	if cs.owner != t {
		t.k.fault(t, FaultNotOwner, 0, fmt.Sprintf("SleepConditionVariableCS(#%d) by T%d, which does not hold critical section #%d", cv.id, t.task.ID(), cs.id))
		t.lastErr = ErrorNotOwner
		return false
	}
	if cs.count > 1 {
		t.k.fault(t, FaultNotOwner, 0, fmt.Sprintf("SleepConditionVariableCS(#%d) by T%d, which holds critical section #%d %d times: it must hold it exactly once",
			cv.id, t.task.ID(), cs.id, cs.count))
	}
	return cv.sleep(t, ms, func() {
		t.touch(depCritSec, cs.id, true)
		if cs.count--; cs.count == 0 {
			cs.owner = nil
			t.k.races.release(t, &cs.vc)
		}
	}, func() { cs.block(t) })
}

// SleepSRW sleeps on cv, releasing l, which the caller holds exclusively
// or (shared) shared (SleepConditionVariableSRW with
// CONDITION_VARIABLE_LOCKMODE_SHARED); it holds l again in the same mode
// when it returns. It returns false with ErrorTimeout when ms passed with
// no wake.
func (cv *ConditionVariable) SleepSRW(t *Thread, l *SRWLock, ms uint32, shared bool) bool {
	l.bind(t)
	cv.bind(t)
	if (shared && l.shared == 0) || (!shared && l.exclusive != t) {
		mode := "exclusively"
		if shared {
			mode = "shared"
		}
		t.k.fault(t, FaultNotOwner, 0, fmt.Sprintf("SleepConditionVariableSRW(#%d) by T%d, but SRW lock #%d is not held %s", cv.id, t.task.ID(), l.id, mode))
		t.lastErr = ErrorNotOwner
		return false
	}
	op := cSRWExclusive
	if shared {
		op = cSRWShared
	}
	return cv.sleep(t, ms, func() {
		t.touch(depSRW, l.id, true)
		if shared {
			l.shared--
		} else {
			l.exclusive = nil
		}
		t.k.races.release(t, &l.vc)
	}, func() { l.block(t, !shared, op) })
}

// Wake wakes one sleeper, if any; which one is the strategy's choice
// (WakeConditionVariable).
func (cv *ConditionVariable) Wake(t *Thread) {
	t.task.Step(t.k.ops[cCVWake], cv.bind(t), 0, 0)
	t.touch(depCondVar, cv.id, true)
	if len(cv.sleepers) == 0 {
		return
	}
	i := t.task.Choose(t.k.ops[cCVWakes], len(cv.sleepers))
	t.k.races.release(t, &cv.vc)
	cv.sleepers[i].woken = true
	cv.sleepers = append(cv.sleepers[:i], cv.sleepers[i+1:]...)
}

// WakeAll wakes every sleeper (WakeAllConditionVariable).
func (cv *ConditionVariable) WakeAll(t *Thread) {
	t.task.Step(t.k.ops[cCVWake], cv.bind(t), 1, 0)
	t.touch(depCondVar, cv.id, true)
	if len(cv.sleepers) == 0 {
		return
	}
	t.k.races.release(t, &cv.vc)
	for _, s := range cv.sleepers {
		s.woken = true
	}
	cv.sleepers = cv.sleepers[:0]
}
