package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

const exploreAbout = `
Search the schedules of scenarios for a run of implementation NAME that
breaks a rule of the spec. Without --scenario every named scenario is
explored, round-robin, with a fresh generated scenario ("gen-SEED") after
each round. The search stops at the first failing run unless --keep-going is
given; a failing run's trace is saved in --out and the command that replays
it is printed. The same flags and seed always explore the same schedules and
save byte-identical traces (--time only decides how many schedules run).

Exit status: 0 when no run broke a rule, 1 when one did, 2 on a usage error.

examples:
  simrun explore --impl literal
  simrun explore --impl bug-check-then-set --scenario racing-terminators --strategy pct:2
  simrun explore --impl reference --strategy dfs:2 --scenario named --time 30s
  simrun explore --impl literal --keep-going --schedules 2000 --json`

// Tuning numbers of explore.
const (
	// defaultSchedules is the budget when neither --schedules nor --time
	// is given; a schedule takes well under a millisecond.
	defaultSchedules = 5000
	// defaultSeed is the first seed of the random and PCT strategies.
	defaultSeed = 1
	// progressInterval is how often the progress line is redrawn on a
	// terminal.
	progressInterval = 250 * time.Millisecond
	// progressLogInterval is how often a progress line is printed when
	// stderr is not a terminal (a CI log, a pipe): one whole line each
	// time, never redrawn.
	progressLogInterval = 5 * time.Second
	// maxDistinctHistories caps the set of distinct histories, so that a
	// long exploration runs in bounded memory (about 40 MB at the cap);
	// past it, the count is reported as a lower bound.
	maxDistinctHistories = 1 << 20
)

// Values of --scenario that name groups rather than one scenario.
const (
	scenariosAll       = "all"
	scenariosNamed     = "named"
	scenariosGenerated = "generated"
)

// Why an exploration stopped.
const (
	stopFailure   = "failure"
	stopSchedules = "schedules"
	stopTime      = "time"
	stopExhausted = "exhausted"
)

// exploreConfig is what the flags of explore ask for.
type exploreConfig struct {
	impl           impls.Entry
	named          []scenario.Scenario
	generated      bool
	spec           properties.StrategySpec
	schedules      int
	duration       time.Duration
	outDir         string
	keepGoing      bool
	asJSON         bool
	documentedOnly bool
	maxSteps       int64
	linBudget      int64
}

// runExplore is "simrun explore".
func runExplore(e *env, args []string) int {
	f := newFlags(e, "explore", "--impl NAME [flags]", exploreAbout)
	impl := f.String("impl", "", "implementation `NAME` to explore (required; see simrun list impls)")
	scn := f.String("scenario", scenariosAll, "`SCENARIOS`: comma-separated names or gen-SEED, or all (named + generated), named, generated")
	strategy := f.String("strategy", properties.Portfolio, "`STRATEGY`: portfolio (random, pos, urw and pct by turns), random, pct, pct:DEPTH, pos, urw, dfs, dfs:BOUND, dpor, dpor:BOUND, dpor:none")
	seed := f.Uint64("seed", defaultSeed, "first `SEED` of the random and pct strategies and of generated scenarios")
	schedules := f.Int("schedules", 0, fmt.Sprintf("stop after `N` schedules (default %d when --time is not given)", defaultSchedules))
	dur := f.Duration("time", 0, "stop after this much wall-clock `TIME`, e.g. 30s or 5m")
	out := f.String("out", defaultTraceDir, "`DIR` for the traces of failing runs")
	keepGoing := f.Bool("keep-going", false, "go on after a failure; save the first trace of each named scenario and rule (and of each rule among generated scenarios)")
	asJSON := f.Bool("json", false, "print a machine-readable summary on stdout instead of the report")
	tier := f.String("tier", tierAll, "`TIER` of rules to check: all, or documented (the documented tier alone)")
	maxSteps := f.Int64("max-steps", properties.DefaultMaxSteps, "step bound `N` of one run; a longer run is a livelock")
	linBudget := linBudgetFlag(f)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("explore", "unexpected argument %q", pos[0])
	}
	if *impl == "" {
		return e.usageError("explore", "--impl is required (valid: %s)", strings.Join(impls.Names(), ", "))
	}
	cfg := exploreConfig{schedules: *schedules, duration: *dur, outDir: *out, keepGoing: *keepGoing, asJSON: *asJSON,
		maxSteps: *maxSteps, linBudget: *linBudget}
	var err error
	if cfg.impl, err = lookupImpl(*impl); err != nil {
		return e.usageError("explore", "%v", err)
	}
	if cfg.named, cfg.generated, err = parseScenarios(*scn); err != nil {
		return e.usageError("explore", "%v", err)
	}
	if cfg.spec, err = properties.ParseStrategy(*strategy, *seed); err != nil {
		return e.usageError("explore", "%v", err)
	}
	if cfg.documentedOnly, err = parseTier(*tier); err != nil {
		return e.usageError("explore", "%v", err)
	}
	switch {
	case cfg.schedules < 0:
		return e.usageError("explore", "--schedules must not be negative")
	case cfg.duration < 0:
		return e.usageError("explore", "--time must not be negative")
	case cfg.maxSteps < 1 || cfg.maxSteps > traces.MaxRunSteps:
		return e.usageError("explore", "--max-steps must be from 1 to %d", traces.MaxRunSteps)
	case cfg.linBudget < 1:
		return e.usageError("explore", "--lin-budget must be at least 1")
	case cfg.schedules == 0 && cfg.duration == 0:
		cfg.schedules = defaultSchedules
	}
	x := newExplorer(e, cfg)
	return x.run()
}

