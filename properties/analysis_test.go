package properties

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// TestWaitingAtLockOwnerWaits: a thread queued on a critical section whose
// owner is itself waiting counts as waiting (rule D6), whether the owner
// took the section with EnterCriticalSection or TryEnterCriticalSection;
// queued behind an owner that is not waiting, it does not.
func TestWaitingAtLockOwnerWaits(t *testing.T) {
	for _, tc := range []struct {
		name            string
		try, ownerWaits bool
	}{
		{"Enter, owner waits", false, true},
		{"TryEnter, owner waits", true, true},
		{"TryEnter, owner spins", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cs sim.CriticalSection
			res := sim.Run(sim.Config{}, scheduler.NewDFS(0), func(th *sim.Thread) {
				never := th.CreateEvent(true, false)
				taken := th.CreateEvent(true, false)
				th.CreateThread(func(o *sim.Thread) uint32 {
					if tc.try {
						cs.TryEnter(o)
					} else {
						cs.Enter(o)
					}
					o.SetEvent(taken)
					if tc.ownerWaits {
						o.WaitForSingleObject(never, sim.Infinite)
					}
					for {
						o.Sleep(0) // busy, never leaves
					}
				})
				th.WaitForSingleObject(taken, sim.Infinite)
				th.CreateThread(func(q *sim.Thread) uint32 { cs.Enter(q); return 0 })
				th.Sleep(1000)
			})
			// The queued thread is the last one created.
			queued := scheduler.ThreadID(len(res.Names) - 1)
			a := &analysis{res: res, events: res.Events}
			got := a.waitingAt(queued, int64(len(res.Events)))
			if got != tc.ownerWaits {
				t.Fatalf("waitingAt(the queued thread) = %v, want %v", got, tc.ownerWaits)
			}
		})
	}
}
