package properties

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

func TestVisualizeFailingRun(t *testing.T) {
	for _, name := range []string{"literal", "bug-ex-double-close", "bug-ex-success-on-timeout"} {
		t.Run(name, func(t *testing.T) {
			tr, _ := failingTrace(t, name)
			var buf bytes.Buffer
			if err := Visualize(tr, &buf); err != nil {
				t.Fatalf("Visualize: %v", err)
			}
			html := buf.String()
			for _, want := range []string{"<html", tr.Verdict.Rule, tagViolations} {
				if !strings.Contains(html, want) && !(want == tagViolations && onlyFaults(tr)) {
					t.Errorf("the page lacks %q", want)
				}
			}
		})
	}
}

// onlyFaults reports whether every violation of tr is a kernel fault, which
// Visualize puts in the fault row instead of the violation row.
func onlyFaults(tr *traces.Trace) bool {
	for _, v := range tr.Verdict.Violations {
		if _, ok := faultKind(v.Message); !ok {
			return false
		}
	}
	return true
}

func TestVisualizeCleanRun(t *testing.T) {
	e, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("multi-timeout")
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(3))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("reference", StrategySpec{Name: "random", Seed: 3}, DefaultMaxSteps, false)
	var buf bytes.Buffer
	if err := Visualize(tr, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<html") || !strings.Contains(buf.String(), "linearizable") {
		t.Fatal("the page of a clean run lacks the HTML or the checker's verdict")
	}
}

func TestVisualizeMalformedHistory(t *testing.T) {
	e, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("join")
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("reference", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false)
	// A routine exit at tick 0 is not a history the harness can make.
	for i := range tr.Calls {
		if tr.Calls[i].Kind == "RoutineExit" {
			tr.Calls[i].CallTick, tr.Calls[i].ReturnTick = 0, 0
		}
	}
	var buf bytes.Buffer
	err = Visualize(tr, &buf)
	if err == nil {
		t.Fatal("Visualize accepted a malformed history")
	}
	if buf.Len() != 0 {
		t.Fatal("Visualize wrote a partial page before failing")
	}
}

// FuzzVisualize renders arbitrary traces that Decode accepts: Visualize must
// return an error rather than panic on a history the checks never made.
func FuzzVisualize(f *testing.F) {
	e, _ := impls.Lookup("literal")
	for _, name := range []string{"racing-terminators", "join", "multi-null"} {
		s, _ := scenario.Lookup(name)
		o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(1))
		if err != nil {
			f.Fatal(err)
		}
		b, err := o.Trace("literal", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := traces.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		_ = Visualize(tr, io.Discard)
	})
}
