package properties

import (
	"flag"
	"os"
	"strconv"
	"testing"

	"github.com/clussim/clussim/model"
)

// Default budget of Check: runs per strategy per named scenario. It keeps
// Check within seconds per implementation; raise it with Budget or
// -simrun.budget for deeper searches.
const (
	DefaultBudget = 120
	// shortDivisor divides the budget under go test -short.
	shortDivisor = 4
)

// generatedPerBudget: the battery runs budget*generatedPerBudget generated
// scenarios (one random schedule each) after the named ones.
const generatedPerBudget = 4

// generatedRuns is how many generated scenarios the battery runs.
func (c *config) generatedRuns() int {
	if !c.generated {
		return 0
	}
	return c.budget * generatedPerBudget
}

// Test flags, each with an environment-variable twin (which is what reaches
// every package under go test ./...). An Option given to Check wins over
// both.
var (
	flagBudget   = flag.Int("simrun.budget", envInt("SIMRUN_BUDGET", 0), "clussim: runs per strategy per named scenario (0: default) [SIMRUN_BUDGET]")
	flagSeed     = flag.Uint64("simrun.seed", uint64(envInt("SIMRUN_SEED", 0)), "clussim: first seed of the random and PCT strategies [SIMRUN_SEED]")
	flagReplay   = flag.String("simrun.replay", os.Getenv("SIMRUN_REPLAY"), "clussim: replay this trace file instead of exploring [SIMRUN_REPLAY]")
	flagShrink   = flag.String("simrun.shrink", os.Getenv("SIMRUN_SHRINK"), "clussim: shrink this failing trace file (saved beside it with -shrunk) instead of exploring [SIMRUN_SHRINK]")
	flagTier     = flag.String("simrun.tier", os.Getenv("SIMRUN_TIER"), "clussim: \"documented\" checks the documented tier alone; default all [SIMRUN_TIER]")
	flagParallel = flag.Int("simrun.parallel", envInt("SIMRUN_PARALLEL", 1), "clussim: goroutines the battery runs on (newAPI must then be safe to call concurrently) [SIMRUN_PARALLEL]")
	flagTraceDir = flag.String("simrun.tracedir", os.Getenv("SIMRUN_TRACEDIR"), "clussim: directory for failing traces (default testdata/clussim) [SIMRUN_TRACEDIR]")
)

// flagLinBudget is -simrun.linbudget, with its twin SIMRUN_LINBUDGET.
var flagLinBudget = flag.Int64("simrun.linbudget", int64(envInt("SIMRUN_LINBUDGET", 0)), "clussim: budget of each run's LIN check in model steps (0: model.DefaultBudget) [SIMRUN_LINBUDGET]")

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

// Option adjusts Check.
type Option func(*config)

type config struct {
	name           string
	budget         int
	seed           uint64
	documentedOnly bool
	scenarios      []string
	scenariosSet   bool
	testName       string         // the test Check runs in; "" outside tests
	shrink         int            // shrink budget for a battery failure; 0: no shrinking
	parallel       int            // battery workers
	strategies     []StrategySpec // the battery's plan per named scenario; nil: the default
	generated      bool
	traceDir       string
	replay         string
	shrinkFile     string
	maxSteps       int64
	linBudget      int64 // the LIN check's budget in model steps
}

// Budget sets the number of runs per strategy per named scenario.
func Budget(runs int) Option { return func(c *config) { c.budget = runs } }

// Seed sets the first seed of the random and PCT strategies.
func Seed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// DocumentedOnly checks the documented tier alone: the safe-tier product
// decisions (P1-P10, races) are not reported. Failures of the run itself
// (panic, deadlock, step bound, escape) still are.
func DocumentedOnly() Option { return func(c *config) { c.documentedOnly = true } }

// Scenarios restricts the named scenarios to these names; with no names,
// no named scenario runs (only generated ones).
func Scenarios(names ...string) Option {
	return func(c *config) { c.scenarios, c.scenariosSet = append([]string(nil), names...), true }
}

// NoGenerated skips the rapid-generated scenarios.
func NoGenerated() Option { return func(c *config) { c.generated = false } }

