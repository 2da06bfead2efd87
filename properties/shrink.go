package properties

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Tuning numbers of Shrink.
const (
	// DefaultShrinkBudget is the number of runs Shrink may make when its
	// budget argument is not positive. A run of a scenario takes well under
	// a millisecond, so the default shrinks in a second or two.
	DefaultShrinkBudget = 2000
	// shrunkSuffix is appended to the name of a scenario that Shrink
	// simplified, so that a report never passes it off as the named one.
	shrunkSuffix = "-shrunk"
	// shrunkStrategy is the strategy name a shrunk trace records: its
	// schedule was found by shrinking, not by a strategy and a seed.
	shrunkStrategy = "shrunk"
	// variantSearchRuns bounds the random schedules Shrink tries on a
	// simpler scenario whose threads no longer match the best run's choices.
	variantSearchRuns = 50
	// variantSearchFinds bounds the failing runs of such a scenario that
	// Shrink shrinks in the hope of one no larger than the best run.
	variantSearchFinds = 4
)

// ScheduleSize measures one failing run, before or after shrinking.
type ScheduleSize struct {
	// Decisions is the number of decisions of the run: what a strict
	// replay needs.
	Decisions int
	// Choices is the number of decisions that differ from the default
	// choice (keep the current thread, or run the lowest enabled one; take
	// value 0). A run with no choices is the non-preemptive schedule.
	Choices int
	// Preemptions is the number of thread decisions that ran another thread
	// while the current one was still enabled.
	Preemptions int
	// Steps is the number of scheduling steps of the run.
	Steps int64
	// Threads is the number of simulated threads of the run.
	Threads int
	// Scenario is the scenario of the run, on one line.
	Scenario string
}

// ShrinkStats says what Shrink did.
type ShrinkStats struct {
	// Rule is the rule the run breaks, before and after.
	Rule model.RuleID
	// Before and After measure the run given and the run returned.
	Before, After ScheduleSize
	// Runs is the number of runs Shrink made.
	Runs int
	// Exhausted reports that the budget ran out before no further
	// simplification was found; the result is valid but may shrink more.
	Exhausted bool
	// ScenarioChanged reports that the scenario itself was simplified.
	ScenarioChanged bool
}

// String renders the stats on one line.
func (s ShrinkStats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rule %s: decisions %d -> %d, choices %d -> %d, preemptions %d -> %d, steps %d -> %d (%d runs",
		s.Rule, s.Before.Decisions, s.After.Decisions, s.Before.Choices, s.After.Choices,
		s.Before.Preemptions, s.After.Preemptions, s.Before.Steps, s.After.Steps, s.Runs)
	if s.Exhausted {
		b.WriteString(", budget exhausted")
	}
	b.WriteString(")")
	return b.String()
}

// Shrink makes a failing trace smaller while the run keeps breaking the
// same rule (the rule of its first violation), and returns the smaller trace.
//
// It works outside rapid, on the trace alone, by delta debugging (ddmin,
// Zeller and Hildebrandt 2002) over the decisions of the run that differ from
// the default choice: a removed decision becomes "keep running the current
// thread" (or "take value 0"), which a lenient replay
// ([scheduler.NewLenientReplay]) supplies wherever an edited recording no
// longer fits the run. Between rounds of ddmin it simplifies the scenario
// itself: it drops terminator threads, worker structs and cycles, shortens
// behaviours, zeroes delays and switches fault injection off, keeping only
// changes that Scenario.Validate accepts and after which the same rule still
// breaks. A variant without one of the run's threads numbers the other
// threads and steps differently, so the old choices rarely fit it; for those
// Shrink also tries a few seeded random schedules and shrinks the failing
// ones. A candidate is kept only when it has no more decisions, choices and
// preemptions than the best run so far, so the result never grows, and the
// same trace always shrinks to the same result.
//
// newAPI must build the implementation the trace was recorded with. budget
// bounds the number of runs (DefaultShrinkBudget when not positive); when it
// runs out, Shrink returns the best run found so far. The returned trace is
// recorded from a strict replay of the final decisions, so it replays exactly
// with [Replay]. Shrink fails when the trace does not replay exactly or
// breaks no rule.
func Shrink(tr *traces.Trace, newAPI func() sim.WorkerAPI, budget int) (*traces.Trace, ShrinkStats, error) {
	return ShrinkRule(tr, newAPI, budget, "")
}