// parseScenarios reads --scenario.
func parseScenarios(s string) (named []scenario.Scenario, generated bool, err error) {
	switch s {
	case scenariosAll, "":
		return scenario.Named(), true, nil
	case scenariosNamed:
		return scenario.Named(), false, nil
	case scenariosGenerated:
		return nil, true, nil
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		sc, err := lookupScenario(name)
		if err != nil {
			return nil, false, err
		}
		named = append(named, sc)
	}
	if len(named) == 0 {
		return nil, false, fmt.Errorf("--scenario names no scenario")
	}
	return named, false, nil
}

// explorer runs one exploration: it builds the jobs, hands them to
// properties.Explore, and shows and saves what the runs find.
type explorer struct {
	e    *env
	cfg  exploreConfig
	jobs []properties.Job
	// runs counts the schedules run so far, jobRuns those of each job.
	runs     int
	jobRuns  []int
	seen     map[uint64]struct{}
	failures int
	byRule   map[model.RuleID]int
	saved    []savedFailure
	keys     map[string]bool
	saveErr  error
	start    time.Time
	// lastDraw is when the progress line was last drawn; progress says
	// whether to draw it at all.
	lastDraw time.Time
	drawn    bool // a redrawn line is on the terminal
	progress progressMode
	// linUndecided, linChecked and linReused are the LIN counts of the
	// exploration's runs.
	linUndecided, linChecked, linReused int
}

// progressMode says how explore shows its progress on stderr.
type progressMode uint8

const (
	// progressRedraw redraws one line in place: stderr is a terminal.
	progressRedraw progressMode = iota
	// progressLines prints a line every progressLogInterval: stderr is a
	// file or a pipe.
	progressLines
)

// progressModeOf picks the progress mode for w.
func progressModeOf(w io.Writer) progressMode {
	if isTerminal(w) {
		return progressRedraw
	}
	return progressLines
}

// savedFailure is a failing run whose trace was saved.
type savedFailure struct {
	Scenario string       `json:"scenario"`
	Rule     model.RuleID `json:"rule"`
	// Rules are all the rules the run breaks, Rule first.
	Rules    []model.RuleID `json:"rules"`
	Tier     string         `json:"tier"`
	Title    string         `json:"title"`
	Message  string         `json:"message"`
	Step     int64          `json:"step"`
	Schedule int            `json:"schedule"`
	Strategy string         `json:"strategy"`
	Trace    string         `json:"trace"`
	Replay   string         `json:"replay"`
}

// unbounded is the budget of an explore job: the exploration's own
// budget (--schedules, --time) or the end of a systematic search ends it.
const unbounded = math.MaxInt

func newExplorer(e *env, cfg exploreConfig) *explorer {
	x := &explorer{e: e, cfg: cfg, seen: map[uint64]struct{}{}, byRule: map[model.RuleID]int{}, keys: map[string]bool{},
		progress: progressModeOf(e.stderr)}
	x.jobs = properties.ScenarioJobs(cfg.named, cfg.spec, unbounded)
	if cfg.generated {
		// One generated scenario after each round of the named ones:
		// gen-SEED, SEED from --seed on, under random seeded SEED.
		x.jobs = append(x.jobs, properties.Job{GeneratedFrom: cfg.spec.Seed, Generated: unbounded})
	}
	x.jobRuns = make([]int, len(x.jobs))
	return x
}

