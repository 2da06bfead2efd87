package sim

import (
	"slices"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// A condition-variable sleep that nobody wakes returns TRUE in some
// schedule by default (a spurious wake-up, as Windows allows), and never
// with NoSpuriousWakeups; a timed-out sleep returns FALSE with
// ERROR_TIMEOUT and holds the critical section again.
func TestSpuriousWakeupsExplored(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want []string
	}{
		{Config{}, []string{"spurious", "timeout"}},
		{Config{NoSpuriousWakeups: true}, []string{"timeout"}},
	} {
		seen := map[string]bool{}
		d := scheduler.NewDFS(-1)
		for n := 0; !d.Done() && n < 100; n++ {
			r := Run(tc.cfg, d, func(t *Thread) {
				var cs CriticalSection
				var cv ConditionVariable
				cs.Enter(t)
				switch {
				case cv.SleepCS(t, &cs, 10):
					seen["spurious"] = true
				case t.GetLastError() == ErrorTimeout && cs.owner == t:
					seen["timeout"] = true
				}
				cs.Leave(t)
			})
			if r.Failure != nil {
				t.Fatal(r.Failure)
			}
		}
		var got []string
		for k := range seen {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("%+v: outcomes %v, want %v", tc.cfg, got, tc.want)
		}
	}
}

// The usual wait-for-a-flag pattern over a condition variable is race-free:
// a write before the wake is read after the sleeper returns with no race
// reported, in every schedule.
func TestWakeCarriesHappensBefore(t *testing.T) {
	d := scheduler.NewDFS(-1)
	for n := 0; !d.Done() && n < 20000; n++ {
		var c Cell[int]
		r := Run(Config{NoSpuriousWakeups: true}, d, func(t *Thread) {
			var cs CriticalSection
			var cv ConditionVariable
			ready := false
			h, _ := t.CreateThread(func(t *Thread) uint32 {
				cs.Enter(t)
				for !ready {
					cv.SleepCS(t, &cs, Infinite)
				}
				cs.Leave(t)
				c.Load(t)
				return 0
			})
			t.Sleep(1)
			c.Store(t, 1)
			cs.Enter(t)
			ready = true
			cv.Wake(t)
			cs.Leave(t)
			t.WaitForSingleObject(h, Infinite)
			t.CloseHandle(h)
		})
		if r.Failure != nil || len(r.Races) > 0 {
			t.Fatalf("run %d: %v, races %v", n, r.Failure, r.Races)
		}
	}
}
