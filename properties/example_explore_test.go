package properties_test

import (
	"fmt"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// Explore is what Check, Battery, Verify and simrun's default run are
// built on: a list of jobs (a scenario under a strategy, with a budget),
// run in order, on one goroutine or several, with the same results. An
// observer sees every run and may end the exploration; here it counts the
// rules a buggy implementation breaks on one scenario, under DPOR within
// one preemption and then under 50 random schedules.
func ExampleExplore() {
	s, _ := scenario.Lookup("racing-terminators")
	buggy, _ := impls.Lookup("bug-check-then-set")
	jobs := []properties.Job{
		{Scenario: &s, Strategy: properties.StrategySpec{Name: "dpor", Depth: 1}, Budget: 10000},
		{Scenario: &s, Strategy: properties.StrategySpec{Name: "random", Seed: 1}, Budget: 50},
	}
	failing := map[int]int{}
	results := properties.Explore(func() sim.WorkerAPI { return buggy.New() }, properties.Exploration{
		Jobs:      jobs,
		KeepGoing: true,
		Observe: func(job int, o *properties.Outcome, spec properties.StrategySpec) bool {
			if o.Failed() {
				failing[job]++
			}
			return true
		},
	})
	dpor, random := results[0], results[1]
	fmt.Printf("%s: every class covered: %v, some failing: %v, first breaks %s\n",
		jobs[0].Strategy, dpor.Complete, failing[0] > 0, dpor.Failure.First().Rule)
	fmt.Printf("%s: %d runs, %d failing, first breaks %s (%s reproduces it)\n",
		jobs[1].Strategy, random.Runs, failing[1], random.Failure.First().Rule, random.Strategy)
	// Output:
	// dpor:1: every class covered: true, some failing: true, first breaks D7
	// random seed 1: 50 runs, 19 failing, first breaks D7 (random seed 2 reproduces it)
}
