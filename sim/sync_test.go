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
			case tc.want != 0 && (len(r.Faults) != 1 || r.Faults[0].Kind != tc.want):
				t.Fatalf("want one %v fault, got %v", tc.want, r.Faults)
			}
		})
	}
}
