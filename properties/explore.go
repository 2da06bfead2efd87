package properties

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
// schedulers own new_execution: run i of a random, PCT or POS job is a
// fresh strategy seeded Seed+i (so a failing run's recorded spec, with its
// Seed moved on by i, reproduces it alone); a URW job is one URW that
// learns from run to run (its runs are reproduced by their recorded
// decisions, or by the job's runs up to them); a DFS or DPOR job is one
// systematic exploration, which ends early when it has covered its tree.
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
	// LinChecked and LinReused count the job's LIN verdicts checked by
	// porcupine and reused from an earlier run of the same runner with the
	// same history (see [Runner.LinChecks]).
	LinChecked, LinReused int
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
	// lowest job (with Interleave, the first in run order).
	Jobs []Job
	// Parallel is the number of goroutines (0 or 1: one). newAPI must then
	// be safe to call concurrently. Nothing reported depends on it. Runs,
	// Time, Interleave and Observe need one run after another, so with any
	// of them the jobs run on one goroutine whatever Parallel says.
	Parallel int
	// Shard selects the jobs this process runs.
	Shard Shard
	// KeepGoing runs every job; by default Explore stops after the lowest
	// job that fails (later jobs are not run, or their results dropped).
	KeepGoing bool
	// Interleave runs the jobs round-robin, one run of each unfinished job
	// in turn (as "simrun explore" does over its scenarios), instead of
	// one job to its end before the next. What each run of a job is does
	// not change: a job's runs are the same whatever else runs between
	// them.
	Interleave bool
	// Runs, when positive, ends the exploration after that many runs in
	// all, whatever the jobs' budgets say.
	Runs int
	// Time, when positive, ends the exploration once that much wall-clock
	// time has passed (checked between runs). It decides how many runs
	// happen, never what a run does or how it is judged.
	Time time.Duration
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
	// Observe, when not nil, is called after every run with the run's
	// outcome and the spec that reproduces it alone; it returns false to
	// end the exploration. With Observe, a job goes on after a failing run
	// (the observer sees every run, and the job's Failure is its first
	// failing run) until its budget or its tree is used up, and the jobs
	// run one after another on one goroutine, in order, whatever Parallel
	// says, so that what the observer sees does not depend on it. The
	// outcome is valid only during the call; keep it with [Outcome.Keep].
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

// sequential reports whether the exploration must run one run after
// another on one goroutine.
func (x *Exploration) sequential() bool {
	return x.Parallel <= 1 || x.Observe != nil || x.Interleave || x.Runs > 0 || x.Time > 0
}