// ShrinkRule is Shrink for one rule of the run: it keeps a smaller run as
// long as it breaks rule, whether or not that is the run's first violation.
// That shrinks a failure that shows behind another one (a LIN failure in a
// run that races first). An empty rule means the rule of the first
// violation, as Shrink does.
func ShrinkRule(tr *traces.Trace, newAPI func() sim.WorkerAPI, budget int, rule model.RuleID) (*traces.Trace, ShrinkStats, error) {
	var stats ShrinkStats
	if budget <= 0 {
		budget = DefaultShrinkBudget
	}
	orig, err := Replay(tr, newAPI)
	if err != nil {
		return nil, stats, err
	}
	stats.Runs++
	if !orig.Failed() {
		return nil, stats, fmt.Errorf("properties: nothing to shrink: the trace breaks no rule")
	}
	documentedOnly := tr.Config.Tier == "documented"
	s := &shrinker{runner: NewRunner(newAPI, tr.Config.MaxSteps, documentedOnly), rule: orig.First().Rule, budget: budget}
	if rule != "" {
		if !breaks(orig, rule) {
			return nil, stats, fmt.Errorf("properties: nothing to shrink: the trace does not break rule %s (it breaks %s)",
				rule, model.JoinRuleIDs(ruleIDs(orig.Violations), ", "))
		}
		s.rule, s.anyViolation = rule, true
	}
	stats.Rule = s.rule
	// Measure the original run: the observer sees which decisions were
	// choices and which preempted.
	start, ok := s.run(tr.Scenario, scheduler.NewReplay(tr.SchedulerDecisions()))
	if !ok {
		return nil, stats, fmt.Errorf("properties: internal error: the trace replayed once but not twice")
	}
	stats.Runs++
	s.best = start
	stats.Before = start.size
	s.shrink()
	stats.Runs += s.runs
	stats.Exhausted = s.exhausted()
	stats.ScenarioChanged = s.scenarioChanged

	if !s.improved {
		stats.After = start.size
		return tr.Clone(), stats, nil
	}
	// Record the final run from a strict replay of its full decision list.
	final, err := s.runner.Run(s.best.scn, scheduler.NewReplay(s.best.decisions))
	stats.Runs++
	if err != nil {
		return nil, stats, err
	}
	if final.Diverged != nil || !s.keeps(final) {
		return nil, stats, fmt.Errorf("properties: internal error: the shrunk run does not reproduce under a strict replay")
	}
	spec := StrategySpec{Name: shrunkStrategy, Seed: tr.Strategy.Seed}
	out := final.Trace(tr.Impl, spec, tr.Config.MaxSteps, documentedOnly)
	if err := out.Check(); err != nil {
		return nil, stats, fmt.Errorf("properties: internal error: the shrunk trace is malformed: %w", err)
	}
	if _, err := Replay(out, newAPI); err != nil {
		return nil, stats, fmt.Errorf("properties: internal error: the shrunk trace does not replay: %w", err)
	}
	stats.Runs++
	stats.After = s.best.size
	return out, stats, nil
}

// shrinker holds the state of one Shrink.
type shrinker struct {
	runner *Runner
	// rule is the rule a kept run must break: as its first violation, or
	// anywhere when anyViolation is set.
	rule            model.RuleID
	anyViolation    bool
	budget, runs    int
	best            candidate
	improved        bool
	scenarioChanged bool
}

