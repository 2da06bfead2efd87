package sim_test

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// A simulated program is plain Go against the kernel calls of *sim.Thread.
// Every call is a scheduling point; time is virtual.
func ExampleRun() {
	r := sim.Run(sim.Config{}, scheduler.NewRandom(1), func(t *sim.Thread) {
		ready := t.CreateEvent(true, false)
		worker, _ := t.CreateThread(func(t *sim.Thread) uint32 {
			t.WaitForSingleObject(ready, sim.Infinite)
			t.Sleep(250)
			return 7
		})
		t.SetEvent(ready)
		fmt.Println("join:", sim.ErrorName(t.WaitForSingleObject(worker, 100)))
		fmt.Println("join:", sim.ErrorName(t.WaitForSingleObject(worker, sim.Infinite)))
		fmt.Println("virtual ms:", t.Now())
		t.CloseHandle(worker)
		t.CloseHandle(worker) // a double close is recorded, not fatal
	})
	fmt.Println("faults:", len(r.Faults), r.Faults[0].Kind)
	// Output:
	// join: WAIT_TIMEOUT
	// join: ERROR_SUCCESS
	// virtual ms: 250
	// faults: 1 double-close
}
