package traces

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// The tiers a violation may have, and the tiers a run may be checked at.
const (
	tierDocumented = "documented"
	tierSafe       = "safe"
	tierAll        = "all"
)

// checker holds what Check has learnt of a trace so far.
type checker struct {
	t *Trace
	// bound is the step bound in force: config.maxSteps, or
	// DefaultMaxSteps for 0.
	bound int64
	// threads is the highest thread ID the log spawns.
	threads int32
	// lastStep is the step of the last event, 0 for an empty log.
	lastStep int64
}

// bad returns an error about the member at path (JSON-path style). The
// message is sanitized, since it may quote the trace.
func bad(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s%s", ErrFormat, path, Sanitize(fmt.Sprintf(format, args...)))
}

// inRange returns an error when v is outside [lo, hi].
func inRange(path string, v, lo, hi int64) error {
	if v < lo || v > hi {
		return bad(path, " is %d, want %d to %d", v, lo, hi)
	}
	return nil
}

// name checks the length of a name.
func name(path, s string) error {
	if len(s) > MaxNameBytes {
		return bad(path, " is %d bytes long, more than %d", len(s), MaxNameBytes)
	}
	return nil
}

// message checks the length of a message.
func message(path, s string) error {
	if len(s) > MaxMessageBytes {
		return bad(path, " is %d bytes long, more than %d", len(s), MaxMessageBytes)
	}
	return nil
}