// Explore runs the exploration's jobs against the implementation newAPI
// builds and returns their results by job index: nil for a job of another
// shard, for a job the budget (Runs, Time) left unstarted, and (unless
// KeepGoing) for every job after the lowest that failed or erred (with
// Interleave, the jobs started by then keep what they found so far). The
// results are the same for any Parallel.
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
	if x.sequential() {
		x.exploreSequential(newRunner(), mine, results)
		return results
	}
	var next atomic.Int64
	var stop atomic.Int64 // the lowest of mine known to fail
	stop.Store(int64(len(mine)))
	var wg sync.WaitGroup
	for range min(x.Parallel, len(mine)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := newRunner()
			for {
				k := next.Add(1) - 1
				if k >= int64(len(mine)) || k > stop.Load() {
					return
				}
				j := mine[k]
				w := x.start(j)
				for !w.done {
					w.step(r, nil)
				}
				res := x.finish(w)
				results[j] = res
				if x.stops(res) {
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

// exploreSequential runs the jobs mine on r, one run after another, and
// fills in their results.
func (x *Exploration) exploreSequential(r *Runner, mine []int, results []*JobResult) {
	var began time.Time
	if x.Time > 0 {
		began = time.Now()
	}
	runs := 0
	over := func() bool {
		// The wall clock decides how many runs happen, never what a run
		// does.
		return x.Runs > 0 && runs >= x.Runs || x.Time > 0 && time.Since(began) >= x.Time
	}
	ended := false // the observer ended the exploration
	observe := func(j int) func(*Outcome, StrategySpec) bool {
		if x.Observe == nil {
			return nil
		}
		return func(o *Outcome, spec StrategySpec) bool {
			ended = ended || !x.Observe(j, o, spec)
			return !ended
		}
	}
	// step runs one run of w; it reports whether the exploration goes on.
	step := func(w *jobRun) bool {
		w.step(r, observe(w.index))
		runs++
		if w.done {
			results[w.index] = x.finish(w)
			return !x.stops(results[w.index]) && !ended
		}
		return !ended
	}
	// The jobs begun and not done when the exploration ends keep what they
	// found so far.
	var begun []*jobRun
	defer func() {
		for _, w := range begun {
			if !w.done {
				results[w.index] = x.finish(w)
			}
		}
	}()
	// begin starts job j; it returns nil for a job with nothing to run (an
	// invalid job, or no budget), whose result it fills in, and reports
	// whether the exploration goes on.
	begin := func(j int) (*jobRun, bool) {
		w := x.start(j)
		if w.done {
			results[j] = x.finish(w)
			return nil, !x.stops(results[j])
		}
		begun = append(begun, w)
		return w, true
	}
	if !x.Interleave {
		for _, j := range mine {
			if over() {
				return
			}
			w, goOn := begin(j)
			if !goOn {
				return
			}
			for w != nil && !w.done {
				if over() || !step(w) {
					return
				}
			}
		}
		return
	}
	var active []*jobRun
	for _, j := range mine {
		w, goOn := begin(j)
		if !goOn {
			return
		}
		if w != nil {
			active = append(active, w)
		}
	}
	for len(active) > 0 {
		live := active[:0] // active has an array of its own, apart from begun's
		for _, w := range active {
			if over() || !step(w) {
				return
			}
			if !w.done {
				live = append(live, w)
			}
		}
		active = live
	}
}

// start begins job j.
func (x *Exploration) start(j int) *jobRun {
	w := x.Jobs[j].start()
	w.index = j
	if x.Progress != nil {
		w.progress = func(runs int, est float64) { x.Progress(j, runs, est) }
	}
	return w
}

// finish ends w and returns its result, after the Finished callback.
func (x *Exploration) finish(w *jobRun) *JobResult {
	res := w.finish()
	if x.Finished != nil {
		x.Finished(w.index, res)
	}
	return res
}

// stops reports whether res ends the exploration.
func (x *Exploration) stops(res *JobResult) bool {
	return !x.KeepGoing && (res.Failure != nil || res.Err != nil)
}

// systematic is what a job needs of DFS and DPOR.
type systematic interface {
	scheduler.Strategy
	Done() bool
	Err() error
}

// A jobRun is a job under way: what carries over from one of its runs to
// the next (the systematic strategy, PCT's estimate of a run's length, the
// result so far). Its step is one run, so that a driver can run one job to
// its end or interleave several, as a plain loop.
type jobRun struct {
	job      Job
	index    int
	sys      systematic
	dpor     *scheduler.DPOR
	learner  scheduler.Strategy // a strategy that learns across the job's runs (URW)
	longest  int64              // the job's longest run, in steps
	res      JobResult
	done     bool
	progress func(runs int, est float64)
}

// start begins the job.
func (j Job) start() *jobRun {
	w := &jobRun{job: j}
	if j.Scenario == nil {
		w.done = j.Generated <= 0
		return w
	}
	switch j.Strategy.Name {
	case "dfs":
		w.sys = scheduler.NewDFS(j.Strategy.Depth)
	case "dpor":
		w.dpor = scheduler.NewDPOR(j.Strategy.Depth)
		w.sys = w.dpor
	case "urw":
		// URW learns from run to run, so one URW makes every run of the
		// job.
		w.learner = scheduler.NewURW(j.Strategy.Seed)
	case "random", "pct", "pos":
	default:
		w.fail(fmt.Errorf("properties: strategy %q cannot explore (valid: %s)", j.Strategy.Name, strings.Join(StrategyNames(), ", ")))
	}
	w.done = w.done || j.Budget <= 0
	return w
}

// fail ends the job with an error.
func (w *jobRun) fail(err error) {
	if w.job.Scenario != nil {
		err = fmt.Errorf("%s under %s: %w", w.job.Scenario.Name, w.job.Strategy, err)
	}
	w.res.Err, w.done = err, true
}

// next returns the scenario, strategy and reproducing spec of the job's
// next run. Run i of a random or PCT job is a fresh strategy seeded
// Seed+i, so that the spec a failing run's trace records is the one
// strategy that made that run; a PCT job's estimate of a run's length is
// the larger of its spec's and the job's longest run so far, and the spec
// records it. Run i of a job of generated scenarios is scenario
// GeneratedFrom+i under the random strategy with the same seed.
func (w *jobRun) next() (scenario.Scenario, scheduler.Strategy, StrategySpec, error) {
	i := uint64(w.res.Runs)
	if w.job.Scenario == nil {
		seed := w.job.GeneratedFrom + i
		return scenario.Generate(seed, scenario.DefaultLimits()), scheduler.NewRandom(seed),
			StrategySpec{Name: "random", Seed: seed}, nil
	}
	spec := w.job.Strategy
	if w.sys != nil {
		return *w.job.Scenario, w.sys, spec, nil
	}
	if w.learner != nil {
		return *w.job.Scenario, w.learner, spec, nil
	}
	spec.Seed += i
	if spec.Name == "pct" {
		spec.MaxSteps = max(spec.MaxSteps, w.longest)
	}
	strat, err := newStrategy(spec)
	return *w.job.Scenario, strat, spec, err
}

// step makes the job's next run on r, shows it to observe (when not nil)
// and notes what it found; w.done is set when the job has ended. Without
// observe a failing run ends the job; with it, the job goes on until its
// budget or tree is used up or observe returns false.
func (w *jobRun) step(r *Runner, observe func(*Outcome, StrategySpec) bool) {
	// The runner may run other jobs' runs between two of this job's, so
	// the job's LIN counts add up what each of its runs adds.
	undecided := r.LinUndecided()
	checked, reused := r.LinChecks()
	defer func() {
		c, u := r.LinChecks()
		w.res.LinUndecided += r.LinUndecided() - undecided
		w.res.LinChecked += c - checked
		w.res.LinReused += u - reused
	}()
	s, strat, spec, err := w.next()
	if err != nil {
		w.fail(err)
		return
	}
	o, err := r.Run(s, strat)
	if err != nil {
		w.fail(w.generatedErr(spec, err))
		return
	}
	w.res.Runs++
	w.longest = max(w.longest, o.Result.Steps)
	if o.Diverged != nil {
		w.fail(w.generatedErr(spec, errors.New(o.Diverged.Message)))
		return
	}
	if w.sys != nil {
		w.res.Classes = w.res.Runs
		if w.dpor != nil {
			w.res.Classes = w.dpor.Classes()
		}
	}
	if o.Failed() && w.res.Failure == nil {
		w.res.Failure, w.res.Strategy = o.Keep(), spec
		if observe == nil {
			w.done = true
			return
		}
	}
	if observe != nil && !observe(o, spec) {
		w.done = true
		return
	}
	if w.sys != nil && w.sys.Done() {
		w.res.Complete = w.sys.Err() == nil
		if err := w.sys.Err(); err != nil {
			w.fail(err)
		}
		w.done = true
		return
	}
	budget := w.job.Budget
	if w.job.Scenario == nil {
		budget = w.job.Generated
	}
	w.done = w.res.Runs >= budget
	if w.progress != nil && w.sys != nil && w.res.Runs%progressEvery == 0 {
		est := float64(w.res.Runs)
		if w.dpor != nil {
			est = w.dpor.Estimate()
		}
		w.progress(w.res.Runs, est)
	}
}

// generatedErr names the generated scenario of a job of generated
// scenarios in err.
func (w *jobRun) generatedErr(spec StrategySpec, err error) error {
	if w.job.Scenario == nil {
		return fmt.Errorf("properties: generated scenario %d: %w", spec.Seed, err)
	}
	return err
}

// finish returns the job's result, reporting its end to the progress
// callback.
func (w *jobRun) finish() *JobResult {
	if w.progress != nil && w.job.Scenario != nil {
		w.progress(w.res.Runs, float64(w.res.Runs))
	}
	res := w.res
	return &res
}

// newStrategy builds the strategy a random or PCT spec names, for one run.
func newStrategy(spec StrategySpec) (scheduler.Strategy, error) {
	switch spec.Name {
	case "random":
		return scheduler.NewRandom(spec.Seed), nil
	case "pos":
		return scheduler.NewPOS(spec.Seed), nil
	case "urw":
		return scheduler.NewURW(spec.Seed), nil
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
