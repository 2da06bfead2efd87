package properties

import (
	"testing"

	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// TestExploreObserve: with Observe, a job goes on after a failing run and
// the observer sees every run with the spec that reproduces it alone; the
// job still reports its first failure; returning false ends the whole
// exploration; and Parallel changes nothing.
func TestExploreObserve(t *testing.T) {
	e, _ := impls.Lookup("bug-check-then-set")
	s, _ := scenario.Lookup("racing-terminators")
	jobs := []Job{
		{Scenario: &s, Strategy: StrategySpec{Name: "random", Seed: 1}, Budget: 60},
		{Scenario: &s, Strategy: StrategySpec{Name: "dfs", Depth: 0}, Budget: 60},
	}
	for _, parallel := range []int{1, 2} {
		var seen, failed int
		var firstSpec StrategySpec
		res := Explore(e.New, Exploration{Jobs: jobs, KeepGoing: true, Parallel: parallel,
			Observe: func(job int, o *Outcome, spec StrategySpec) bool {
				seen++
				if job == 0 && spec.Seed != uint64(seen) {
					t.Errorf("run %d of the random job is recorded as seed %d", seen, spec.Seed)
				}
				if o.Failed() {
					if failed == 0 {
						firstSpec = spec
					}
					failed++
				}
				return true
			}})
		if res[0] == nil || res[0].Runs != 60 || res[0].Failure == nil || res[0].Strategy != firstSpec {
			t.Fatalf("parallel %d: job 0 %+v, want 60 runs and its first failure (%v)", parallel, res[0], firstSpec)
		}
		if failed < 2 || seen != res[0].Runs+res[1].Runs {
			t.Fatalf("parallel %d: observed %d runs (%d failing), jobs ran %d+%d", parallel, seen, failed, res[0].Runs, res[1].Runs)
		}
		// The observer ends it.
		n := 0
		res = Explore(e.New, Exploration{Jobs: jobs, KeepGoing: true, Parallel: parallel,
			Observe: func(int, *Outcome, StrategySpec) bool { n++; return n < 3 }})
		if n != 3 || res[0].Runs != 3 || res[1] != nil {
			t.Fatalf("parallel %d: stopped after %d observed runs, jobs %+v %+v; want 3 runs of job 0 and no job 1", parallel, n, res[0], res[1])
		}
	}
}