// candidate is one failing run that Shrink may keep.
type candidate struct {
	scn scenario.Scenario
	// decisions is the run's full decision list, for a strict replay.
	decisions []scheduler.Decision
	// choices are the decisions that differ from the default choice; a
	// lenient replay of them reproduces the run.
	choices []scheduler.Decision
	size    ScheduleSize
}

func (s *shrinker) exhausted() bool { return s.runs >= s.budget }

// keeps reports whether run o still breaks the shrinker's rule.
func (s *shrinker) keeps(o *Outcome) bool {
	if s.anyViolation {
		return breaks(o, s.rule)
	}
	return o.Failed() && o.First().Rule == s.rule
}

// breaks reports whether o has a violation of rule.
func breaks(o *Outcome, rule model.RuleID) bool {
	return slices.ContainsFunc(o.Violations, func(v Violation) bool { return v.Rule == rule })
}

// shrink alternates ddmin over the choices with scenario simplification
// until neither finds anything or the budget runs out.
func (s *shrinker) shrink() {
	for !s.exhausted() {
		s.ddmin()
		if !s.simplifyScenario() {
			return
		}
	}
}

// run executes scn under strat and returns the run as a candidate when it
// breaks the shrinker's rule.
func (s *shrinker) run(scn scenario.Scenario, strat scheduler.Strategy) (candidate, bool) {
	obs := &observer{inner: strat}
	o, err := s.runner.Run(scn, obs)
	if err != nil || o.Diverged != nil || !s.keeps(o) {
		return candidate{}, false
	}
	threads := 1
	for _, ev := range o.Result.Events {
		if ev.Kind == scheduler.EvSpawn {
			threads++
		}
	}
	c := candidate{scn: scn.Clone(), decisions: slices.Clone(o.Result.Decisions), choices: obs.choices}
	c.size = ScheduleSize{Decisions: len(c.decisions), Choices: len(obs.choices), Preemptions: obs.preemptions,
		Steps: o.Result.Steps, Threads: threads, Scenario: scn.String()}
	return c, true
}

// try runs scn under a lenient replay of choices, and keeps the run when it
// breaks the same rule and is no larger than the best one. It reports whether
// it kept it.
func (s *shrinker) try(scn scenario.Scenario, choices []scheduler.Decision) bool {
	if s.exhausted() {
		return false
	}
	s.runs++
	c, ok := s.run(scn, scheduler.NewLenientReplay(choices))
	if !ok || !noLarger(c.size, s.best.size) {
		return false
	}
	s.best, s.improved = c, true
	return true
}

// noLarger reports whether a has no more decisions, choices and preemptions
// than b.
func noLarger(a, b ScheduleSize) bool {
	return a.Decisions <= b.Decisions && a.Choices <= b.Choices && a.Preemptions <= b.Preemptions
}

// ddmin minimizes the best run's choices. A kept run's choices are the ones
// it actually made, which a lenient replay may have cut further than asked.
func (s *shrinker) ddmin() {
	if len(s.best.choices) == 0 || s.try(s.best.scn, nil) {
		return
	}
	n := 2
	for len(s.best.choices) >= 2 && !s.exhausted() {
		cs := s.best.choices
		n = min(n, len(cs))
		chunks := split(cs, n)
		reduced := false
		for _, ch := range chunks {
			if s.try(s.best.scn, ch) {
				n, reduced = 2, true
				break
			}
		}
		if !reduced && n > 2 {
			for i := range chunks {
				if s.try(s.best.scn, complement(chunks, i)) {
					n, reduced = max(n-1, 2), true
					break
				}
			}
		}
		if !reduced {
			if n >= len(cs) {
				return
			}
			n = min(2*n, len(cs))
		}
	}
}

// split cuts cs into n chunks of nearly equal length, in order.
func split(cs []scheduler.Decision, n int) [][]scheduler.Decision {
	out := make([][]scheduler.Decision, 0, n)
	for i := range n {
		lo, hi := i*len(cs)/n, (i+1)*len(cs)/n
		out = append(out, slices.Clone(cs[lo:hi]))
	}
	return out
}

