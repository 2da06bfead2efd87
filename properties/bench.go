package properties

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// FirstFailure is what [FindFirstFailure] found.
type FirstFailure struct {
	// Runs is the number of runs made, the failing one included; when no
	// run failed, the cap.
	Runs int
	// Found is set when a run broke a rule; Rule and Scenario name the
	// first rule it broke and its scenario.
	Found    bool
	Rule     model.RuleID
	Scenario string
}

// FindFirstFailure explores the scenarios round-robin under spec, as
// "simrun explore" does (see [ScenarioJobs]: one job per scenario, or per
// scenario and member of a portfolio, run i of each seeded Seed+i), until a run breaks a rule or maxRuns runs have run. It is the
// measure of a strategy that a bug benchmark reports: schedules to the
// first failure. The error is that of a run that said nothing about the
// implementation.
func FindFirstFailure(newAPI func() sim.WorkerAPI, scenarios []scenario.Scenario, spec StrategySpec, maxRuns int) (FirstFailure, error) {
	jobs := ScenarioJobs(scenarios, spec, maxRuns)
	var ff FirstFailure
	results := Explore(newAPI, Exploration{Jobs: jobs, Interleave: true, KeepGoing: true, Runs: maxRuns,
		Observe: func(job int, o *Outcome, _ StrategySpec) bool {
			ff.Runs++
			if o.Failed() {
				ff.Found, ff.Rule, ff.Scenario = true, o.First().Rule, o.Scenario.Name
				return false
			}
			return true
		}})
	for _, res := range results {
		if res != nil && res.Err != nil {
			return ff, res.Err
		}
	}
	return ff, nil
}
