package properties

import (
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/traces"
)

// Trace records o as a trace file for implementation impl, found by spec.
func (o *Outcome) Trace(impl string, spec StrategySpec, maxSteps int64, documentedOnly bool) *traces.Trace {
	tier := "all"
	if documentedOnly {
		tier = "documented"
	}
	tr := &traces.Trace{
		Format: traces.Format, Version: traces.Version, Impl: clip(impl, traces.MaxNameBytes), Scenario: o.Scenario.Clone(),
		Strategy:  spec,
		Config:    traces.Config{MaxSteps: maxSteps, Tier: tier},
		Decisions: traces.FromDecisions(o.Result.Decisions),
		Events:    traces.FromEvents(o.Result.Result),
		Threads:   clipAll(o.Result.Names, traces.MaxNameBytes),
		Cells:     clipAll(o.Result.CellNames, traces.MaxNameBytes),
		Calls:     traces.FromCalls(o.Calls),
	}
	v := &tr.Verdict
	v.Threads = []int32{}
	v.Violations = []traces.Violation{}
	if f := o.Result.Failure; f != nil {
		v.Failure = &traces.Failure{Kind: f.Kind.String(), Step: f.Step, Thread: int32(f.Thread), Message: clip(f.Message, traces.MaxMessageBytes)}
	}
	for _, x := range o.Violations {
		tv := traces.Violation{Rule: string(x.Rule), Tier: x.Tier.String(), Message: clip(x.Message, traces.MaxMessageBytes), Step: x.Step, Tick: x.Tick}
		if x.Fault != 0 {
			tv.Fault = x.Fault.String()
		}
		v.Violations = append(v.Violations, tv)
	}
	if o.Failed() {
		first := o.First()
		v.Failed, v.Rule, v.Tier, v.Message, v.Step = true, string(first.Rule), first.Tier.String(), clip(first.Message, traces.MaxMessageBytes), first.Step
		for _, th := range first.Threads {
			v.Threads = append(v.Threads, int32(th))
		}
	}
	return tr
}

// clip cuts s to at most n bytes, at a character boundary, marking the cut
// with an ellipsis, so that what a run produced (a name an implementation
// chose, a panic message) always fits the trace format's limits.
func clip(s string, n int) string {
	const mark = "..."
	if len(s) <= n {
		return s
	}
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

// clipAll is clip over a list; it returns a new slice, never nil.
func clipAll(ss []string, n int) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clip(s, n)
	}
	return out
}

// Replay re-executes the run a trace records, against the implementation
// newAPI builds, and checks that it reproduces the recorded log and history
// exactly. The error wraps [scheduler.ErrDiverged] and says at which tick
// and step the run first differs from the recording; the outcome is
// returned as far as it got.
//
// The work is bounded by the trace itself, not by the numbers it claims:
// the engine compares every event with the recorded one as the run goes
// (scheduler.Config.Expect) and stops the run at the first that differs or
// that the recording does not have, so a replay never logs more than one
// event past the recording. (A faithful replay takes exactly the recorded
// steps; it is also stopped one step past the recording's last event, or
// at the recorded step bound when that is lower.) A trace of a run the
// engine abandoned (an ESCAPE: simulated code stuck on a real Go
// primitive) replays to the same stuck step, after a watchdog period of
// real time, and is then abandoned again.
func Replay(tr *traces.Trace, newAPI func() sim.WorkerAPI) (*Outcome, error) {
	return replay(tr, newAPI, model.DefaultBudget)
}

// replay is Replay with a LIN budget of linBudget model steps.
func replay(tr *traces.Trace, newAPI func() sim.WorkerAPI, linBudget int64) (*Outcome, error) {
	return replayWatched(tr, newAPI, linBudget, 0)
}