// Name names the implementation in traces (default: the test's name).
func Name(name string) Option { return func(c *config) { c.name = name } }

// TraceDir sets where failing traces are written.
func TraceDir(dir string) Option { return func(c *config) { c.traceDir = dir } }

// MaxSteps sets the step bound of each run.
func MaxSteps(n int64) Option { return func(c *config) { c.maxSteps = n } }

// LinBudget sets the budget of each run's linearizability check (rule LIN)
// in model steps; the default is model.DefaultBudget. A check that runs out
// of it is undecided: not a violation, and reported as undecided (see
// model.CheckBudget). The budget counts model steps, never time, so the
// verdict is the same on every machine.
func LinBudget(steps int64) Option { return func(c *config) { c.linBudget = steps } }

// ShrinkBudget makes the battery shrink a failure it finds (see [Shrink])
// with at most runs runs, and save the shrunk trace beside the original; 0
// turns shrinking off. Check shrinks with DefaultCheckShrinkBudget unless
// told otherwise; Battery does not shrink unless told to.
func ShrinkBudget(runs int) Option { return func(c *config) { c.shrink = runs } }

// DefaultCheckShrinkBudget is the shrink budget of Check.
const DefaultCheckShrinkBudget = 400

// Parallel runs the battery on n goroutines (each with its own simulator).
// The result is the same as with one: units of work are independent and the
// report is that of the first failing unit in plan order. With n > 1, newAPI
// is called from several goroutines at once, so it must only build a fresh
// value, and the implementation must keep no state outside the value it
// builds (no package-level sim.Cell or sim.CriticalSection). Check runs on
// one goroutine unless told otherwise (-simrun.parallel).
func Parallel(n int) Option { return func(c *config) { c.parallel = n } }

// Strategies replaces the battery's plan for each named scenario (by
// default DPOR within preemption bound 1, then random and PCT seeded with
// the battery's seed) with the given specs, each run for the budget: a
// random or PCT spec's run i is that strategy seeded Seed+i, a DFS or DPOR
// spec is one exploration that stops when it has covered its bound.
func Strategies(specs ...StrategySpec) Option {
	return func(c *config) { c.strategies = append([]StrategySpec{}, specs...) }
}

// ReplayFile replays one trace instead of exploring.
func ReplayFile(path string) Option { return func(c *config) { c.replay = path } }

// ShrinkFile shrinks one failing trace instead of exploring: Check replays
// it, shrinks it with up to DefaultShrinkBudget runs, saves the result
// beside it (NAME-shrunk.json) and fails the test with the shrunk run's
// verdict and the command that replays it.
func ShrinkFile(path string) Option { return func(c *config) { c.shrinkFile = path } }

// newConfig applies opts to the defaults. name is the default
// implementation name for traces.
func newConfig(name string, opts []Option) *config {
	c := &config{name: name, budget: DefaultBudget, generated: true, traceDir: "testdata/clussim", maxSteps: DefaultMaxSteps,
		linBudget: model.DefaultBudget}
	for _, o := range opts {
		o(c)
	}
	return c
}

// newTestConfig is newConfig for Check: the -simrun.* flags and their
// environment twins apply first, then opts. (Battery, used by programs such
// as simrun, reads neither: programs have flags of their own.)
func newTestConfig(name string, opts []Option) *config {
	c := newConfig(name, nil)
	c.shrink = DefaultCheckShrinkBudget
	c.seed, c.replay, c.shrinkFile, c.parallel = *flagSeed, *flagReplay, *flagShrink, *flagParallel
	if *flagBudget > 0 {
		c.budget = *flagBudget
	}
	if *flagTier == "documented" {
		c.documentedOnly = true
	}
	if *flagLinBudget > 0 {
		c.linBudget = *flagLinBudget
	}
	if *flagTraceDir != "" {
		c.traceDir = *flagTraceDir
	}
	if testing.Short() {
		c.budget = max(1, c.budget/shortDivisor)
	}
	for _, o := range opts {
		o(c)
	}
	return c
}
