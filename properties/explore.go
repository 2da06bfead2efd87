package properties

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// A Job is one independent piece of an exploration: a scenario explored
// under one strategy, or a range of generated scenarios. What a job finds
// depends on nothing but the job, so jobs may run on any goroutine, in any
// order, on any machine, and an exploration split over workers or shards
// reports what the sequential one reports.
//
// The strategy spec says what each run of the job is, as Shuttle's
// schedulers own new_execution: run i of a random or PCT job is a fresh
// strategy seeded Seed+i (so a failing run's recorded spec, with its Seed
// moved on by i, reproduces it alone); a DFS or DPOR job is one systematic
// exploration, which ends early when it has covered its tree.
type Job struct {
	// Scenario is the scenario the job explores; nil for a job of
	// generated scenarios.
	Scenario *scenario.Scenario
	// Strategy is the strategy of a scenario job.
	Strategy StrategySpec
	// Budget is the most runs of a scenario job.
	Budget int
	// GeneratedFrom and Generated: a job of generated scenarios runs, for
	// each seed from GeneratedFrom to GeneratedFrom+Generated-1, the
	// scenario scenario.Generate(seed) under the random strategy seeded
	// with seed.
	GeneratedFrom uint64
	Generated     int
}

// Name names the job for trace files: the scenario and the strategy.
func (j Job) Name() string {
	if j.Scenario == nil {
		return fmt.Sprintf("generated-%d", j.GeneratedFrom)
	}
	return j.Scenario.Name + "-" + j.Strategy.Name
}

// JobResult is what one job found.
type JobResult struct {
	// Runs counts the job's runs.
	Runs int
	// Classes counts, for a DPOR job, its runs that were not redundant
	// (without a bound, the classes of equivalent schedules it ran; under
	// one, an upper bound on them, see scheduler.DPOR.Classes); for a DFS
	// job, its schedules; 0 for the others.
	Classes int
	// Complete is set when a DFS or DPOR job covered every schedule within
	// its preemption bound: with no failure, the scenario is verified.
	Complete bool
	// Failure is the first failing run, or nil.
	Failure *Outcome
	// Strategy is the spec that reproduces the failing run.
	Strategy StrategySpec
	// LinUndecided counts the runs whose LIN check was undecided.
	LinUndecided int
	// Err is set when a run said nothing about the implementation (the
	// scenario is invalid, the implementation cannot be built, a
	// systematic strategy found the program nondeterministic).
	Err error
}

// Shard selects the share of an exploration's jobs that one process runs:
// job j belongs to shard j mod Count. The zero Shard is the whole
// exploration.
type Shard struct {
	Index, Count int
}

