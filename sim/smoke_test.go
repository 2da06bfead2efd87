package sim

import (
	"testing"

	"clussim/scheduler"
)

func TestSmoke(t *testing.T) {
	for seed := range uint64(20) {
		r := Run(Config{}, scheduler.NewRandom(seed), func(t *Thread) {
			ev := t.CreateEvent(false, false)
			var c Cell[int]
			h, _ := t.CreateThread(func(t *Thread) uint32 {
				t.WaitForSingleObject(ev, Infinite)
				c.Store(t, c.Load(t)+1)
				return 7
			})
			c.Store(t, 1)
			t.SetEvent(ev)
			if got := t.WaitForSingleObject(h, Infinite); got != WaitObject0 {
				panic(got)
			}
			if c.Load(t) != 2 {
				panic("lost update")
			}
			t.CloseHandle(h)
			t.CloseHandle(ev)
		})
		if r.Failure != nil || len(r.Faults) > 0 || len(r.Races) > 0 {
			t.Fatalf("seed %d: %v %v %v", seed, r.Failure, r.Faults, r.Races)
		}
	}
}
