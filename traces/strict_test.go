package traces_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

func TestDefaultMaxStepsMatchesProperties(t *testing.T) {
	if traces.DefaultMaxSteps != properties.DefaultMaxSteps {
		t.Fatalf("traces.DefaultMaxSteps is %d, properties.DefaultMaxSteps %d: a trace recording config.maxSteps 0 "+
			"would be checked against another bound than its run had", traces.DefaultMaxSteps, properties.DefaultMaxSteps)
	}
}

// TestDecodeAcceptsWhatTheWriterWrites checks the strict decoder against
// the writer: every implementation on every named scenario, under the
// kinds of strategy the writer records in turn, at both tiers.
func TestDecodeAcceptsWhatTheWriterWrites(t *testing.T) {
	specs := []properties.StrategySpec{
		{Name: "random", Seed: 1},
		{Name: "pct", Seed: 2, Depth: properties.DefaultPCTDepth, MaxSteps: properties.DefaultPCTMaxSteps},
		{Name: "dfs", Depth: -1},
		{Name: "rapid"},
	}
	for i, impl := range impls.Names() {
		t.Run(impl, func(t *testing.T) {
			t.Parallel()
			e, _ := impls.Lookup(impl)
			for j, name := range scenario.Names() {
				s, _ := scenario.Lookup(name)
				n := i + j
				spec, documented := specs[n%len(specs)], n%3 == 0
				maxSteps := int64(properties.DefaultMaxSteps)
				if n%5 == 0 {
					maxSteps = 0 // the default bound, recorded as 0
				}
				o, err := properties.NewRunner(e.New, maxSteps, documented).Run(s, scheduler.NewRandom(uint64(n)))
				if err != nil {
					t.Fatal(err)
				}
				b := marshal(t, o.Trace(impl, spec, maxSteps, documented))
				back, err := traces.Decode(bytes.NewReader(b))
				if err != nil {
					t.Fatalf("on %s (%s): the writer's trace does not decode: %v", name, spec.Name, err)
				}
				if !bytes.Equal(marshal(t, back), b) {
					t.Fatalf("on %s (%s): Decode then Marshal changed the bytes", name, spec.Name)
				}
			}
		})
	}
}

// TestDecodeAcceptsEquivalentText checks that strictness is about meaning,
// not layout: the same trace in another member order, compact, with an
// optional member left out, or with a character written as an escape
// decodes.
func TestDecodeAcceptsEquivalentText(t *testing.T) {
	compact := func(t testing.TB) []byte {
		var buf bytes.Buffer
		if err := json.Compact(&buf, marshal(t, failingTrace(t))); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	for _, tc := range []struct {
		name string
		data func(testing.TB) []byte
	}{
		{"members sorted", jsonEdit(func(map[string]any) {})},
		{"compact", compact},
		{"event without op", jsonEdit(func(doc map[string]any) { delete(node(doc, "events", 1), "op") })},
		{"scenario member left out", without("faults", "scenario")},
		{"surrogate pair", replace(`"impl": "literal"`, `"impl": "lit\ud83d\ude00eral"`)},
		{"escaped letters", replace(`"impl": "literal"`, `"impl": "lit\u0065ral"`)},
		{"escaped backslash before u", replace(`"impl": "literal"`, `"impl": "lit\\ud800eral"`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := traces.Decode(bytes.NewReader(tc.data(t))); err != nil {
				t.Fatalf("Decode: %v", err)
			}
		})
	}
}

func TestDecodeDeepNesting(t *testing.T) {
	const depth = 100_000
	for _, where := range []string{"impl", "scenario", "extra"} {
		b := []byte(`{"format": "clussim-trace", "version": 1, "` + where + `": ` +
			strings.Repeat("[", depth) + strings.Repeat("]", depth) + "}")
		if _, err := traces.Decode(bytes.NewReader(b)); !errors.Is(err, traces.ErrFormat) {
			t.Fatalf("Decode of %d nested arrays in %s: %v", depth, where, err)
		}
	}
}

// TestCheckMessageLimits covers the limits too large for the fuzz corpus.
func TestCheckMessageLimits(t *testing.T) {
	long := strings.Repeat("m", traces.MaxMessageBytes+1)
	for _, tc := range []struct {
		name string
		edit func(tr *traces.Trace)
		want string // "" when the trace is valid
	}{
		{"longest message", func(tr *traces.Trace) {
			tr.Verdict.Message = long[1:]
			tr.Verdict.Violations[0].Message = long[1:]
		}, ""},
		{"violation message", func(tr *traces.Trace) { tr.Verdict.Violations[0].Message = long }, "verdict.violations[0].message is 1048577 bytes long, more than 1048576"},
		{"verdict message", func(tr *traces.Trace) {
			tr.Verdict.Message = long
			tr.Verdict.Violations = nil
		}, "verdict.message is 1048577 bytes long"},
		{"failure message", func(tr *traces.Trace) {
			tr.Verdict.Failure = &traces.Failure{Kind: "panic", Thread: 1, Message: long}
		}, "verdict.failure.message is 1048577 bytes long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := failingTrace(t)
			tc.edit(tr)
			err := tr.Check()
			_, derr := traces.Decode(bytes.NewReader(marshal(t, tr)))
			if tc.want == "" {
				if err != nil || derr != nil {
					t.Fatalf("Check: %v; Decode: %v", err, derr)
				}
				return
			}
			for _, err := range []error{err, derr} {
				if !errors.Is(err, traces.ErrFormat) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want an error containing %q", err, tc.want)
				}
			}
		})
	}
}