// String renders the shard as "i/n" (and "all" for the whole).
func (s Shard) String() string {
	if s.Count <= 1 {
		return "all"
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Owns reports whether job j belongs to the shard.
func (s Shard) Owns(j int) bool { return s.Count <= 1 || j%s.Count == s.Index }

// ErrShard is wrapped by the error of a shard that does not exist.
var ErrShard = errors.New("properties: invalid shard")

// Validate checks that the shard exists.
func (s Shard) Validate() error {
	if s.Count < 0 || s.Count > 0 && (s.Index < 0 || s.Index >= s.Count) {
		return fmt.Errorf("%w: %d/%d (the index must be from 0 to count-1)", ErrShard, s.Index, s.Count)
	}
	return nil
}

// Exploration says what [Explore] does. The zero value of every field but
// Jobs is a sensible default.
type Exploration struct {
	// Jobs lists the work, in order; the first failure is the one of the
	// lowest job.
	Jobs []Job
	// Parallel is the number of goroutines (0 or 1: one). newAPI must then
	// be safe to call concurrently. Nothing reported depends on it.
	Parallel int
	// Shard selects the jobs this process runs.
	Shard Shard
	// KeepGoing runs every job; by default Explore stops after the lowest
	// job that fails (later jobs are not run, or their results dropped).
	KeepGoing bool
	// Progress, when not nil, is called every few hundred runs of a
	// systematic job with the runs so far and the strategy's estimate of
	// the total, and when a job ends; it may be called from several
	// goroutines at once.
	Progress func(job, runs int, estimate float64)
	// Finished, when not nil, is called with each job's result as soon as
	// the job ends, on the goroutine that ran it (so possibly from several
	// at once, and for jobs after the first failure too, which Explore
	// then drops from its results). It may change the result.
	Finished func(job int, res *JobResult)
	// Observe, when not nil, is called after every run of a scenario job
	// with the run's outcome and the spec that reproduces it alone; it
	// returns false to end the exploration. With Observe, a job goes on
	// after a failing run (the observer sees every run, and the job's
	// Failure is its first failing run) until its budget or its tree is
	// used up, and the jobs run one after another on one goroutine, in
	// order, whatever Parallel says, so that what the observer sees does
	// not depend on it. The outcome is valid only during the call; keep
	// it with [Outcome.Keep].
	Observe func(job int, o *Outcome, spec StrategySpec) bool
	// MaxSteps bounds each run (0: DefaultMaxSteps).
	MaxSteps int64
	// DocumentedOnly keeps only documented-tier violations.
	DocumentedOnly bool
	// LinBudget is the LIN check's budget in model steps (0: the default).
	LinBudget int64
}

// progressEvery is how often, in runs, a systematic job reports progress.
const progressEvery = 512

// Explore runs the exploration's jobs against the implementation newAPI
// builds and returns their results by job index: nil for a job of another
// shard, and (unless KeepGoing) for every job after the lowest that failed
// or erred. The results are the same for any Parallel.
func Explore(newAPI func() sim.WorkerAPI, x Exploration) []*JobResult {
	newRunner := func() *Runner {
		r := NewRunner(newAPI, x.MaxSteps, x.DocumentedOnly)
		if x.LinBudget > 0 {
			r.SetLinBudget(x.LinBudget)
		}
		return r
	}
	var mine []int
	for j := range x.Jobs {
		if x.Shard.Owns(j) {
			mine = append(mine, j)
		}
	}
	results := make([]*JobResult, len(x.Jobs))
	ended := false // the observer ended the exploration
	run := func(r *Runner, k int) *JobResult {
		j := mine[k]
		var progress func(int, float64)
		if x.Progress != nil {
			progress = func(runs int, est float64) { x.Progress(j, runs, est) }
		}
		var observe func(*Outcome, StrategySpec) bool
		if x.Observe != nil {
			observe = func(o *Outcome, spec StrategySpec) bool {
				ended = ended || !x.Observe(j, o, spec)
				return !ended
			}
		}
		res := x.Jobs[j].run(r, progress, observe)
		if x.Finished != nil {
			x.Finished(j, &res)
		}
		return &res
	}
	stopped := func(res *JobResult) bool { return !x.KeepGoing && (res.Failure != nil || res.Err != nil) }
	workers := max(1, x.Parallel)
	if workers == 1 || x.Observe != nil {
		r := newRunner()
		for k := range mine {
			res := run(r, k)
			results[mine[k]] = res
			if stopped(res) || ended {
				break
			}
		}
		return results
	}
	var next atomic.Int64
	var stop atomic.Int64 // the lowest of mine known to fail
	stop.Store(int64(len(mine)))
	var wg sync.WaitGroup
	for range min(workers, len(mine)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRunner()
			for {
				k := next.Add(1) - 1
				if k >= int64(len(mine)) || k > stop.Load() {
					return
				}
				res := run(r, int(k))
				results[mine[k]] = res
				if stopped(res) {
					for {
						old := stop.Load()
						if k >= old || stop.CompareAndSwap(old, k) {
							break
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if s := stop.Load(); s < int64(len(mine)) {
		// Jobs after the first failure may have run on other workers; a
		// sequential exploration would not have run them.
		for _, j := range mine[s+1:] {
			results[j] = nil
		}
	}
	return results
}

// run executes the job on runner r.
func (j Job) run(r *Runner, progress func(runs int, est float64), observe func(*Outcome, StrategySpec) bool) (res JobResult) {
	before := r.LinUndecided()
	defer func() { res.LinUndecided = r.LinUndecided() - before }()
	if j.Scenario != nil {
		res = exploreScenario(r, *j.Scenario, j.Strategy, j.Budget, progress, observe)
		if res.Err != nil {
			res.Err = fmt.Errorf("%s under %s: %w", j.Scenario.Name, j.Strategy, res.Err)
		}
		return res
	}
	lim := scenario.DefaultLimits()
	for i := range j.Generated {
		seed := j.GeneratedFrom + uint64(i)
		s := scenario.Generate(seed, lim)
		o, err := r.Run(s, scheduler.NewRandom(seed))
		switch {
		case err != nil:
			return JobResult{Runs: i + 1, Err: fmt.Errorf("generated scenario %d: %w", seed, err)}
		case o.Diverged != nil:
			return JobResult{Runs: i + 1, Err: fmt.Errorf("properties: generated scenario %d: %s", seed, o.Diverged.Message)}
		case o.Failed():
			return JobResult{Runs: i + 1, Failure: o.Keep(), Strategy: StrategySpec{Name: "random", Seed: seed}}
		}
	}
	return JobResult{Runs: j.Generated}
}

// systematic is what exploreScenario needs of DFS and DPOR.
type systematic interface {
	scheduler.Strategy
	Done() bool
	Err() error
}

// exploreScenario runs s under spec up to budget times and returns what it
// found: the first failing outcome (kept) with the spec that reproduces it,
// or an error for a run that says nothing about the implementation. With
// observe, every run is shown to it and a failing run does not end the
// job; observe returns false to end it.
func exploreScenario(r *Runner, s scenario.Scenario, spec StrategySpec, budget int, progress func(int, float64),
	observe func(*Outcome, StrategySpec) bool) JobResult {
	var sys systematic
	var dpor *scheduler.DPOR
	switch spec.Name {
	case "dfs":
		sys = scheduler.NewDFS(spec.Depth)
	case "dpor":
		dpor = scheduler.NewDPOR(spec.Depth)
		sys = dpor
	case "random", "pct":
	default:
		return JobResult{Err: fmt.Errorf("properties: strategy %q cannot explore (valid: %s)", spec.Name, strings.Join(StrategyNames(), ", "))}
	}
	var res JobResult
	for i := range budget {
		strat, runSpec := scheduler.Strategy(sys), spec
		if sys == nil {
			// A fresh strategy seeded Seed+i for run i, so that the spec a
			// failing run's trace records is the one strategy that made
			// that run.
			runSpec.Seed += uint64(i)
			var err error
			if strat, err = newStrategy(runSpec); err != nil {
				res.Err = err
				return res
			}
		}
		o, err := r.Run(s, strat)
		if err != nil {
			res.Err = err
			return res
		}
		res.Runs = i + 1
		if o.Diverged != nil {
			res.Err = fmt.Errorf("%s", o.Diverged.Message)
			return res
		}
		if sys != nil {
			res.Classes = res.Runs
			if dpor != nil {
				res.Classes = dpor.Classes()
			}
		}
		if o.Failed() && res.Failure == nil {
			res.Failure, res.Strategy = o.Keep(), runSpec
			if observe == nil {
				return res
			}
		}
		if observe != nil && !observe(o, runSpec) {
			return res
		}
		if sys != nil && sys.Done() {
			res.Complete = sys.Err() == nil
			if err := sys.Err(); err != nil {
				res.Err = err
			}
			break
		}
		if progress != nil && sys != nil && res.Runs%progressEvery == 0 {
			est := float64(res.Runs)
			if dpor != nil {
				est = dpor.Estimate()
			}
			progress(res.Runs, est)
		}
	}
	if progress != nil {
		progress(res.Runs, float64(res.Runs))
	}
	return res
}

// newStrategy builds the strategy a random or PCT spec names, for one run.
func newStrategy(spec StrategySpec) (scheduler.Strategy, error) {
	switch spec.Name {
	case "random":
		return scheduler.NewRandom(spec.Seed), nil
	case "pct":
		return scheduler.NewPCT(spec.Seed, spec.Depth, spec.MaxSteps)
	case "dfs":
		return scheduler.NewDFS(spec.Depth), nil
	case "dpor":
		return scheduler.NewDPOR(spec.Depth), nil
	}
	return nil, fmt.Errorf("properties: strategy %q cannot explore (valid: %s)", spec.Name, strings.Join(StrategyNames(), ", "))
}

// ShardIndexEnv is the variable a shard's index is read from when a shard
// spec gives none: the one a Kubernetes Indexed Job sets in each pod.
const ShardIndexEnv = "JOB_COMPLETION_INDEX"

// ParseShard reads a shard spec: "i/n" (shard i of n, from 0), or "/n" or
// "n", whose index getenv(ShardIndexEnv) gives.
func ParseShard(spec string, getenv func(string) string) (Shard, error) {
	idx, count, ok := strings.Cut(spec, "/")
	if !ok {
		idx, count = "", spec
	}
	var s Shard
	if _, err := fmt.Sscanf(count, "%d", &s.Count); err != nil || fmt.Sprint(s.Count) != count || s.Count < 1 {
		return s, fmt.Errorf("%w: %q: the count must be a positive number", ErrShard, spec)
	}
	if idx == "" {
		idx = getenv(ShardIndexEnv)
		if idx == "" {
			return s, fmt.Errorf("%w: %q gives no index and %s is not set", ErrShard, spec, ShardIndexEnv)
		}
	}
	if _, err := fmt.Sscanf(idx, "%d", &s.Index); err != nil || fmt.Sprint(s.Index) != idx {
		return s, fmt.Errorf("%w: %q: the index %q is not a number", ErrShard, spec, idx)
	}
	return s, s.Validate()
}
