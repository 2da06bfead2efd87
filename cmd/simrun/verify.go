package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

const verifyAbout = `
Verify an implementation on named scenarios with dynamic partial-order
reduction (DPOR): every class of equivalent schedules (schedules that order
every pair of dependent steps the same way) within the preemption bound is
run and checked: at least once under a bound (where DPOR cannot tell two
runs of a class apart, so it counts runs), exactly once without one. For each scenario it prints either

  verified: every class of schedules of SCENARIO within preemption bound K covered (M runs, plain DFS would need P)
  verified: all N classes of schedules of SCENARIO with any number of preemptions (M runs, plain DFS would need P)

or the first failure with its trace. "--bound none" drops the bound: then a
verified scenario is verified for every schedule. "not verified" means the
run cap (--runs) ran out first: no rule was broken in what ran, nothing more.

Scale: -j N runs N scenarios at once; --shard i/n runs the scenarios i, i+n,
i+2n... only (with "/n", the index comes from JOB_COMPLETION_INDEX, as in a
Kubernetes Indexed Job) and --summary FILE writes what the shard found;
"simrun merge" combines the shards' summaries. Nothing printed depends on -j
or on the shards.

Exit status: 0 when no rule was broken, 1 when a run broke one, 2 on a usage
error.`

// runVerify is "simrun verify".
func runVerify(e *env, args []string) int {
	f := newFlags(e, "verify", "--impl NAME [flags]", verifyAbout)
	impl := f.String("impl", "", "implementation `NAME` to verify (required; see simrun list impls)")
	scn := f.String("scenario", "", "comma-separated named `SCENARIOS` (default: every named scenario)")
	bound := f.String("bound", fmt.Sprint(properties.DefaultVerifyBound), "preemption `BOUND`, or none")
	runs := f.Int("runs", properties.DefaultVerifyRuns, "at most `N` runs per scenario")
	dfsRuns := f.Int("dfs-runs", 20_000, "run plain DFS for up to `N` schedules for the exact comparison (0: Knuth's estimate only)")
	jobs := f.Int("j", runtime.GOMAXPROCS(0), "verify `N` scenarios at once (the result does not depend on N)")
	shard := f.String("shard", "", "run shard `I/N` of the scenarios (/N: the index is $JOB_COMPLETION_INDEX)")
	summary := f.String("summary", "", "write the shard's summary to `FILE` (for simrun merge)")
	keepGoing := f.Bool("keep-going", false, "verify every scenario after a failure too")
	out := f.String("out", defaultTraceDir, "`DIR` for the trace of a failing run")
	tier := f.String("tier", tierAll, "`TIER` of rules to check: all, or documented")
	linBudget := linBudgetFlag(f)
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("verify", "unexpected argument %q", pos[0])
	}
	if *impl == "" {
		return e.usageError("verify", "--impl is required")
	}
	entry, err := lookupImpl(*impl)
	if err != nil {
		return e.usageError("verify", "%v", err)
	}
	spec, err := properties.ParseStrategy("dpor:"+*bound, 0)
	if err != nil {
		return e.usageError("verify", "--bound: %v", err)
	}
	if *runs < 1 || *dfsRuns < 0 || *jobs < 1 || *linBudget < 1 {
		return e.usageError("verify", "--runs, -j and --lin-budget must be at least 1, --dfs-runs at least 0")
	}
	documentedOnly, err := parseTier(*tier)
	if err != nil {
		return e.usageError("verify", "%v", err)
	}
	scenarios := scenario.Named()
	if *scn != "" {
		scenarios = nil
		for _, n := range strings.Split(*scn, ",") {
			s, err := lookupScenario(strings.TrimSpace(n))
			if err != nil {
				return e.usageError("verify", "%v", err)
			}
			scenarios = append(scenarios, s)
		}
	}
	o := properties.VerifyOptions{Bound: spec.Depth, Runs: *runs, DFSRuns: *dfsRuns, Parallel: *jobs,
		KeepGoing: *keepGoing, DocumentedOnly: documentedOnly, LinBudget: *linBudget, MaxSteps: properties.DefaultMaxSteps}
	if *shard != "" {
		if o.Shard, err = properties.ParseShard(*shard, os.Getenv); err != nil {
			return e.usageError("verify", "--shard: %v", err)
		}
	}
	p := newVerifyProgress(e, scenarios, o.Shard, o.KeepGoing)
	o.Progress, o.Verified = p.update, p.verified
	vs, err := properties.Verify(entry.New, scenarios, o)
	p.clear()
	if err != nil {
		return e.errorf("verify: %v", err)
	}
	names := make([]string, len(scenarios))
	for i, s := range scenarios {
		names[i] = s.Name
	}
	sum, err := properties.NewSummary(entry.Name, names, o, vs)
	if err != nil {
		return e.errorf("verify: %v", err)
	}
	if *summary != "" {
		if err := sum.WriteFile(*summary); err != nil {
			return e.errorf("verify: %v", err)
		}
	}
	// The scenarios' lines were printed as they were verified; the total
	// ends the report.
	fmt.Fprint(e.stdout, sum.Total())
	failed := false
	for _, v := range vs {
		if v == nil || v.Failure == nil {
			continue
		}
		failed = true
		path := filepath.Join(*out, fileName(entry.Name, v.Scenario, string(v.Failure.First().Rule), "dpor"))
		tr := v.Failure.Trace(entry.Name, v.Strategy, properties.DefaultMaxSteps, documentedOnly)
		if err := tr.WriteFile(path); err != nil {
			fmt.Fprintf(e.stderr, "simrun: verify: trace not saved: %v\n", err)
			path = ""
		}
		first := v.Failure.First()
		fmt.Fprintf(e.stdout, "\nFAIL  %s (%s tier) in scenario %s, step %d\n", first.Rule, first.Tier, v.Scenario, first.Step)
		printFailureBody(e, first.Rule, first.Message, path)
	}
	if failed {
		return exitFailure
	}
	return exitOK
}