// run explores and reports; it returns the exit code.
func (x *explorer) run() int {
	if !x.cfg.asJSON {
		fmt.Fprintf(x.e.stdout, "exploring %s: %s, strategy %s, %s\n", x.cfg.impl.Name, x.scope(), x.cfg.spec, x.budget())
	}
	x.start = time.Now()
	stop, err := x.explore()
	elapsed := time.Since(x.start)
	x.clearProgress()
	if err != nil {
		return x.e.errorf("explore: %v", err)
	}
	if x.cfg.asJSON {
		return x.reportJSON(stop, elapsed)
	}
	x.report(stop, elapsed)
	if x.failures > 0 {
		return exitFailure
	}
	return exitOK
}

func (x *explorer) scope() string {
	var parts []string
	switch n := len(x.cfg.named); {
	case n == 1:
		parts = append(parts, "scenario "+x.cfg.named[0].Name)
	case n > 1 && n == len(scenario.Named()):
		parts = append(parts, fmt.Sprintf("%d named scenarios", n))
	case n > 1:
		parts = append(parts, fmt.Sprintf("%d scenarios", n))
	}
	if x.cfg.generated {
		parts = append(parts, "generated scenarios")
	}
	return strings.Join(parts, " + ")
}

func (x *explorer) budget() string {
	var parts []string
	if x.cfg.schedules > 0 {
		parts = append(parts, "up to "+plural(x.cfg.schedules, "schedule"))
	}
	if x.cfg.duration > 0 {
		parts = append(parts, fmt.Sprintf("for up to %v", x.cfg.duration))
	}
	return strings.Join(parts, ", ")
}

// explore runs schedules round-robin over the jobs until a failure (when
// not keeping going), the budget, or the end of every systematic search,
// and returns why it stopped.
func (x *explorer) explore() (string, error) {
	ended := false
	results := properties.Explore(x.cfg.impl.New, properties.Exploration{
		Jobs: x.jobs, Interleave: true, KeepGoing: true, Runs: x.cfg.schedules, Time: x.cfg.duration,
		MaxSteps: x.cfg.maxSteps, DocumentedOnly: x.cfg.documentedOnly, LinBudget: x.cfg.linBudget,
		Observe: func(job int, o *properties.Outcome, spec properties.StrategySpec) bool {
			if !x.observe(job, o, spec) {
				ended = true
			}
			return !ended
		},
	})
	if x.saveErr != nil {
		return "", x.saveErr
	}
	exhausted := true
	for _, res := range results {
		if res == nil {
			exhausted = false
			continue
		}
		x.linUndecided += res.LinUndecided
		x.linChecked += res.LinChecked
		x.linReused += res.LinReused
		if res.Err != nil {
			return "", res.Err
		}
		exhausted = exhausted && res.Complete
	}
	switch {
	case ended:
		return stopFailure, nil
	case exhausted:
		return stopExhausted, nil
	case x.cfg.schedules > 0 && x.runs >= x.cfg.schedules:
		return stopSchedules, nil
	}
	return stopTime, nil
}

// observe notes one run of job: its history, and when it breaks a rule
// not yet saved for its scenario, its trace. It returns false to end the
// exploration: at the first failure unless --keep-going, or when a trace
// cannot be saved.
func (x *explorer) observe(job int, o *properties.Outcome, spec properties.StrategySpec) bool {
	x.runs++
	x.jobRuns[job]++
	name := o.Scenario.Name
	x.noteHistory(properties.HistoryHash(name, o.Calls))
	x.drawProgress()
	if !o.Failed() {
		return true
	}
	v := o.First()
	x.failures++
	rules := o.Rules()
	for _, r := range rules {
		x.byRule[r]++
	}
	// One trace per named scenario and rule; generated scenarios are new
	// every round, so they share one trace per rule. A run is saved when it
	// breaks a rule not yet saved for its scenario; its file is named after
	// the first such rule.
	group := name
	if x.jobs[job].Scenario == nil {
		group = scenariosGenerated
	}
	var fresh []model.RuleID
	for _, r := range rules {
		if key := group + "\x00" + string(r); !x.keys[key] {
			fresh = append(fresh, r)
			x.keys[key] = true
		}
	}
	if len(fresh) == 0 {
		return true
	}
	tr := o.Trace(x.cfg.impl.Name, spec, x.cfg.maxSteps, x.cfg.documentedOnly)
	path := filepath.Join(x.cfg.outDir, fileName(x.cfg.impl.Name, name, string(fresh[0]), traceTag(spec, x.jobRuns[job])))
	if err := tr.WriteFile(path); err != nil {
		x.saveErr = fmt.Errorf("save trace: %v", err)
		return false
	}
	sf := savedFailure{Scenario: name, Rule: v.Rule, Rules: rules, Tier: v.Tier.String(), Title: ruleTitle(v.Rule),
		Message: v.Message, Step: v.Step, Schedule: x.runs, Strategy: spec.String(), Trace: filepath.ToSlash(path),
		Replay: replayCommand(filepath.ToSlash(path))}
	x.saved = append(x.saved, sf)
	if !x.cfg.asJSON {
		x.clearProgress()
		if x.cfg.keepGoing {
			fmt.Fprintf(x.e.stdout, "  FAIL  %-18s %-24s schedule %-6d %s\n", model.JoinRuleIDs(fresh, ","), sf.Scenario,
				sf.Schedule, sf.Trace)
		} else {
			printFailure(x.e, sf)
		}
	}
	return x.cfg.keepGoing
}