// complement concatenates every chunk but chunk i.
func complement(chunks [][]scheduler.Decision, i int) []scheduler.Decision {
	var out []scheduler.Decision
	for j, ch := range chunks {
		if j != i {
			out = append(out, ch...)
		}
	}
	return out
}

// simplifyScenario tries the simpler variants of the best run's scenario,
// each with the best run's choices and then with the default schedule, and
// keeps the first that still breaks the rule. It reports whether it kept one.
func (s *shrinker) simplifyScenario() bool {
	variants, structural := simplerScenarios(s.best.scn)
	valid := make([]bool, len(variants))
	for i := range variants {
		v := &variants[i]
		valid[i] = v.Validate() == nil
		if !strings.HasSuffix(v.Name, shrunkSuffix) {
			v.Name += shrunkSuffix
		}
	}
	for i, v := range variants {
		if s.exhausted() {
			return false
		}
		if valid[i] && (s.try(v, s.best.choices) || s.try(v, nil)) {
			s.scenarioChanged = true
			return true
		}
	}
	// A variant without a thread of the run numbers the other threads and
	// steps differently, so the best run's choices no longer fit it; search
	// its schedules instead.
	for i, v := range variants[:structural] {
		if s.exhausted() {
			return false
		}
		if valid[i] && s.search(v) {
			s.scenarioChanged = true
			return true
		}
	}
	return false
}

// search runs scn under seeded random schedules for runs that break the
// rule, shrinks each it finds, and keeps the first that ends up no larger
// than the best run. It reports whether it kept one.
func (s *shrinker) search(scn scenario.Scenario) bool {
	found := 0
	for seed := range uint64(variantSearchRuns) {
		if s.exhausted() || found == variantSearchFinds {
			return false
		}
		s.runs++
		c, ok := s.run(scn, scheduler.NewRandom(seed))
		if !ok {
			continue
		}
		found++
		best, improved := s.best, s.improved
		s.best = c
		s.ddmin()
		if noLarger(s.best.size, best.size) {
			s.improved = true
			return true
		}
		s.best, s.improved = best, improved
	}
	return false
}

// simplerScenarios lists variants of sc that are each simpler in one
// respect, the largest cuts first. The first structural ones drop a
// terminator, a struct or a cycle, and with it threads of the run. Some
// variants may be invalid; the caller checks.
func simplerScenarios(sc scenario.Scenario) (out []scenario.Scenario, structural int) {
	edit := func(f func(*scenario.Scenario) bool) {
		v := sc.Clone()
		if f(&v) {
			out = append(out, v)
		}
	}
	for ti := len(sc.Terminators) - 1; ti >= 0; ti-- {
		edit(func(v *scenario.Scenario) bool {
			v.Terminators = slices.Delete(v.Terminators, ti, ti+1)
			return true
		})
	}
	for wi := len(sc.Workers) - 1; wi >= 0; wi-- {
		edit(func(v *scenario.Scenario) bool { return dropWorker(v, wi) })
	}
	for wi, w := range sc.Workers {
		for ci := len(w.Cycles) - 1; ci >= 0; ci-- {
			edit(func(v *scenario.Scenario) bool { return dropCycle(v, wi, ci) })
		}
	}
	structural = len(out)
	for wi, w := range sc.Workers {
		for ci, c := range w.Cycles {
			cyc := func(v *scenario.Scenario) *scenario.Cycle { return &v.Workers[wi].Cycles[ci] }
			if c.Behavior.Steps > 1 {
				edit(func(v *scenario.Scenario) bool { cyc(v).Behavior.Steps /= 2; return true })
			}
			if c.Behavior.Steps > 0 {
				edit(func(v *scenario.Scenario) bool { cyc(v).Behavior.Steps--; return true })
			}
			if c.Offline.Call != scenario.CallNone {
				edit(func(v *scenario.Scenario) bool { cyc(v).Offline = scenario.Action{}; return true })
			}
			if c.Reap {
				edit(func(v *scenario.Scenario) bool { cyc(v).Reap = false; return true })
			}
			if c.Delay > 0 {
				edit(func(v *scenario.Scenario) bool { cyc(v).Delay = 0; return true })
			}
			if c.OfflineDelay > 0 {
				edit(func(v *scenario.Scenario) bool { cyc(v).OfflineDelay = 0; return true })
			}
		}
	}
	for ti, t := range sc.Terminators {
		if t.Delay > 0 {
			edit(func(v *scenario.Scenario) bool { v.Terminators[ti].Delay = 0; return true })
		}
	}
	if sc.Faults {
		edit(func(v *scenario.Scenario) bool { v.Faults = false; return true })
	}
	return out, structural
}

