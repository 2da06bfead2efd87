package properties

import (
	"fmt"
	"math"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Tuning numbers of verification.
const (
	// DefaultVerifyBound is the preemption bound of Verify.
	DefaultVerifyBound = 2
	// DefaultVerifyRuns caps the runs of one scenario's verification.
	DefaultVerifyRuns = 1_000_000
	// knuthProbes is how many random probes estimate the size of plain
	// DFS's tree.
	knuthProbes = 256
)

// Verification is what verifying one scenario found.
type Verification struct {
	// Scenario is the scenario's name.
	Scenario string
	// Bound is the preemption bound; -1 for none.
	Bound int
	// Complete is set when DPOR covered every class of schedules within
	// the bound: with no Failure, the scenario is verified.
	Complete bool
	// Classes counts the runs DPOR did not find redundant (without a
	// bound, the classes of equivalent schedules it ran; under one, an
	// upper bound on them, see scheduler.DPOR.Classes), and Runs every
	// run.
	Classes, Runs int
	// DFS is how many schedules plain DFS needs within the same bound, and
	// DFSExact whether that figure is exact (DFS was run to the end)
	// rather than Knuth's estimate from random probes of its tree;
	// DFSAtLeast, when DFS was run and stopped at its cap, is that cap (DFS
	// needs more).
	DFS        float64
	DFSExact   bool
	DFSAtLeast int
	// Failure is the first failing run, nil when none; Strategy is the
	// spec recorded with it.
	Failure  *Outcome
	Strategy StrategySpec
	// LinUndecided counts the runs whose LIN check was undecided: with any,
	// a complete verification is not a proof of rule LIN.
	LinUndecided int
}

// Line is the verification's line in a report: its Claim, or for a
// failure the rule and its message.
func (v *Verification) Line() string {
	if v.Failure != nil {
		return failedLine(v.Scenario, string(v.Failure.First().Rule), v.within(), v.Runs, v.Failure.First().Message)
	}
	return v.Claim()
}

// failedLine is the report line of a failed verification.
func failedLine(scenario, rule, within string, runs int, msg string) string {
	return fmt.Sprintf("FAILED: %s breaks rule %s %s (run %d): %s", scenario, rule, within, runs, traces.Sanitize(msg))
}

// Claim states what the verification shows, in the words simrun verify
// prints.
func (v *Verification) Claim() string {
	within := v.within()
	switch {
	case v.Failure != nil:
		return fmt.Sprintf("FAILED: %s breaks rule %s %s (run %d)", v.Scenario, v.Failure.First().Rule, within, v.Runs)
	case !v.Complete && v.Bound >= 0:
		// Under a bound DPOR runs without sleep sets and cannot tell two
		// runs of one class apart, so it claims no count of classes.
		return fmt.Sprintf("not verified: %s: %d runs %s, no rule broken, and the run budget ran out before every class of schedules was covered",
			v.Scenario, v.Runs, within)
	case !v.Complete:
		return fmt.Sprintf("not verified: %s: %d classes of schedules %s explored, no rule broken, and the run budget ran out before every class was covered (%d runs)",
			v.Scenario, v.Classes, within, v.Runs)
	}
	lin := ""
	if v.LinUndecided > 0 {
		lin = fmt.Sprintf("; LIN undecided in %d runs, so not verified for LIN", v.LinUndecided)
	}
	if v.Bound >= 0 {
		return fmt.Sprintf("verified: every class of schedules of %s %s covered (%d runs, plain DFS would need %s)%s",
			v.Scenario, within, v.Runs, v.dfsText(), lin)
	}
	return fmt.Sprintf("verified: all %d classes of schedules of %s %s (%d runs, plain DFS would need %s)%s",
		v.Classes, v.Scenario, within, v.Runs, v.dfsText(), lin)
}

func (v *Verification) dfsText() string {
	switch {
	case v.DFSExact:
		return fmt.Sprintf("%.0f", v.DFS)
	case v.DFSAtLeast > 0:
		return fmt.Sprintf("more than %d; Knuth's estimate %s", v.DFSAtLeast, roughNumber(v.DFS))
	case v.DFS <= 0:
		return "an unknown number"
	}
	return "about " + roughNumber(v.DFS) + " by Knuth's estimate"
}

// roughNumber renders an estimate with two significant figures.
func roughNumber(x float64) string {
	if x < 1000 {
		return fmt.Sprintf("%.0f", x)
	}
	e := math.Floor(math.Log10(x))
	m := x / math.Pow(10, e)
	if e < 7 {
		return fmt.Sprintf("%.0f", math.Round(m*10)*math.Pow(10, e-1))
	}
	return fmt.Sprintf("%.1fe%d", m, int(e))
}

// VerifyOptions says what [Verify] does. The zero value verifies with the
// default bound and run cap, on one goroutine.
type VerifyOptions struct {
	// Bound is the preemption bound; -1 for none. 0 is a real bound (no
	// preemptions); use DefaultVerifyBound for the default.
	Bound int
	// Runs caps the runs of each scenario (0: DefaultVerifyRuns).
	Runs int
	// DFSRuns, when positive, runs plain DFS within the same bound for up
	// to DFSRuns schedules to give the exact figure DPOR is compared with;
	// when DFS does not finish (or DFSRuns is 0) the figure is Knuth's
	// estimate.
	DFSRuns int
	// Parallel, Shard, Progress, MaxSteps, DocumentedOnly and LinBudget are
	// those of [Exploration]; a scenario is one job.
	Parallel       int
	Shard          Shard
	Progress       func(job, runs int, estimate float64)
	MaxSteps       int64
	DocumentedOnly bool
	LinBudget      int64
	// KeepGoing verifies every scenario after a failure too.
	KeepGoing bool
	// Verified, when not nil, is called with scenario i's verification as
	// soon as it is done (from the goroutine that ran it, so possibly from
	// several at once, and for scenarios after the first failure too,
	// which Verify then drops).
	Verified func(i int, v *Verification)
}

// Verify runs DPOR on each scenario against the implementation newAPI
// builds and returns, by scenario, what it found (nil for a scenario of
// another shard, or after the first failure unless KeepGoing). A
// Verification that is Complete with no Failure means that no rule is
// broken in any schedule of the scenario within the bound: every schedule
// is equivalent (orders every pair of dependent steps the same way) to one
// that was run and checked.
//
// The error is that of the first scenario (in order) whose runs said
// nothing about the implementation: it cannot be built, or it is not
// deterministic given the schedule.
func Verify(newAPI func() sim.WorkerAPI, scenarios []scenario.Scenario, o VerifyOptions) ([]*Verification, error) {
	if o.Runs <= 0 {
		o.Runs = DefaultVerifyRuns
	}
	bound := max(o.Bound, -1)
	spec := StrategySpec{Name: "dpor", Depth: bound}
	jobs := make([]Job, len(scenarios))
	for i := range scenarios {
		jobs[i] = Job{Scenario: &scenarios[i], Strategy: spec, Budget: o.Runs}
	}
	made := make([]*Verification, len(scenarios))
	finished := func(i int, res *JobResult) {
		if res.Err != nil {
			return
		}
		v := &Verification{Scenario: scenarios[i].Name, Bound: bound, Complete: res.Complete && res.Failure == nil,
			Classes: res.Classes, Runs: res.Runs, Failure: res.Failure, Strategy: res.Strategy, LinUndecided: res.LinUndecided}
		if v.Complete {
			v.DFS, v.DFSExact = DFSSize(newAPI, scenarios[i], bound, o.DFSRuns, o.MaxSteps)
			if !v.DFSExact && o.DFSRuns > 0 {
				v.DFSAtLeast = o.DFSRuns
			}
		}
		made[i] = v // each job is finished once, on one goroutine
		if o.Verified != nil {
			o.Verified(i, v)
		}
	}
	results := Explore(newAPI, Exploration{Jobs: jobs, Parallel: o.Parallel, Shard: o.Shard, KeepGoing: o.KeepGoing,
		Progress: o.Progress, Finished: finished, MaxSteps: o.MaxSteps, DocumentedOnly: o.DocumentedOnly, LinBudget: o.LinBudget})
	out := make([]*Verification, len(scenarios))
	for i, res := range results {
		if res == nil {
			continue
		}
		if res.Err != nil {
			return out, res.Err
		}
		out[i] = made[i]
	}
	return out, nil
}

// DFSSize returns how many schedules plain DFS explores in scenario s
// within the preemption bound (-1: none): exactly (exact true) when a DFS
// of at most maxRuns schedules finishes, else Knuth's estimate from
// random probes of the DFS tree (Knuth, "Estimating the efficiency of
// backtrack programs", 1975), seeded deterministically. It is 0 when the
// implementation cannot be built.
func DFSSize(newAPI func() sim.WorkerAPI, s scenario.Scenario, bound, maxRuns int, maxSteps int64) (size float64, exact bool) {
	r := NewRunner(newAPI, maxSteps, false)
	if maxRuns > 0 {
		d := scheduler.NewDFS(bound)
		for range maxRuns {
			if _, err := r.Run(s, d); err != nil {
				return 0, false
			}
			if d.Done() {
				if d.Err() != nil {
					break
				}
				return float64(d.Runs()), true
			}
		}
	}
	k := scheduler.NewKnuth(1, bound)
	for range knuthProbes {
		if _, err := r.Run(s, k); err != nil {
			return 0, false
		}
	}
	return k.Estimate(), false
}