// Check reports the first inconsistency in t, wrapping ErrFormat and naming
// the member, JSON-path style ("decisions[3].n").
func (t *Trace) Check() error {
	if t.Format != Format {
		return bad("format", " is %q, not %q", t.Format, Format)
	}
	if t.Version != Version {
		return bad("version", " is %d, not %d", t.Version, Version)
	}
	if t.Impl == "" {
		return bad("impl", ": no implementation name")
	}
	if err := name("impl", t.Impl); err != nil {
		return err
	}
	if err := t.Scenario.Validate(); err != nil {
		// The scenario package's errors name the scenario already.
		return fmt.Errorf("%w: %s", ErrFormat, Sanitize(err.Error()))
	}
	if err := name("scenario.name", t.Scenario.Name); err != nil {
		return err
	}
	c := &checker{t: t}
	for _, f := range []func() error{c.strategy, c.config, c.events, c.decisions, c.names, c.calls, c.verdict} {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) strategy() error {
	s := c.t.Strategy
	if err := name("strategy.name", s.Name); err != nil {
		return err
	}
	if err := inRange("strategy.depth", int64(s.Depth), -1, MaxStrategyDepth); err != nil {
		return err
	}
	return inRange("strategy.maxSteps", s.MaxSteps, 0, MaxRunSteps)
}

func (c *checker) config() error {
	cfg := c.t.Config
	if cfg.Tier != tierAll && cfg.Tier != tierDocumented {
		return bad("config.tier", " is %q, want %q or %q", cfg.Tier, tierAll, tierDocumented)
	}
	if cfg.MaxSteps < 0 {
		return bad("config.maxSteps", " is negative (%d)", cfg.MaxSteps)
	}
	if err := inRange("config.maxSteps", cfg.MaxSteps, 0, MaxRunSteps); err != nil {
		return err
	}
	c.bound = cfg.MaxSteps
	if c.bound == 0 {
		c.bound = DefaultMaxSteps
	}
	return nil
}

func (c *checker) events() error {
	lastTime := int64(0)
	for i, ev := range c.t.Events {
		at := func(member string) string { return fmt.Sprintf("events[%d]%s", i, member) }
		kind, ok := scheduler.ParseEventKind(ev.Kind)
		if !ok {
			return bad(at(".kind"), ": unknown kind %q", ev.Kind)
		}
		if ev.Step < c.lastStep || ev.Time < lastTime {
			return bad(at(""), ": step or time goes backwards")
		}
		if ev.Step > c.bound {
			return bad(at(".step"), " is %d, beyond the step bound %d", ev.Step, c.bound)
		}
		c.lastStep, lastTime = ev.Step, ev.Time
		if err := name(at(".op"), ev.Op); err != nil {
			return err
		}
		if kind == scheduler.EvClock {
			if ev.Thread != int32(scheduler.NoThread) {
				return bad(at(".thread"), ": a clock event belongs to no thread (-1), not T%d", ev.Thread)
			}
			continue
		}
		if ev.Thread < 0 || ev.Thread > c.threads {
			return bad(at(".thread"), ": thread T%d does not exist yet", ev.Thread)
		}
		if kind == scheduler.EvSpawn {
			if ev.Args[0] != int64(c.threads)+1 {
				return bad(at(".args"), ": spawn of T%d, want T%d", ev.Args[0], c.threads+1)
			}
			if c.threads+1 >= maxThreads {
				return bad(at(""), ": more than %d threads", maxThreads)
			}
			c.threads++
		}
	}
	if n, most := int64(len(c.t.Events)), maxEventsPerStep*(c.bound+1)+maxEventsPerThread*(int64(c.threads)+1); n > most {
		return bad("events", ": %d events, more than the step bound %d allows (%d)", n, c.bound, most)
	}
	return nil
}

func (c *checker) decisions() error {
	if n, most := int64(len(c.t.Decisions)), maxDecisionsPerStep*(c.bound+1); n > most {
		return bad("decisions", ": %d decisions, more than the step bound %d allows (%d)", n, c.bound, most)
	}
	last := int64(1)
	for i, d := range c.t.Decisions {
		at := func(member string) string { return fmt.Sprintf("decisions[%d]%s", i, member) }
		switch d.Kind {
		case scheduler.DecThread.String():
			if err := inRange(at(".n"), int64(d.N), 2, min(int64(c.threads)+1, maxThreads)); err != nil {
				return err
			}
			if d.Value < 0 || d.Value > int64(c.threads) {
				return bad(at(".value"), ": thread T%d does not exist", d.Value)
			}
		case scheduler.DecValue.String():
			if err := inRange(at(".n"), int64(d.N), 2, maxValueOptions); err != nil {
				return err
			}
			if d.Value < 0 || d.Value >= int64(d.N) {
				return bad(at(".value"), " is %d, out of [0, %d)", d.Value, d.N)
			}
		default:
			return bad(at(".kind"), ": unknown kind %q", d.Kind)
		}
		// A thread decision is recorded with the step it starts, before
		// the bound refuses it: bound+1 at most.
		switch {
		case d.Step < 1:
			return bad(at(".step"), " is %d, want at least 1", d.Step)
		case d.Step < last:
			return bad(at(".step"), " is %d, before the step %d of the decision before it", d.Step, last)
		case d.Step > c.bound+1:
			return bad(at(".step"), " is %d, beyond the step bound %d", d.Step, c.bound)
		case len(c.t.Events) > 0 && d.Step > c.lastStep+1:
			return bad(at(".step"), " is %d, beyond the log, which ends at step %d", d.Step, c.lastStep)
		}
		last = d.Step
	}
	return nil
}

func (c *checker) names() error {
	t := c.t
	if len(t.Threads) != int(c.threads)+1 && !(len(t.Events) == 0 && len(t.Threads) == 0) {
		return bad("threads", ": %d thread names for %d threads", len(t.Threads), c.threads+1)
	}
	for i, s := range t.Threads {
		if err := name(fmt.Sprintf("threads[%d]", i), s); err != nil {
			return err
		}
	}
	for i, s := range t.Cells {
		if err := name(fmt.Sprintf("cells[%d]", i), s); err != nil {
			return err
		}
	}
	return nil
}

func (c *checker) calls() error {
	t := c.t
	n := int64(len(t.Events))
	for i, call := range t.Calls {
		at := func(member string) string { return fmt.Sprintf("calls[%d]%s", i, member) }
		if _, ok := sim.ParseCallKind(call.Kind); !ok {
			return bad(at(".kind"), ": unknown kind %q", call.Kind)
		}
		if call.ID != i+1 {
			return bad(at(".id"), " is %d, want %d", call.ID, i+1)
		}
		if call.CallTick < 0 || call.CallTick >= n || (call.Returned && (call.ReturnTick < call.CallTick || call.ReturnTick >= n)) ||
			(!call.Returned && call.ReturnTick != -1) {
			return bad(at(""), ": ticks [%d, %d] outside the log of %d events", call.CallTick, call.ReturnTick, n)
		}
		if call.Thread < 0 || call.Thread > c.threads {
			return bad(at(".thread"), ": thread T%d does not exist", call.Thread)
		}
		if call.Worker < -1 || call.Worker >= len(t.Scenario.Workers) {
			return bad(at(".worker"), ": worker w%d does not exist", call.Worker)
		}
		for j, w := range call.Workers {
			if w < -1 || w >= len(t.Scenario.Workers) {
				return bad(at(fmt.Sprintf(".workers[%d]", j)), ": worker w%d does not exist", w)
			}
		}
		if call.HThreads != nil && len(call.HThreads) != len(call.Workers) {
			return bad(at(".hThreads"), " has %d entries, but workers has %d", len(call.HThreads), len(call.Workers))
		}
	}
	return nil
}

func (c *checker) verdict() error {
	v := &c.t.Verdict
	steps := c.lastStep + 1 // the last step a verdict may name
	for i, x := range v.Violations {
		at := func(member string) string { return fmt.Sprintf("verdict.violations[%d]%s", i, member) }
		if x.Rule == "" {
			return bad(at(".rule"), " is empty")
		}
		if err := name(at(".rule"), x.Rule); err != nil {
			return err
		}
		if x.Tier != tierDocumented && x.Tier != tierSafe {
			return bad(at(".tier"), " is %q, want %q or %q", x.Tier, tierDocumented, tierSafe)
		}
		if err := message(at(".message"), x.Message); err != nil {
			return err
		}
		if err := inRange(at(".step"), x.Step, 0, steps); err != nil {
			return err
		}
		if err := inRange(at(".tick"), x.Tick, 0, int64(len(c.t.Events))); err != nil {
			return err
		}
		if _, ok := sim.ParseFaultKind(x.Fault); x.Fault != "" && !ok {
			return bad(at(".fault"), " is %q, not a kernel fault kind", x.Fault)
		}
	}
	if err := name("verdict.rule", v.Rule); err != nil {
		return err
	}
	if err := message("verdict.message", v.Message); err != nil {
		return err
	}
	if err := inRange("verdict.step", v.Step, 0, steps); err != nil {
		return err
	}
	for i, th := range v.Threads {
		if th < 0 || th > c.threads {
			return bad(fmt.Sprintf("verdict.threads[%d]", i), ": thread T%d does not exist", th)
		}
	}
	if v.Failed {
		// The verdict repeats the first violation.
		switch {
		case v.Rule == "":
			return bad("verdict.rule", " is empty, but verdict.failed is true")
		case v.Tier != tierDocumented && v.Tier != tierSafe:
			return bad("verdict.tier", " is %q, want %q or %q", v.Tier, tierDocumented, tierSafe)
		case len(v.Violations) == 0:
			return bad("verdict.violations", " is empty, but verdict.failed is true")
		}
		if first := v.Violations[0]; v.Rule != first.Rule || v.Tier != first.Tier || v.Message != first.Message || v.Step != first.Step {
			return bad("verdict", ": the rule, tier, message and step differ from those of verdict.violations[0]")
		}
	} else {
		switch {
		case v.Rule != "" || v.Tier != "" || v.Message != "":
			return bad("verdict", ": verdict.failed is false, but the verdict names a rule, tier or message")
		case v.Step != 0 || len(v.Threads) > 0:
			return bad("verdict", ": verdict.failed is false, but the verdict names a step or threads")
		case len(v.Violations) > 0:
			return bad("verdict.violations", ": %d violations, but verdict.failed is false", len(v.Violations))
		}
	}
	if f := v.Failure; f != nil {
		if _, ok := scheduler.ParseFailureKind(f.Kind); !ok {
			return bad("verdict.failure.kind", ": unknown kind %q", f.Kind)
		}
		if err := inRange("verdict.failure.step", f.Step, 0, steps); err != nil {
			return err
		}
		if f.Thread < int32(scheduler.NoThread) || f.Thread > c.threads {
			return bad("verdict.failure.thread", ": thread T%d does not exist", f.Thread)
		}
		if err := message("verdict.failure.message", f.Message); err != nil {
			return err
		}
	}
	return nil
}