// verifyProgress shows a verification's progress on stderr: one line
// redrawn on a terminal, a line every progressLogInterval elsewhere.
type verifyProgress struct {
	e        *env
	shard    properties.Shard
	keep     bool
	done     []*properties.Verification
	next     int  // the next scenario whose line is due
	stopped  bool // a failure's line was printed: no more lines
	names    []string
	mode     progressMode
	start    time.Time
	mu       sync.Mutex
	last     time.Time
	drawn    bool
	runs     []int
	estimate []float64
}

func newVerifyProgress(e *env, scenarios []scenario.Scenario, shard properties.Shard, keepGoing bool) *verifyProgress {
	p := &verifyProgress{e: e, mode: progressModeOf(e.stderr), start: time.Now(), shard: shard, keep: keepGoing,
		runs: make([]int, len(scenarios)), estimate: make([]float64, len(scenarios)),
		done: make([]*properties.Verification, len(scenarios))}
	for _, s := range scenarios {
		p.names = append(p.names, s.Name)
	}
	p.last = p.start
	return p
}

// update is VerifyOptions.Progress; it may be called from several
// goroutines.
func (p *verifyProgress) update(job, runs int, estimate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.runs[job], p.estimate[job] = runs, estimate
	every := progressInterval
	if p.mode == progressLines {
		every = progressLogInterval
	}
	now := time.Now()
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	total, left := 0, 0.0
	var active []string
	for i, r := range p.runs {
		total += r
		if r > 0 && p.estimate[i] > float64(r) {
			left += p.estimate[i] - float64(r)
			active = append(active, fmt.Sprintf("%s %d/~%s", p.names[i], r, roughCount(p.estimate[i])))
		}
	}
	line := fmt.Sprintf("simrun: verify: %d runs, %.0fs; ~%s runs left by Knuth's estimate: %s", total,
		now.Sub(p.start).Seconds(), roughCount(left), traces.Sanitize(strings.Join(active, ", ")))
	if p.mode == progressLines {
		fmt.Fprintln(p.e.stderr, line)
		return
	}
	p.drawn = true
	if len(line) > textWidth+20 {
		line = line[:textWidth+20]
	}
	fmt.Fprintf(p.e.stderr, "\r\x1b[K%s", line)
}

// verified is VerifyOptions.Verified: it prints each scenario's line on
// stdout in scenario order, as soon as it and the scenarios before it (of
// this shard) are done, and none after a failure unless keep, so stdout
// is what a sequential verification prints, whatever -j.
func (p *verifyProgress) verified(i int, v *properties.Verification) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done[i] = v
	for !p.stopped && p.next < len(p.done) {
		if !p.shard.Owns(p.next) {
			p.next++
			continue
		}
		d := p.done[p.next]
		if d == nil {
			return
		}
		if p.drawn {
			fmt.Fprint(p.e.stderr, "\r\x1b[K")
			p.drawn = false
		}
		fmt.Fprintln(p.e.stdout, d.Line())
		p.next++
		p.stopped = d.Failure != nil && !p.keep
	}
}

func (p *verifyProgress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.e.stderr, "\r\x1b[K")
	}
}

// roughCount renders an estimate compactly.
func roughCount(x float64) string {
	switch {
	case x >= 1e12:
		return fmt.Sprintf("%.1e", x)
	case x >= 1e9:
		return fmt.Sprintf("%.1fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.0fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}
