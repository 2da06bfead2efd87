package scenario_test

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// The correct implementations of package impls (the reference and its
// alternatives) must complete every scenario too.
func init() {
	for _, e := range impls.All() {
		if e.Correct {
			correctImpls = append(correctImpls, implementation{name: e.Name, newAPI: e.New})
		}
	}
}

// TestLiteralDoubleCloseOnRacingTerminators: Random reaches the historical
// logic's double close on the named racing-terminators scenario within a
// fixed seed budget (deterministic: the seeds are fixed).
func TestLiteralDoubleCloseOnRacingTerminators(t *testing.T) {
	const budget = 200
	s, _ := scenario.Lookup("racing-terminators")
	lit, _ := impls.Lookup("literal")
	sm := sim.NewSimulator(s.Config())
	for seed := range uint64(budget) {
		main, _ := s.Program(lit.New())
		r := sm.Run(scheduler.NewRandom(seed), main)
		for _, f := range r.Faults {
			if f.Kind == sim.FaultDoubleClose {
				t.Logf("double close at seed %d: %v", seed, f)
				return
			}
		}
	}
	t.Fatalf("Random did not reach Literal's double close in %d seeds", budget)
}
