package traces

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// Check reports the first inconsistency in t, wrapping ErrFormat.
func (t *Trace) Check() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrFormat, fmt.Sprintf(format, args...))
	}
	if t.Impl == "" {
		return bad("no implementation name")
	}
	if err := t.Scenario.Validate(); err != nil {
		return bad("scenario: %v", err)
	}
	if t.Config.Tier != "all" && t.Config.Tier != "documented" {
		return bad("config.tier is %q, want \"all\" or \"documented\"", t.Config.Tier)
	}
	if t.Config.MaxSteps < 0 {
		return bad("config.maxSteps is negative")
	}
	threads := int32(0)
	lastStep, lastTime := int64(0), int64(0)
	for i, ev := range t.Events {
		kind, ok := scheduler.ParseEventKind(ev.Kind)
		if !ok {
			return bad("event %d: unknown kind %q", i, ev.Kind)
		}
		if ev.Step < lastStep || ev.Time < lastTime {
			return bad("event %d: step or time goes backwards", i)
		}
		lastStep, lastTime = ev.Step, ev.Time
		if kind == scheduler.EvClock {
			if ev.Thread != int32(scheduler.NoThread) {
				return bad("event %d: a clock event belongs to no thread", i)
			}
			continue
		}
		if ev.Thread < 0 || ev.Thread > threads || ev.Thread >= maxThreads {
			return bad("event %d: thread T%d does not exist yet", i, ev.Thread)
		}
		if kind == scheduler.EvSpawn {
			if ev.Args[0] != int64(threads)+1 {
				return bad("event %d: spawn of T%d, want T%d", i, ev.Args[0], threads+1)
			}
			threads++
		}
	}
	last := int64(0)
	for i, d := range t.Decisions {
		switch d.Kind {
		case scheduler.DecThread.String():
			if d.Value < 0 || d.Value > int64(threads) {
				return bad("decision %d: thread T%d does not exist", i, d.Value)
			}
		case scheduler.DecValue.String():
			if d.Value < 0 || d.Value >= int64(d.N) {
				return bad("decision %d: value %d out of [0, %d)", i, d.Value, d.N)
			}
		default:
			return bad("decision %d: unknown kind %q", i, d.Kind)
		}
		if d.N < 2 || d.Step < last || (len(t.Events) > 0 && d.Step > lastStep+1) {
			return bad("decision %d: step %d or option count %d out of order", i, d.Step, d.N)
		}
		last = d.Step
	}
	if len(t.Threads) != int(threads)+1 && !(len(t.Events) == 0 && len(t.Threads) == 0) {
		return bad("%d thread names for %d threads", len(t.Threads), threads+1)
	}
	n := int64(len(t.Events))
	for i, c := range t.Calls {
		if _, ok := sim.ParseCallKind(c.Kind); !ok {
			return bad("call %d: unknown kind %q", i, c.Kind)
		}
		if c.ID != i+1 {
			return bad("call %d: id %d, want %d", i, c.ID, i+1)
		}
		if c.CallTick < 0 || c.CallTick >= n || (c.Returned && (c.ReturnTick < c.CallTick || c.ReturnTick >= n)) ||
			(!c.Returned && c.ReturnTick != -1) {
			return bad("call %d: ticks [%d, %d] outside the log of %d events", i, c.CallTick, c.ReturnTick, n)
		}
		if c.Thread < 0 || c.Thread > threads {
			return bad("call %d: thread T%d does not exist", i, c.Thread)
		}
		if c.Worker < -1 || c.Worker >= len(t.Scenario.Workers) {
			return bad("call %d: worker w%d does not exist", i, c.Worker)
		}
		for _, w := range c.Workers {
			if w < -1 || w >= len(t.Scenario.Workers) {
				return bad("call %d: worker w%d does not exist", i, w)
			}
		}
	}
	return nil
}