// traceTag tags the trace file of a failing run, run number n of its job,
// made by spec: the strategy and its seed, or for a systematic search its
// bound and run number.
func traceTag(spec properties.StrategySpec, n int) string {
	switch spec.Name {
	case "random", "pos":
		return fmt.Sprintf("%s-s%d", spec.Name, spec.Seed)
	case "pct":
		return fmt.Sprintf("pct%d-s%d", spec.Depth, spec.Seed)
	case "urw":
		return fmt.Sprintf("urw-s%d-r%d", spec.Seed, n)
	}
	return fmt.Sprintf("%s%d-r%d", spec.Name, spec.Depth, n)
}

// drawProgress shows progress on stderr: it redraws the line on a
// terminal, and prints a new line every progressLogInterval elsewhere. The
// first line waits one interval, so short runs print none.
func (x *explorer) drawProgress() {
	now := time.Now()
	every := progressInterval
	if x.progress == progressLines {
		every = progressLogInterval
	}
	if x.lastDraw.IsZero() {
		x.lastDraw = x.start
	}
	if now.Sub(x.lastDraw) < every {
		return
	}
	x.lastDraw = now
	el := now.Sub(x.start).Seconds()
	line := fmt.Sprintf("simrun: %s, %.0f/s, %s, %s, %.0fs",
		plural(x.runs, "schedule"), float64(x.runs)/max(el, 1e-9), x.distinct(),
		plural(x.failures, "failing run"), el)
	if x.progress == progressLines {
		fmt.Fprintln(x.e.stderr, line)
		return
	}
	x.drawn = true
	fmt.Fprintf(x.e.stderr, "\r\x1b[K%s", line)
}

// noteHistory adds a history's hash to the set of distinct histories,
// unless the set is full.
func (x *explorer) noteHistory(h uint64) {
	if len(x.seen) < maxDistinctHistories {
		x.seen[h] = struct{}{}
	}
}

// distinct renders the number of distinct histories, as a lower bound once
// the set is full.
func (x *explorer) distinct() string {
	if len(x.seen) >= maxDistinctHistories {
		return fmt.Sprintf("at least %d distinct histories (counting stops there to bound memory)", len(x.seen))
	}
	return plural(len(x.seen), "distinct history")
}

// clearProgress erases the progress line.
func (x *explorer) clearProgress() {
	if x.progress == progressRedraw && x.drawn {
		x.drawn = false
		fmt.Fprint(x.e.stderr, "\r\x1b[K")
	}
}

// printFailure prints one failing run with its trace and the commands to
// replay and shrink it.
func printFailure(e *env, f savedFailure) {
	fmt.Fprintf(e.stdout, "\nFAIL  %s (%s tier) in scenario %s, schedule %d (%s), step %d\n",
		f.Rule, f.Tier, f.Scenario, f.Schedule, f.Strategy, f.Step)
	printFailureBody(e, f.Rule, f.Message, f.Trace)
	if len(f.Rules) > 1 {
		fmt.Fprintf(e.stdout, "      the run also breaks %s (simrun replay lists every violation)\n", model.JoinRuleIDs(f.Rules[1:], ", "))
	}
}

// printFailureBody prints a failure's rule title, message and commands.
func printFailureBody(e *env, rule model.RuleID, msg, trace string) {
	const indent = "      "
	if title := ruleTitle(rule); title != "" {
		fmt.Fprintf(e.stdout, "%s%s: %s\n", indent, rule, title)
	}
	fmt.Fprint(e.stdout, wrap(traces.Sanitize(msg), textWidth, indent))
	if trace != "" {
		fmt.Fprintf(e.stdout, "%strace:  %s\n%sreplay: %s\n%sshrink: %s\n", indent, trace, indent, replayCommand(trace),
			indent, shrinkCommand(trace))
	}
}

