// Command simrun is the command line of clussim. This first version runs a
// small demonstration of the deterministic engine.
package main

import (
	"fmt"
	"os"

	"clussim/scheduler"
	"clussim/sim"
)

func main() {
	r := sim.Run(sim.Config{}, scheduler.NewRandom(1), func(t *sim.Thread) {
		ev := t.CreateEvent(true, false)
		h, _ := t.CreateThread(func(t *sim.Thread) uint32 {
			t.WaitForSingleObject(ev, sim.Infinite)
			return 0
		})
		t.Sleep(10)
		t.SetEvent(ev)
		t.WaitForSingleObject(h, sim.Infinite)
		t.CloseHandle(h)
		t.CloseHandle(ev)
	})
	fmt.Printf("simrun: demo run: %d steps, %d ms of virtual time, %d kernel faults\n", r.Steps, r.Time, len(r.Faults))
	if r.Failure != nil {
		fmt.Println(r.Failure)
		os.Exit(1)
	}
}
