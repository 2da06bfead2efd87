package properties

import (
	"fmt"
	"io"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/traces"
)

// Colours and row names of the annotations Visualize adds.
const (
	violationColour = "#ff9191"
	faultColour     = "#ffc46b"
	injectedColour  = "#b5d8ff"
	failureColour   = "#efaefc"
	checkerColour   = "#d7f5d0"

	tagViolations = "violations"
	tagFaults     = "kernel faults"
	tagInjected   = "injected faults"
	tagEngine     = "engine"
	tagChecker    = "checker"
)

// Visualize writes porcupine's HTML view of the run a trace records to w:
// one row per simulated thread with its CLUS_WORKER calls (as the model's
// operations, on the tick clock), the linearization the model found or,
// for a history that is not linearizable, the longest partial ones, and
// annotations for what the checks found: every violation at its tick, the
// kernel faults the implementation caused (double closes, waits on closed
// handles, ...), the kernel calls that fault injection failed, and the
// engine's failure when the run ended early.
//
// Visualize works on the trace alone; it does not re-execute the run. It
// returns an error, never panics, when the history cannot be rendered.
func Visualize(tr *traces.Trace, w io.Writer) (err error) {
	events, err := schedulerEvents(tr)
	if err != nil {
		return err
	}
	ops := Operations(tr.SimCalls(), events)
	if err := model.Validate(ops); err != nil {
		return fmt.Errorf("clussim: the trace's history cannot be checked: %w", err)
	}
	m := model.New()
	res, info := porcupine.CheckOperationsVerbose(m, ops, 0)
	info.AddAnnotations(annotations(tr, res))
	// porcupine.Visualize replays the model over the partial
	// linearizations and panics if a step it found legal fails; the
	// model is deterministic, so that would be a bug, but it must not take
	// the command line down with it. The data is computed before anything
	// is written, so nothing partial reaches w.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("clussim: porcupine could not render the history: %v", r)
		}
	}()
	if err := porcupine.Visualize(m, info, w); err != nil {
		return fmt.Errorf("clussim: write visualization: %w", err)
	}
	return nil
}

// schedulerEvents converts a trace's log back to engine events, as far as
// Operations needs them (kinds, threads, steps, times, arguments, results).
func schedulerEvents(tr *traces.Trace) ([]scheduler.Event, error) {
	out := make([]scheduler.Event, len(tr.Events))
	for i, ev := range tr.Events {
		kind, ok := scheduler.ParseEventKind(ev.Kind)
		if !ok {
			return nil, fmt.Errorf("%w: event %d: unknown kind %q", traces.ErrFormat, i, ev.Kind)
		}
		out[i] = scheduler.Event{Kind: kind, Thread: scheduler.ThreadID(ev.Thread), Step: ev.Step, Time: ev.Time,
			Args: ev.Args, Result: ev.Result}
	}
	return out, nil
}

// annotations lists what Visualize marks on the history.
func annotations(tr *traces.Trace, res porcupine.CheckResult) []porcupine.Annotation {
	var out []porcupine.Annotation
	end := int64(len(tr.Events))
	verdict := "the history is linearizable: the model accepts every call's result"
	if res == porcupine.Illegal {
		verdict = "the history is not linearizable (rule LIN): no order of the calls explains their results"
	}
	out = append(out, porcupine.Annotation{Tag: tagChecker, Start: 0, End: end, Description: shortVerdict(res),
		Details: verdict, BackgroundColor: checkerColour})
	for tick, ev := range tr.Events {
		if ev.Kind == scheduler.EvChoice.String() && ev.Result != 0 {
			out = append(out, porcupine.Annotation{Tag: tagInjected, Start: int64(tick),
				Description: ev.Op, Details: fmt.Sprintf("fault injection failed %s by T%d at step %d", ev.Op, ev.Thread, ev.Step),
				BackgroundColor: injectedColour})
		}
	}
	for _, v := range tr.Verdict.Violations {
		tick := min(max(v.Tick, 0), end)
		if kind, ok := faultKind(v.Message); ok {
			out = append(out, porcupine.Annotation{Tag: tagFaults, Start: tick, Description: kind,
				Details: fmt.Sprintf("%s (%s tier): %s", v.Rule, v.Tier, v.Message), BackgroundColor: faultColour})
			continue
		}
		out = append(out, porcupine.Annotation{Tag: tagViolations, Start: tick, Description: v.Rule,
			Details:         fmt.Sprintf("%s (%s tier) at step %d: %s", v.Rule, v.Tier, v.Step, v.Message),
			BackgroundColor: violationColour})
	}
	if f := tr.Verdict.Failure; f != nil {
		out = append(out, porcupine.Annotation{Tag: tagEngine, Start: tickOfStep(tr, f.Step), End: end,
			Description: f.Kind, Details: fmt.Sprintf("the run ended early (%s at step %d): %s", f.Kind, f.Step, f.Message),
			BackgroundColor: failureColour})
	}
	return out
}

func shortVerdict(res porcupine.CheckResult) string {
	switch res {
	case porcupine.Ok:
		return "linearizable"
	case porcupine.Illegal:
		return "NOT linearizable"
	}
	return "unknown"
}

// faultKind reports whether a violation message describes a kernel fault
// ("double-close by T3 at step 57: ..."), and which.
func faultKind(msg string) (string, bool) {
	word, _, _ := strings.Cut(msg, " ")
	if _, ok := sim.ParseFaultKind(word); ok {
		return word, true
	}
	return "", false
}

// tickOfStep returns the first tick at or after step, or one past the log.
func tickOfStep(tr *traces.Trace, step int64) int64 {
	for i, ev := range tr.Events {
		if ev.Step >= step {
			return int64(i)
		}
	}
	return int64(len(tr.Events))
}
