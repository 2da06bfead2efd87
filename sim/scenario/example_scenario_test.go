package scenario_test

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// Example runs the "join" scenario once against an implementation and
// prints its history: the worker is created, a terminator joins it with
// ClusWorkerTerminateEx(INFINITE, WaitOnly=TRUE), its routine returns on
// its own after 25 virtual ms (when the join returns), and the clean-up of rule P6 finds nothing
// left to do.
func Example() {
	s, _ := scenario.Lookup("join")
	fmt.Println(s)

	main, h := s.Program(newTestAPI())
	r := sim.Run(s.Config(), scheduler.NewRandom(1), main)
	fmt.Println("failure:", r.Failure)
	for _, c := range h.Calls() {
		if !isAPICall(c.Kind) {
			continue // the harness's marks of a routine's start and exit
		}
		fmt.Printf("%-22v w%d -> %-13s at %2d ms\n", c.Kind, c.Worker, sim.ErrorName(c.Result), c.ReturnTime)
	}
	// Output:
	// join: w0[c0{+0ms finite(5x5ms); +0ms none}] T0{w0#0 +0ms terminate-ex(inf,wait-only)}
	// failure: <nil>
	// ClusWorkerCreate       w0 -> ERROR_SUCCESS at  0 ms
	// ClusWorkerTerminateEx  w0 -> ERROR_SUCCESS at 25 ms
	// ClusWorkerTerminateEx  w0 -> ERROR_SUCCESS at 25 ms
}

// ExampleGenerate draws a small scenario from a seed; the same seed always
// gives the same scenario.
func ExampleGenerate() {
	lim := scenario.DefaultLimits()
	lim.Faults = false
	s := scenario.Generate(7, lim)
	fmt.Println(s.Validate() == nil, s.String() == scenario.Generate(7, lim).String())
	// Output:
	// true true
}