// replayWatched is replay with a watchdog period of watchdog (0: the
// default; see Runner.SetWatchdog).
func replayWatched(tr *traces.Trace, newAPI func() sim.WorkerAPI, linBudget int64, watchdog time.Duration) (*Outcome, error) {
	documentedOnly := tr.Config.Tier == "documented"
	r := NewRunner(newAPI, replayStepBound(tr), documentedOnly)
	r.SetLinBudget(linBudget)
	r.SetWatchdog(watchdog)
	r.expect, r.expectOps = expectedLog(tr.Events)
	strat := scheduler.NewReplay(tr.SchedulerDecisions())
	o, err := r.Run(tr.Scenario, strat)
	if err != nil {
		return nil, err
	}
	got := traces.FromEvents(o.Result.Result)
	for i := range min(len(got), len(tr.Events)) {
		if got[i] != tr.Events[i] {
			return o, fmt.Errorf("properties: %w at tick %d (step %d): the trace has %s, the run did %s",
				scheduler.ErrDiverged, i, tr.Events[i].Step, eventString(tr.Events[i]), eventString(got[i]))
		}
	}
	// The logs agree as far as both go.
	if o.Diverged != nil {
		if errors.Is(o.Diverged, scheduler.ErrDiverged) {
			// The strategy's error, or the engine's when the run went on
			// past the recording: both name the tick or step.
			return o, o.Diverged.Err
		}
		return o, fmt.Errorf("properties: %w: %s", scheduler.ErrDiverged, o.Diverged.Message)
	}
	switch {
	case len(got) < len(tr.Events):
		return o, fmt.Errorf("properties: %w: the run ended at tick %d but the trace goes on to tick %d (%s)",
			scheduler.ErrDiverged, len(got), len(tr.Events)-1, eventString(tr.Events[len(got)]))
	case len(got) > len(tr.Events):
		return o, fmt.Errorf("properties: %w: the trace ends at tick %d but the run goes on (%s)",
			scheduler.ErrDiverged, len(tr.Events), eventString(got[len(tr.Events)]))
	}
	calls := traces.FromCalls(o.Calls)
	if !slices.EqualFunc(calls, tr.Calls, func(a, b traces.Call) bool {
		return a.ID == b.ID && a.Kind == b.Kind && a.Result == b.Result && a.CallTick == b.CallTick && a.ReturnTick == b.ReturnTick
	}) {
		return o, fmt.Errorf("properties: %w: the same log gave a different history", scheduler.ErrDiverged)
	}
	return o, nil
}

// expectedLog turns a trace's log into the engine's expectation (see
// scheduler.Config.Expect): the events, with their operations numbered in
// the order they first appear, and the names of those numbers. Nothing is
// interned in the engine, so a forged trace cannot fill its table. An
// unknown kind (which a checked trace does not have) becomes 0, which no
// run logs.
func expectedLog(evs []traces.Event) ([]scheduler.Event, []string) {
	out := make([]scheduler.Event, len(evs))
	ops := []string{""}
	index := map[string]scheduler.OpID{"": 0}
	for i, ev := range evs {
		id, ok := index[ev.Op]
		if !ok && len(ops) <= int(^scheduler.OpID(0)) {
			id = scheduler.OpID(len(ops))
			index[ev.Op] = id
			ops = append(ops, ev.Op)
		} else if !ok {
			// More distinct names than OpIDs: the engine has no more
			// either, so the run cannot match this event.
			id = 0
		}
		kind, _ := scheduler.ParseEventKind(ev.Kind)
		out[i] = scheduler.Event{Kind: kind, Op: id, Thread: scheduler.ThreadID(ev.Thread), Step: ev.Step,
			Time: ev.Time, Args: ev.Args, Result: ev.Result}
	}
	return out, ops
}

// replayStepBound is the step bound of a replay of tr: the recorded bound,
// lowered to one step past the recording's last event (the step a run the
// engine abandoned was stuck in). A replay that follows the recording
// never needs more; one that does not is stopped there, if its log has not
// stopped it before.
func replayStepBound(tr *traces.Trace) int64 {
	bound := tr.Config.MaxSteps
	if bound <= 0 {
		bound = DefaultMaxSteps
	}
	last := int64(0)
	if n := len(tr.Events); n > 0 {
		last = tr.Events[n-1].Step
	}
	return max(1, min(bound, last+1))
}

func eventString(e traces.Event) string {
	s := fmt.Sprintf("%s by T%d", e.Kind, e.Thread)
	if e.Op != "" {
		s = fmt.Sprintf("%s %s(%d, %d, %d) by T%d = %d", e.Kind, e.Op, e.Args[0], e.Args[1], e.Args[2], e.Thread, e.Result)
	}
	return s
}