// report prints the summary of the exploration.
func (x *explorer) report(stop string, elapsed time.Duration) {
	el := elapsed.Seconds()
	fmt.Fprintf(x.e.stdout, "\n%s: %s in %.2fs (%.0f/s), %s, %s",
		x.cfg.impl.Name, plural(x.runs, "schedule"), el, float64(x.runs)/max(el, 1e-9),
		x.distinct(), plural(x.failures, "failing run"))
	switch stop {
	case stopFailure:
		fmt.Fprintf(x.e.stdout, "; stopped at the first (--keep-going explores on)\n")
	case stopExhausted:
		fmt.Fprintf(x.e.stdout, "; every schedule within the bound explored\n")
	default:
		fmt.Fprintf(x.e.stdout, "\n")
	}
	if len(x.byRule) > 0 && x.cfg.keepGoing {
		var parts []string
		for _, r := range sortedKeys(x.byRule) {
			parts = append(parts, fmt.Sprintf("%s %d", r, x.byRule[r]))
		}
		fmt.Fprintf(x.e.stdout, "runs that break each rule: %s\n%s saved (the first of each scenario and rule); replay one with: simrun replay TRACE\n",
			strings.Join(parts, ", "), plural(len(x.saved), "trace"))
	}
	if n := x.linUndecided; n > 0 {
		fmt.Fprint(x.e.stdout, wrap(properties.LinUndecidedNote(x.cfg.linBudget, n), textWidth, ""))
	}
	if x.linReused > 0 {
		fmt.Fprintf(x.e.stdout, "LIN verdicts: %d checked by porcupine, %d reused from a run with the same history\n", x.linChecked, x.linReused)
	}
	if x.failures == 0 {
		fmt.Fprintf(x.e.stdout, "no rule broken\n")
	}
}

// reportJSON prints the machine-readable summary.
func (x *explorer) reportJSON(stop string, elapsed time.Duration) int {
	names := []string{}
	for _, s := range x.cfg.named {
		names = append(names, s.Name)
	}
	tier := tierAll
	if x.cfg.documentedOnly {
		tier = tierDocumented
	}
	saved := x.saved
	if saved == nil {
		saved = []savedFailure{}
	}
	out := struct {
		Impl              string               `json:"impl"`
		Strategy          string               `json:"strategy"`
		Depth             int                  `json:"depth,omitempty"`
		Seed              uint64               `json:"seed"`
		Tier              string               `json:"tier"`
		Scenarios         []string             `json:"scenarios"`
		Generated         bool                 `json:"generated"`
		Schedules         int                  `json:"schedules"`
		DistinctHistories int                  `json:"distinctHistories"`
		DistinctCapped    bool                 `json:"distinctHistoriesCapped"`
		FailingRuns       int                  `json:"failingRuns"`
		FailuresByRule    map[model.RuleID]int `json:"failuresByRule"`
		Failures          []savedFailure       `json:"failures"`
		StoppedBy         string               `json:"stoppedBy"`
		LinBudget         int64                `json:"linBudget"`
		LinUndecided      int                  `json:"linUndecided"`
		ElapsedSeconds    float64              `json:"elapsedSeconds"`
		SchedulesPerSec   float64              `json:"schedulesPerSecond"`
	}{x.cfg.impl.Name, x.cfg.spec.Name, x.cfg.spec.Depth, x.cfg.spec.Seed, tier, names, x.cfg.generated, x.runs,
		len(x.seen), len(x.seen) >= maxDistinctHistories, x.failures, x.byRule, saved, stop,
		x.cfg.linBudget, x.linUndecided, elapsed.Seconds(),
		float64(x.runs) / max(elapsed.Seconds(), 1e-9)}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return x.e.errorf("explore: %v", err)
	}
	fmt.Fprintf(x.e.stdout, "%s\n", b)
	if x.failures > 0 {
		return exitFailure
	}
	return exitOK
}

// sortedKeys returns the keys of m in the order of the rule table, unknown
// ones last.
func sortedKeys(m map[model.RuleID]int) []model.RuleID {
	order := map[model.RuleID]int{}
	for i, r := range model.Rules() {
		order[r.ID] = i + 1
	}
	var keys []model.RuleID
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b model.RuleID) int {
		oa, ob := order[a], order[b]
		if oa == 0 {
			oa = len(order) + 1
		}
		if ob == 0 {
			ob = len(order) + 1
		}
		if oa != ob {
			return oa - ob
		}
		return strings.Compare(string(a), string(b))
	})
	return keys
}
