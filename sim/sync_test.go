package sim

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// Misuse of critical sections and SRW locks is recorded as a fault of the
// right kind, and correct use records none.
func TestLockMisuseFaults(t *testing.T) {
	tests := []struct {
		name string
		prog func(t *Thread)
		want FaultKind // 0: no fault
	}{
		{"delete while owned", func(t *Thread) {
			var cs CriticalSection
			cs.Enter(t)
			cs.Delete(t)
		}, FaultDeleteInUse},
		{"enter after delete", func(t *Thread) {
			var cs CriticalSection
			cs.Delete(t)
			cs.Enter(t)
			cs.Leave(t)
		}, FaultDeleteInUse},
		{"delete, initialize, use again", func(t *Thread) {
			var cs CriticalSection
			cs.Enter(t)
			cs.Leave(t)
			cs.Delete(t)
			cs.Initialize(t)
			cs.Enter(t)
			cs.Leave(t)
			cs.Delete(t)
		}, 0},
		{"leave by a thread that does not own it", func(t *Thread) {
			var cs CriticalSection
			cs.Leave(t)
		}, FaultNotOwner},
		{"release an SRW lock not held", func(t *Thread) {
			var l SRWLock
			l.ReleaseExclusive(t)
		}, FaultNotOwner},
		{"release shared an SRW lock held exclusively", func(t *Thread) {
			var l SRWLock
			l.AcquireExclusive(t)
			l.ReleaseShared(t)
			l.ReleaseExclusive(t)
		}, FaultNotOwner},
		{"condition sleep without the lock", func(t *Thread) {
			var cs CriticalSection
			var cv ConditionVariable
			cv.SleepCS(t, &cs, 0)
		}, FaultNotOwner},
		{"try-enter after delete", func(t *Thread) {
			var cs CriticalSection
			cs.Delete(t)
			if cs.TryEnter(t) {
				cs.Leave(t)
			}
		}, FaultDeleteInUse},
		{"SRW condition sleep without the lock", func(t *Thread) {
			var l SRWLock
			var cv ConditionVariable
			cv.SleepSRW(t, &l, 5, true)
		}, FaultNotOwner},
		{"condition sleep with the critical section held twice", func(t *Thread) {
			var cs CriticalSection
			var cv ConditionVariable
			cs.Enter(t)
			cs.Enter(t)
			cv.SleepCS(t, &cs, 5)
			cs.Leave(t)
			cs.Leave(t)
		}, FaultNotOwner},
		{"SignalObjectAndWait with a closed handle to signal", func(t *Thread) {
			e, w := t.CreateEvent(false, false), t.CreateEvent(true, true)
			t.CloseHandle(e)
			t.SignalObjectAndWait(e, w, 0)
			t.CloseHandle(w)
		}, FaultUseAfterClose},
		{"SRW and condition variable used right", func(t *Thread) {
			var l SRWLock
			var cv ConditionVariable
			l.AcquireShared(t)
			l.ReleaseShared(t)
			l.AcquireExclusive(t)
			cv.SleepSRW(t, &l, 1, false)
			l.ReleaseExclusive(t)
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Run(Config{NoSpuriousWakeups: true}, scheduler.NewRandom(1), tc.prog)
			if r.Failure != nil {
				t.Fatal(r.Failure)
			}
			switch {
			case tc.want == 0 && len(r.Faults) > 0:
				t.Fatalf("want no fault, got %v", r.Faults[0])
			case tc.want != 0 && len(r.Faults) == 0:
				t.Fatalf("want a %v fault, got none", tc.want)
			case tc.want != 0:
				for _, f := range r.Faults {
					if f.Kind != tc.want {
						t.Fatalf("want only %v faults, got %v", tc.want, r.Faults)
					}
				}
			}
		})
	}
}

// A thread created suspended and resumed before it first runs still starts
// after the ResumeThread: what its creator wrote before resuming it is no
// race, under every schedule.
func TestResumeCarriesHappensBefore(t *testing.T) {
	d := scheduler.NewDFS(-1)
	for n := 0; !d.Done() && n < 1000; n++ {
		var x Cell[int]
		r := Run(Config{}, d, func(t *Thread) {
			h, _, _ := t.CreateThreadEx(func(t *Thread) uint32 { x.Load(t); return 0 }, CreateSuspended)
			x.Store(t, 1)
			t.ResumeThread(h)
			t.WaitForSingleObject(h, Infinite)
			t.CloseHandle(h)
		})
		if r.Failure != nil || len(r.Races) > 0 {
			t.Fatalf("run %d: %v, races %v", n, r.Failure, r.Races)
		}
	}
}

// SignalObjectAndWait is not atomic: a thread released by the signal can
// pulse the event the caller is about to wait on before the caller waits,
// so the caller sometimes misses it, and sometimes not.
func TestSignalObjectAndWaitNotAtomic(t *testing.T) {
	seen := map[uint32]bool{}
	d := scheduler.NewDFS(-1)
	for n := 0; !d.Done() && n < 5000; n++ {
		r := Run(Config{}, d, func(t *Thread) {
			e, p := t.CreateEvent(false, false), t.CreateEvent(true, false)
			h, _ := t.CreateThread(func(t *Thread) uint32 { t.WaitForSingleObject(e, Infinite); t.PulseEvent(p); return 0 })
			seen[t.SignalObjectAndWait(e, p, 50)] = true
			t.WaitForSingleObject(h, Infinite)
			t.CloseHandle(h)
			t.CloseHandle(e)
			t.CloseHandle(p)
		})
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	}
	if !seen[WaitObject0] || !seen[WaitTimeout] {
		t.Fatalf("outcomes %v, want both WAIT_OBJECT_0 and WAIT_TIMEOUT", seen)
	}
}
