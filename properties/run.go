package properties

import (
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"time"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Outcome is one checked run: what ran, what happened, and the verdict.
// An Outcome returned by [Runner.Run] shares the runner's buffers until its
// next run; [Outcome.Keep] makes an independent copy.
type Outcome struct {
	Scenario scenario.Scenario
	Result   *sim.Result
	Calls    []sim.Call
	// Violations are the broken rules, earliest first, after the tier
	// filter.
	Violations []Violation
	// Diverged is set when the strategy could not follow the run (a replay
	// that does not match): the run says nothing about the implementation.
	Diverged *scheduler.Failure
	// Lin is what the LIN check found; when it is undecided within its
	// budget, LIN is neither among Violations nor passed.
	Lin LinResult
}

// Failed reports whether the run broke a rule.
func (o *Outcome) Failed() bool { return len(o.Violations) > 0 }

// First returns the earliest violation; the zero Violation when none.
func (o *Outcome) First() Violation {
	if len(o.Violations) == 0 {
		return Violation{}
	}
	return o.Violations[0]
}

// Keep returns a copy of o that no later run overwrites.
func (o *Outcome) Keep() *Outcome {
	c := *o
	r := *o.Result
	sr := *o.Result.Result
	sr.Events = slices.Clone(sr.Events)
	sr.Decisions = slices.Clone(sr.Decisions)
	sr.Ops = slices.Clone(sr.Ops)
	sr.Names = slices.Clone(sr.Names)
	r.Result = &sr
	r.Faults = slices.Clone(r.Faults)
	r.Races = slices.Clone(r.Races)
	r.Handles = slices.Clone(r.Handles)
	r.Threads = slices.Clone(r.Threads)
	r.CellNames = slices.Clone(r.CellNames)
	c.Result = &r
	c.Calls = slices.Clone(o.Calls)
	c.Violations = slices.Clone(o.Violations)
	c.Scenario = o.Scenario.Clone()
	return &c
}

// DefaultMaxSteps is the step bound of a checked run. Scenario runs take a
// few hundred to a few thousand steps; a run past this bound is a livelock.
const DefaultMaxSteps = traces.DefaultMaxSteps

// Runner runs scenarios against one implementation and checks every run.
// It reuses its simulators between runs, so it must not be shared between
// goroutines.
type Runner struct {
	newAPI         func() sim.WorkerAPI
	maxSteps       int64
	documentedOnly bool
	sims           [2]*sim.Simulator // without and with fault injection
	linBudget      int64             // the LIN check's budget in model steps
	linUndecided   int               // runs whose LIN check was undecided
	lin            linCache          // LIN verdicts of the histories seen
	watchdog       time.Duration     // the engine's watchdog period; 0: scheduler.DefaultWatchdog
	// expect and expectOps, when expect is not nil, are the log every run
	// must reproduce (see scheduler.Config.Expect); replay sets them.
	expect    []scheduler.Event
	expectOps []string
}

// SetWatchdog sets the watchdog period of the runner's runs (see
// scheduler.Config.Watchdog; 0 is scheduler.DefaultWatchdog): how long, in
// real time, a run may make no step before it is suspected of an escape.
// A shorter period reports a run stuck on a real Go primitive sooner; it
// never changes the verdict of a run that does not escape. It applies to
// the runs after the call.
func (r *Runner) SetWatchdog(d time.Duration) {
	r.watchdog = d
	r.sims = [2]*sim.Simulator{}
}

// NewRunner returns a runner for the implementation newAPI builds (called
// once per run). maxSteps bounds each run (0: DefaultMaxSteps);
// documentedOnly keeps only documented-tier violations (and failures of the
// run itself: a panic, deadlock, step bound or escape).
func NewRunner(newAPI func() sim.WorkerAPI, maxSteps int64, documentedOnly bool) *Runner {
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	return &Runner{newAPI: newAPI, maxSteps: maxSteps, documentedOnly: documentedOnly, linBudget: model.DefaultBudget}
}

// ErrNewAPI is wrapped by the error of a run whose implementation could not
// be built: newAPI is nil, panicked, or returned nil.
var ErrNewAPI = errors.New("properties: cannot build the implementation")

// ErrHarness is wrapped by the error of a run whose scenario program broke
// what it declared to the harness (see sim.Harness.Err): partial-order
// reduction could not trust the run.
var ErrHarness = errors.New("properties: the scenario broke its harness declaration")

// build calls newAPI, turning a panic or a nil result into an error so
// that a broken constructor fails one test instead of the test binary.
func (r *Runner) build() (api sim.WorkerAPI, err error) {
	if r.newAPI == nil {
		return nil, fmt.Errorf("%w: newAPI is nil", ErrNewAPI)
	}
	defer func() {
		if p := recover(); p != nil {
			api, err = nil, fmt.Errorf("%w: newAPI panicked: %v\n%s", ErrNewAPI, p, debug.Stack())
		}
	}()
	if api = r.newAPI(); api == nil {
		return nil, fmt.Errorf("%w: newAPI returned a nil sim.WorkerAPI", ErrNewAPI)
	}
	return api, nil
}

// Run executes scenario s under strategy strat and checks the run.
func (r *Runner) Run(s scenario.Scenario, strat scheduler.Strategy) (*Outcome, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	api, err := r.build()
	if err != nil {
		return nil, err
	}
	i := 0
	if s.Faults {
		i = 1
	}
	if r.sims[i] == nil {
		cfg := s.Config()
		cfg.Engine.MaxSteps = r.maxSteps
		cfg.Engine.Watchdog = r.watchdog
		cfg.Engine.Expect, cfg.Engine.ExpectOps = r.expect, r.expectOps
		r.sims[i] = sim.NewSimulator(cfg)
	}
	main, h := s.Program(api)
	res := r.sims[i].Run(strat, main)
	if res.Abandoned {
		return r.abandoned(i, s, res, h.NumWorkers()), nil
	}
	if err := h.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrHarness, err)
	}
	o := &Outcome{Scenario: s, Result: res, Calls: h.Calls()}
	if res.Failure != nil && res.Failure.Kind == scheduler.Diverged {
		o.Diverged = res.Failure
		return o, nil
	}
	vs, lin := analyzeLin(res, h, r.linBudget, &r.lin)
	o.Violations, o.Lin = filterTier(vs, r.documentedOnly), lin
	if lin.Undecided() {
		r.linUndecided++
	}
	return o, nil
}

// abandoned is the outcome of a run the engine abandoned because the
// implementation stayed stuck outside the simulation (an ESCAPE): its
// goroutine may wake up and go on with the run's kernel, harness and
// implementation, so none of them is read. The outcome has the log the
// engine published up to the stuck step, no history, and the ESCAPE as its
// one violation: nothing else of the run is judged. The simulator is
// dropped (its engine refuses further runs); the next run gets a new one.
func (r *Runner) abandoned(i int, s scenario.Scenario, res *sim.Result, workers int) *Outcome {
	r.sims[i] = nil
	// A fresh harness over as many structs stands in for the run's own,
	// which the stuck goroutine may still be writing.
	vs, _ := AnalyzeLin(res, sim.NewHarness(nil, workers), r.linBudget)
	return &Outcome{Scenario: s, Result: res, Violations: filterTier(vs, r.documentedOnly)}
}

// LinChecks returns how many LIN checks the runner's runs needed:
// checked by porcupine, and reused from an earlier run with the same
// history (the same operations, results and order of calls and returns).
func (r *Runner) LinChecks() (checked, reused int) { return r.lin.Checked, r.lin.Reused }
