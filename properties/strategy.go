package properties

import (
	"fmt"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// StrategySpec names a strategy and its parameters, as traces record it and
// as the command line spells it ("random", "pct:3", "dfs:2"). It is the
// trace format's own type, so a spec goes into a trace and comes back out
// unchanged.
type StrategySpec = traces.Strategy

// Defaults of the strategies.
const (
	DefaultPCTDepth    = 3
	DefaultPCTMaxSteps = 400
	DefaultDFSBound    = 2
)

// StrategyNames lists the strategies exploration can use.
func StrategyNames() []string {
	return []string{"random", "pct", "pos", "urw", "dfs", "dpor", Portfolio}
}

// Portfolio is the name of the spec that runs several strategies by turns
// (see [PortfolioMembers] and [ScenarioJobs]); a run's trace names the member
// strategy that made it.
const Portfolio = "portfolio"

// PortfolioMembers returns the strategies a portfolio spec seeded seed runs
// by turns on each scenario: random walk, POS, URW and PCT of the default
// depth, each seeded seed. No single strategy finds every bug soonest
// (see simrun bench); by turns, each bug is found about as soon as the
// member best at it would find it, times the number of members.
func PortfolioMembers(seed uint64) []StrategySpec {
	return []StrategySpec{
		{Name: "random", Seed: seed},
		{Name: "pos", Seed: seed},
		{Name: "urw", Seed: seed},
		{Name: "pct", Seed: seed, Depth: DefaultPCTDepth, MaxSteps: DefaultPCTMaxSteps},
	}
}

// ScenarioJobs returns the jobs that explore each scenario under spec with
// the given budget: one per scenario, or for a portfolio one per scenario
// and member, members of a scenario next to each other, so that an
// interleaved exploration runs the members by turns.
func ScenarioJobs(scenarios []scenario.Scenario, spec StrategySpec, budget int) []Job {
	members := []StrategySpec{spec}
	if spec.Name == Portfolio {
		members = PortfolioMembers(spec.Seed)
	}
	var jobs []Job
	for i := range scenarios {
		for _, m := range members {
			jobs = append(jobs, Job{Scenario: &scenarios[i], Strategy: m, Budget: budget})
		}
	}
	return jobs
}

// ParseStrategy reads "random", "pct", "pct:DEPTH", "pos", "urw", "dfs", "dfs:BOUND",
// "dpor" or "dpor:BOUND" (a BOUND of -1 or "none": no preemption bound).
func ParseStrategy(s string, seed uint64) (StrategySpec, error) {
	name, param, hasParam := strings.Cut(s, ":")
	if param == "none" && (name == "dfs" || name == "dpor") {
		param = "-1"
	}
	spec := StrategySpec{Name: name, Seed: seed}
	n := 0
	if hasParam {
		v, err := strconv.Atoi(param)
		if err != nil {
			return spec, fmt.Errorf("properties: strategy %q: parameter %q is not a number", s, param)
		}
		n = v
	}
	switch name {
	case "random", "pos", "urw", Portfolio:
		if hasParam {
			return spec, fmt.Errorf("properties: strategy %s takes no parameter", name)
		}
	case "pct":
		spec.Depth, spec.MaxSteps = DefaultPCTDepth, DefaultPCTMaxSteps
		if hasParam {
			if n < 1 || n > traces.MaxStrategyDepth {
				return spec, fmt.Errorf("properties: pct depth must be from 1 to %d, got %d", traces.MaxStrategyDepth, n)
			}
			spec.Depth = n
		}
	case "dfs", "dpor":
		spec.Depth = DefaultDFSBound
		if hasParam {
			if n > traces.MaxStrategyDepth {
				return spec, fmt.Errorf("properties: %s preemption bound must be at most %d (or negative for none), got %d",
					name, traces.MaxStrategyDepth, n)
			}
			spec.Depth = max(n, -1)
		}
	default:
		return spec, fmt.Errorf("properties: %s", names.Unknown("strategy", name, StrategyNames()))
	}
	return spec, nil
}

// rapidStrategy lets rapid drive the schedule: one draw per decision, where
// 0 keeps the current thread running (or picks the lowest enabled one), so
// rapid's shrinking toward 0 removes preemptions.
type rapidStrategy struct{ t *rapid.T }

func (r rapidStrategy) NextThread(enabled []scheduler.ThreadID, current int, step int64) (int, error) {
	d := rapid.IntRange(0, len(enabled)-1).Draw(r.t, "sched")
	if current < 0 {
		return d, nil
	}
	// 0 is the current thread; 1.. are the others in order.
	if d == 0 {
		return current, nil
	}
	if d <= current {
		return d - 1, nil
	}
	return d, nil
}

func (r rapidStrategy) NextValue(thread scheduler.ThreadID, n int, step int64) (int, error) {
	return rapid.IntRange(0, n-1).Draw(r.t, "fault"), nil
}
