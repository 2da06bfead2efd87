package properties

import (
	"fmt"
	"strconv"
	"strings"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/scheduler"
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
func StrategyNames() []string { return []string{"random", "pct", "dfs", "dpor"} }

// ParseStrategy reads "random", "pct", "pct:DEPTH", "dfs", "dfs:BOUND",
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
	case "random":
		if hasParam {
			return spec, fmt.Errorf("properties: strategy random takes no parameter")
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