// dropWorker removes struct wi and renumbers the structs after it in the
// terminators; a terminator left with no target is removed.
func dropWorker(v *scenario.Scenario, wi int) bool {
	v.Workers = slices.Delete(v.Workers, wi, wi+1)
	ts := v.Terminators[:0]
	for _, t := range v.Terminators {
		ws := t.Workers[:0]
		for _, w := range t.Workers {
			switch {
			case w == wi:
				continue
			case w > wi:
				w--
			}
			ws = append(ws, w)
		}
		t.Workers = ws
		if len(ws) == 0 && t.Call != scenario.CallWorkersTerminate {
			continue
		}
		ts = append(ts, t)
	}
	v.Terminators = ts
	return true
}

// dropCycle removes cycle ci of struct wi. Terminators of that cycle go
// with it; single-target terminators of later cycles move down by one. A
// multi-target terminator of a later cycle would change meaning, so the
// variant is not made then.
func dropCycle(v *scenario.Scenario, wi, ci int) bool {
	v.Workers[wi].Cycles = slices.Delete(v.Workers[wi].Cycles, ci, ci+1)
	ts := v.Terminators[:0]
	for _, t := range v.Terminators {
		if !slices.Contains(t.Workers, wi) {
			ts = append(ts, t)
			continue
		}
		switch {
		case t.Cycle == ci:
			continue
		case t.Cycle > ci:
			if len(t.Workers) != 1 {
				return false
			}
			t.Cycle--
		}
		ts = append(ts, t)
	}
	v.Terminators = ts
	return true
}

// observer wraps a strategy and records which of its decisions differ from
// the default choice and which preempt the running thread.
type observer struct {
	inner       scheduler.Strategy
	choices     []scheduler.Decision
	preemptions int
}

// NextThread implements scheduler.Strategy.
func (o *observer) NextThread(enabled []scheduler.ThreadID, current int, step int64) (int, error) {
	i, err := o.inner.NextThread(enabled, current, step)
	if err != nil || i < 0 || i >= len(enabled) {
		return i, err
	}
	if i != max(current, 0) {
		o.choices = append(o.choices, scheduler.Decision{Kind: scheduler.DecThread, Step: step,
			Value: int64(enabled[i]), N: len(enabled)})
	}
	if current >= 0 && i != current {
		o.preemptions++
	}
	return i, nil
}

// NextValue implements scheduler.Strategy.
func (o *observer) NextValue(thread scheduler.ThreadID, n int, step int64) (int, error) {
	v, err := o.inner.NextValue(thread, n, step)
	if err == nil && v != 0 {
		o.choices = append(o.choices, scheduler.Decision{Kind: scheduler.DecValue, Step: step, Value: int64(v), N: n})
	}
	return v, err
}

// Finish implements scheduler.Finisher for the strategies that need it.
func (o *observer) Finish(steps int64) error {
	if f, ok := o.inner.(scheduler.Finisher); ok {
		return f.Finish(steps)
	}
	return nil
}
