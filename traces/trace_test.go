package traces_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// record runs one named scenario against a built-in implementation under a
// seeded random schedule and returns the run's trace.
func record(t testing.TB, impl, scn string, seed uint64) *traces.Trace {
	t.Helper()
	e, ok := impls.Lookup(impl)
	if !ok {
		t.Fatalf("no implementation %q", impl)
	}
	s, ok := scenario.Lookup(scn)
	if !ok {
		t.Fatalf("no scenario %q", scn)
	}
	o, err := properties.NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	return o.Trace(impl, properties.StrategySpec{Name: "random", Seed: seed}, properties.DefaultMaxSteps, false)
}

// failingTrace is a small trace whose run breaks rules: the historical logic
// on three racing terminators (a double close and two first callers),
// shrunk so that the fuzz corpus built from it stays small.
func failingTrace(t testing.TB) *traces.Trace {
	t.Helper()
	tr := record(t, "literal", "racing-terminators", 19)
	if !tr.Verdict.Failed {
		t.Fatal("the literal run on racing-terminators with seed 19 no longer fails; pick another seed")
	}
	e, _ := impls.Lookup("literal")
	small, _, err := properties.Shrink(tr, e.New, 0)
	if err != nil {
		t.Fatalf("shrink: %v", err)
	}
	return small
}

func marshal(t testing.TB, tr *traces.Trace) []byte {
	t.Helper()
	b, err := tr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEncodingIsByteIdentical(t *testing.T) {
	for _, tc := range []struct {
		impl, scn string
		seed      uint64
	}{
		{"literal", "racing-terminators", 19},
		{"reference", "multi-timeout", 3},
		{"reference", "create-fails", 8},
		{"bug-ex-double-close", "create-fails", 2},
	} {
		t.Run(tc.impl+"/"+tc.scn, func(t *testing.T) {
			a := marshal(t, record(t, tc.impl, tc.scn, tc.seed))
			b := marshal(t, record(t, tc.impl, tc.scn, tc.seed))
			if !bytes.Equal(a, b) {
				t.Fatal("the same run encoded twice gave different bytes")
			}
			back, err := traces.Decode(bytes.NewReader(a))
			if err != nil {
				t.Fatalf("a fresh trace does not decode: %v", err)
			}
			if c := marshal(t, back); !bytes.Equal(a, c) {
				t.Fatal("Decode then Marshal changed the bytes")
			}
			if !bytes.HasSuffix(a, []byte("}\n")) {
				t.Fatal("the encoding does not end with a newline")
			}
		})
	}
}

func TestWriteAndReadFile(t *testing.T) {
	tr := failingTrace(t)
	path := filepath.Join(t.TempDir(), "t.json")
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := traces.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(marshal(t, tr), marshal(t, back)) {
		t.Fatal("WriteFile then ReadFile changed the trace")
	}
	if _, err := traces.ReadFile(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.HasPrefix(err.Error(), "traces: ") {
		t.Fatalf("ReadFile of a missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := traces.ReadFile(path); err == nil || !strings.HasPrefix(err.Error(), path+": traces: malformed trace") {
		t.Fatalf("ReadFile of a malformed file must name the file: %v", err)
	}
}

func TestConversionsRoundTrip(t *testing.T) {
	tr := failingTrace(t)
	if got := traces.FromDecisions(tr.SchedulerDecisions()); !slices.Equal(got, tr.Decisions) {
		t.Fatal("FromDecisions(SchedulerDecisions()) differs from the trace's decisions")
	}
	if got := traces.FromCalls(tr.SimCalls()); !slices.EqualFunc(got, tr.Calls, func(a, b traces.Call) bool {
		return a.ID == b.ID && a.Kind == b.Kind && a.Thread == b.Thread && slices.Equal(a.Workers, b.Workers) &&
			a.Result == b.Result && a.CallTick == b.CallTick && a.ReturnTick == b.ReturnTick
	}) {
		t.Fatal("FromCalls(SimCalls()) differs from the trace's history")
	}
}

// malformation is one way to break a trace, and the error Decode must give.
type malformation struct {
	name string
	// data returns the malformed file.
	data func(t testing.TB) []byte
	want string
}

// edit returns a malformation built by changing a decoded valid trace and
// encoding it again (Marshal does not check).
func edit(f func(tr *traces.Trace)) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		tr := failingTrace(t)
		f(tr)
		return marshal(t, tr)
	}
}

// replace returns a malformation built by replacing the first old in a
// valid trace's bytes with new.
func replace(old, new string) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		b := marshal(t, failingTrace(t))
		if !bytes.Contains(b, []byte(old)) {
			t.Fatalf("the valid trace has no %q", old)
		}
		return bytes.Replace(b, []byte(old), []byte(new), 1)
	}
}

func constant(s string) func(testing.TB) []byte { return func(testing.TB) []byte { return []byte(s) } }

// firstEvent returns the index of the first event of the given kind.
func firstEvent(tr *traces.Trace, kind string) int {
	for i, ev := range tr.Events {
		if ev.Kind == kind {
			return i
		}
	}
	panic("no " + kind + " event")
}

// jsonEdit returns a malformation built by editing a valid trace as
// generic JSON (numbers kept exact); the edited document is encoded again
// with its keys sorted.
func jsonEdit(f func(doc map[string]any)) func(testing.TB) []byte {
	return func(t testing.TB) []byte {
		dec := json.NewDecoder(bytes.NewReader(marshal(t, failingTrace(t))))
		dec.UseNumber()
		var doc map[string]any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		f(doc)
		b, err := json.MarshalIndent(doc, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// node returns the object at path (member names and indices) in doc.
func node(doc map[string]any, path ...any) map[string]any {
	var v any = doc
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v.(map[string]any)
}

// without returns a malformation that lacks the member name of the object
// at path.
func without(name string, path ...any) func(testing.TB) []byte {
	return jsonEdit(func(doc map[string]any) {
		m := node(doc, path...)
		if _, ok := m[name]; !ok {
			panic(fmt.Sprintf("the valid trace has no member %q at %v", name, path))
		}
		delete(m, name)
	})
}

// set returns a malformation whose member name of the object at path is v.
func set(name string, v any, path ...any) func(testing.TB) []byte {
	return jsonEdit(func(doc map[string]any) { node(doc, path...)[name] = v })
}

// clockTrace turns tr into a run of n clock jumps at step 0 under the step
// bound maxSteps, with no decisions, calls or violations: a trace whose log
// may be made as long as a test needs.
func clockTrace(tr *traces.Trace, n int, maxSteps int64) {
	tr.Config.MaxSteps = maxSteps
	tr.Events = make([]traces.Event, n)
	for i := range tr.Events {
		tr.Events[i] = traces.Event{Kind: "clock", Thread: -1}
	}
	tr.Threads = []string{"main"}
	tr.Cells, tr.Calls, tr.Decisions = []string{}, []traces.Call{}, []traces.Decision{}
	tr.Verdict = traces.Verdict{Threads: []int32{}, Violations: []traces.Violation{}}
}

// lastStep returns the step of tr's last event.
func lastStep(tr *traces.Trace) int64 { return tr.Events[len(tr.Events)-1].Step }

// malformations lists the malformed files the decoder must reject; the fuzz
// corpus holds each of them too.
func malformations() []malformation {
	ms := []malformation{
		{"empty", constant(""), "malformed trace: unexpected end of JSON input"},
		{"garbage", constant("\x00\x01garbage\xff"), "malformed trace: invalid character"},
		{"truncated", func(t testing.TB) []byte {
			b := marshal(t, failingTrace(t))
			return b[:len(b)/2]
		}, "malformed trace: unexpected end of JSON input"},
		{"array", constant("[1, 2]"), "cannot unmarshal array"},
		{"null", constant("null"), `format is "", not "clussim-trace" (is this a clussim trace?)`},
		{"wrong-format", replace(`"format": "clussim-trace"`, `"format": "clussim-trace-x"`), `format is "clussim-trace-x", not "clussim-trace"`},
		{"wrong-version", replace(`"version": 1`, `"version": 0`), "unsupported version 0 (this clussim reads 1)"},
		{"future-version", replace(`"version": 1`, `"version": 7`), "version 7 is newer than this clussim reads (1); upgrade clussim"},
		{"future-version-new-body", constant(`{"format": "clussim-trace", "version": 2, "everything": ["new"]}`), "version 2 is newer"},
		{"version-as-string", replace(`"version": 1`, `"version": "1"`), "cannot unmarshal string"},
		{"unknown-field", replace(`"impl":`, `"extra": true, "impl":`), `extra: unknown field "extra"`},
		{"trailing-data", func(t testing.TB) []byte { return append(marshal(t, failingTrace(t)), "{}"...) }, "invalid character '{' after top-level value"},
		{"tampered-impl", edit(func(tr *traces.Trace) { tr.Impl = "" }), "impl: no implementation name"},
		{"tampered-tier", edit(func(tr *traces.Trace) { tr.Config.Tier = "most" }), `config.tier is "most", want "all" or "documented"`},
		{"tampered-max-steps", edit(func(tr *traces.Trace) { tr.Config.MaxSteps = -1 }), "config.maxSteps is negative"},
		{"tampered-event-kind", edit(func(tr *traces.Trace) { tr.Events[3].Kind = "teleport" }), `events[3].kind: unknown kind "teleport"`},
		{"tampered-event-order", edit(func(tr *traces.Trace) { tr.Events[5].Step = 0 }), "events[5]: step or time goes backwards"},
		{"tampered-event-thread", edit(func(tr *traces.Trace) { tr.Events[0].Thread = 9 }), "events[0].thread: thread T9 does not exist yet"},
		{"tampered-spawn", edit(func(tr *traces.Trace) { tr.Events[firstEvent(tr, "spawn")].Args[0] = 5 }), "spawn of T5, want T1"},
		{"tampered-clock", edit(func(tr *traces.Trace) { tr.Events[firstEvent(tr, "clock")].Thread = 0 }), "a clock event belongs to no thread"},
		{"tampered-decision-kind", edit(func(tr *traces.Trace) { tr.Decisions[0].Kind = "coin" }), `decisions[0].kind: unknown kind "coin"`},
		{"tampered-decision-thread", edit(func(tr *traces.Trace) { tr.Decisions[0].Value = 99 }), "decisions[0].value: thread T99 does not exist"},
		{"tampered-decision-order", edit(func(tr *traces.Trace) { tr.Decisions[1].Step = tr.Decisions[0].Step - 1 }), "decisions[1].step is"},
		{"tampered-decision-options", edit(func(tr *traces.Trace) { tr.Decisions[0].N = 1 }), "decisions[0].n is 1, want 2 to 3"},
		{"tampered-call-kind", edit(func(tr *traces.Trace) { tr.Calls[0].Kind = "ClusWorkerExplode" }), `calls[0].kind: unknown kind "ClusWorkerExplode"`},
		{"tampered-call-id", edit(func(tr *traces.Trace) { tr.Calls[0].ID = 5 }), "calls[0].id is 5, want 1"},
		{"tampered-call-ticks", edit(func(tr *traces.Trace) { tr.Calls[0].CallTick = int64(len(tr.Events)) }), "outside the log"},
		{"tampered-call-worker", edit(func(tr *traces.Trace) { tr.Calls[0].Worker = 7 }), "calls[0].worker: worker w7 does not exist"},
		{"tampered-scenario", edit(func(tr *traces.Trace) { tr.Scenario.Workers[0].Cycles[0].Behavior.Every = 0 }), "scenario: "},

		// Members encoding/json would leave at their zero values.
		{"missing-format", without("format"), `format is "", not "clussim-trace"`},
		{"missing-version", without("version"), "unsupported version 0"},
		{"missing-strategy-name", without("name", "strategy"), "strategy.name: missing"},
		{"missing-config-tier", without("tier", "config"), "config.tier: missing"},
		{"missing-verdict-failed", without("failed", "verdict"), "verdict.failed: missing"},
		{"missing-verdict-failure", without("failure", "verdict"), "verdict.failure: missing"},
		{"missing-decision-n", without("n", "decisions", 3), "decisions[3].n: missing"},
		{"missing-event-args", without("args", "events", 7), "events[7].args: missing"},
		{"missing-violation-tick", without("tick", "verdict", "violations", 0), "verdict.violations[0].tick: missing"},
		{"missing-call-return-tick", without("returnTick", "calls", 1), "calls[1].returnTick: missing"},
		// Keys encoding/json would accept twice, keeping the last.
		{"duplicate-key", replace(`"impl":`, `"impl": "reference", "impl":`), `impl: duplicate key "impl"`},
		{"duplicate-key-verdict", replace(`"failed":`, `"failed": false, "failed":`), `verdict.failed: duplicate key "failed"`},
		{"duplicate-key-event", replace(`"kind": "step"`, `"kind": "exit", "kind": "step"`), `].kind: duplicate key "kind"`},
		{"duplicate-key-scenario", replace(`"faults":`, `"faults": true, "faults":`), `scenario.faults: duplicate key "faults"`},
		// Keys encoding/json would match regardless of case.
		{"case-key", replace(`"impl":`, `"IMPL":`), `IMPL: key "IMPL" must be spelled "impl"`},
		{"case-key-config", replace(`"tier": "all"`, `"Tier": "all"`), `config.Tier: key "Tier" must be spelled "tier"`},
		{"case-key-scenario", replace(`"faults":`, `"FAULTS":`), `scenario.FAULTS: key "FAULTS" must be spelled "faults"`},
		// Text encoding/json would silently replace with U+FFFD.
		{"invalid-utf8", replace(`"impl": "literal"`, "\"impl\": \"lit\xffral\""), "invalid UTF-8 at byte offset"},
		{"lone-high-surrogate", replace(`"impl": "literal"`, `"impl": "lit\ud800eral"`), `lone UTF-16 surrogate escape \ud800`},
		{"lone-low-surrogate", replace(`"impl": "literal"`, `"impl": "lit\udc00eral"`), `lone UTF-16 surrogate escape \udc00`},
		// Arrays encoding/json would fit into [3]int64 whatever their length.
		{"args-short", set("args", []any{1, 2}, "events", 3), "events[3].args: has 2 elements, want exactly 3"},
		{"args-long", set("args", []any{1, 2, 3, 4}, "events", 3), "events[3].args: has more than 3 elements, want exactly 3"},
		{"args-null", set("args", nil, "events", 3), "events[3].args: want an array, got null"},
		// Values of the wrong type, null for a value, fractions.
		{"null-verdict", set("verdict", nil), "verdict: want an object, got null"},
		{"null-impl", set("impl", nil), "impl: want a string, got null"},
		{"negative-seed", set("seed", -1, "strategy"), "strategy.seed: the number -1 is not a non-negative integer of 64 bits"},
		{"fractional-step", set("step", 1.5, "decisions", 0), "decisions[0].step: the number 1.5 is not an integer of 64 bits"},
		{"string-step", set("step", "1", "decisions", 0), "decisions[0].step: want a number, got a string"},
		{"object-for-array", set("threads", map[string]any{}), "threads: want an array, got an object"},
		{"hostile-key", replace(`"impl":`, `"\u001b[2J\u202e": 1, "impl":`), `["\x1b[2J\u202e"]: unknown field "\x1b[2J\u202e"`},
		{"hostile-kind", edit(func(tr *traces.Trace) { tr.Events[3].Kind = "\x1b[2J" }), `events[3].kind: unknown kind "\x1b[2J"`},

		// Numbers out of range.
		{"strategy-depth-huge", edit(func(tr *traces.Trace) { tr.Strategy.Depth = traces.MaxStrategyDepth + 1 }), "strategy.depth is 65, want -1 to 64"},
		{"strategy-depth-negative", edit(func(tr *traces.Trace) { tr.Strategy.Depth = -2 }), "strategy.depth is -2, want -1 to 64"},
		{"strategy-max-steps-negative", edit(func(tr *traces.Trace) { tr.Strategy.MaxSteps = -1 }), "strategy.maxSteps is -1, want 0 to 10000000"},
		{"strategy-max-steps-huge", edit(func(tr *traces.Trace) { tr.Strategy.MaxSteps = 1 << 62 }), "strategy.maxSteps is 4611686018427387904, want 0 to 10000000"},
		{"config-max-steps-huge", edit(func(tr *traces.Trace) { tr.Config.MaxSteps = traces.MaxRunSteps + 1 }), "config.maxSteps is 10000001, want 0 to 10000000"},
		{"event-beyond-bound", edit(func(tr *traces.Trace) { tr.Config.MaxSteps = 3 }), "step is 4, beyond the step bound 3"},
		{"decision-options-huge", edit(func(tr *traces.Trace) { tr.Decisions[0].N = 1 << 20 }), "decisions[0].n is 1048576, want 2 to 3"},
		{"value-decision-options-huge", edit(func(tr *traces.Trace) {
			tr.Decisions[0] = traces.Decision{Kind: "value", Step: tr.Decisions[0].Step, N: 1 << 17}
		}), "decisions[0].n is 131072, want 2 to 65536"},
		{"value-decision-value", edit(func(tr *traces.Trace) {
			tr.Decisions[0] = traces.Decision{Kind: "value", Step: tr.Decisions[0].Step, Value: 2, N: 2}
		}), "decisions[0].value is 2, out of [0, 2)"},
		{"decision-step-zero", edit(func(tr *traces.Trace) { tr.Decisions[0].Step = 0 }), "decisions[0].step is 0, want at least 1"},
		{"decision-beyond-log", edit(func(tr *traces.Trace) { tr.Decisions[len(tr.Decisions)-1].Step = lastStep(tr) + 2 }), ".step is 24, beyond the log, which ends at step 22"},
		{"decision-beyond-bound", edit(func(tr *traces.Trace) {
			clockTrace(tr, 0, 5)
			tr.Threads = []string{}
			tr.Decisions = []traces.Decision{{Kind: "value", Step: 7, N: 2}}
		}), "decisions[0].step is 7, beyond the step bound 5"},
		{"too-many-events", edit(func(tr *traces.Trace) { clockTrace(tr, 37, 1) }), "events: 37 events, more than the step bound 1 allows (36)"},
		{"too-many-decisions", edit(func(tr *traces.Trace) {
			clockTrace(tr, 2, 1)
			for range 9 {
				tr.Decisions = append(tr.Decisions, traces.Decision{Kind: "value", Step: 1, N: 2})
			}
		}), "decisions: 9 decisions, more than the step bound 1 allows (8)"},
		{"verdict-step", edit(func(tr *traces.Trace) { tr.Verdict.Step = lastStep(tr) + 2 }), "verdict.step is 24, want 0 to 23"},
		{"verdict-thread", edit(func(tr *traces.Trace) { tr.Verdict.Threads[0] = 99 }), "verdict.threads[0]: thread T99 does not exist"},
		{"violation-step", edit(func(tr *traces.Trace) { tr.Verdict.Violations[0].Step = -1 }), "verdict.violations[0].step is -1, want 0 to 23"},
		{"violation-tick", edit(func(tr *traces.Trace) { tr.Verdict.Violations[0].Tick = int64(len(tr.Events)) + 1 }), "verdict.violations[0].tick is 43, want 0 to 42"},
		{"violation-fault", edit(func(tr *traces.Trace) { tr.Verdict.Violations[0].Fault = "meltdown" }), "verdict.violations[0].fault is \"meltdown\", not a kernel fault kind"},
		{"failure-kind", edit(func(tr *traces.Trace) { tr.Verdict.Failure = &traces.Failure{Kind: "meltdown", Thread: -1} }), `verdict.failure.kind: unknown kind "meltdown"`},
		{"failure-step", edit(func(tr *traces.Trace) {
			tr.Verdict.Failure = &traces.Failure{Kind: "deadlock", Step: 1 << 40, Thread: -1}
		}), "verdict.failure.step is 1099511627776, want 0 to 23"},
		{"failure-thread", edit(func(tr *traces.Trace) { tr.Verdict.Failure = &traces.Failure{Kind: "deadlock", Step: 3, Thread: 99} }), "verdict.failure.thread: thread T99 does not exist"},

		// Verdicts that contradict themselves.
		{"verdict-failed-without-violations", edit(func(tr *traces.Trace) { tr.Verdict.Violations = []traces.Violation{} }), "verdict.violations is empty, but verdict.failed is true"},
		{"verdict-failed-without-rule", edit(func(tr *traces.Trace) { tr.Verdict.Rule = "" }), "verdict.rule is empty, but verdict.failed is true"},
		{"verdict-tier", edit(func(tr *traces.Trace) { tr.Verdict.Tier = "bogus" }), `verdict.tier is "bogus", want "documented" or "safe"`},
		{"verdict-differs", edit(func(tr *traces.Trace) { tr.Verdict.Message = "something else" }), "differ from those of verdict.violations[0]"},
		{"verdict-passed-with-rule", edit(func(tr *traces.Trace) { tr.Verdict.Failed = false }), "verdict.failed is false, but the verdict names a rule"},
		{"verdict-passed-with-violations", edit(func(tr *traces.Trace) {
			v := &tr.Verdict
			v.Failed, v.Rule, v.Tier, v.Message, v.Step, v.Threads = false, "", "", "", 0, []int32{}
		}), "verdict.violations: 1 violations, but verdict.failed is false"},
		{"violation-without-rule", edit(func(tr *traces.Trace) { tr.Verdict.Violations[0].Rule = "" }), "verdict.violations[0].rule is empty"},
		{"violation-tier", edit(func(tr *traces.Trace) { tr.Verdict.Violations[0].Tier = "all" }), `verdict.violations[0].tier is "all"`},

		// Strings too long.
		{"long-impl", edit(func(tr *traces.Trace) { tr.Impl = strings.Repeat("x", traces.MaxNameBytes+1) }), "impl is 257 bytes long, more than 256"},
		{"long-thread-name", edit(func(tr *traces.Trace) { tr.Threads[1] = strings.Repeat("x", 300) }), "threads[1] is 300 bytes long, more than 256"},
		{"long-op", edit(func(tr *traces.Trace) { tr.Events[2].Op = strings.Repeat("x", 300) }), "events[2].op is 300 bytes long, more than 256"},
		{"long-cell-name", edit(func(tr *traces.Trace) { tr.Cells[0] = strings.Repeat("x", 300) }), "cells[0] is 300 bytes long, more than 256"},
	}
	// Every top-level member is required; format and version are reported
	// by the header check above.
	for _, m := range []string{"impl", "scenario", "strategy", "config", "decisions", "events", "threads", "cells", "calls", "verdict"} {
		ms = append(ms, malformation{"missing-" + m, without(m), m + ": missing"})
	}
	return ms
}

func TestDecodeErrors(t *testing.T) {
	for _, m := range malformations() {
		t.Run(m.name, func(t *testing.T) {
			tr, err := traces.Decode(bytes.NewReader(m.data(t)))
			if err == nil {
				t.Fatalf("Decode accepted the file")
			}
			if tr != nil {
				t.Errorf("Decode returned a trace with its error")
			}
			if !errors.Is(err, traces.ErrFormat) {
				t.Errorf("the error does not wrap ErrFormat: %v", err)
			}
			if !strings.Contains(err.Error(), m.want) {
				t.Errorf("Decode error\n  %v\nwant it to contain\n  %s", err, m.want)
			}
			if c := terminalUnsafe(err.Error()); c >= 0 || strings.Contains(err.Error(), "\n") {
				t.Errorf("the error holds %U, unsafe to print: %q", c, err)
			}
		})
	}
}

func TestDecodeReadError(t *testing.T) {
	_, err := traces.Decode(errReader{})
	if err == nil || errors.Is(err, traces.ErrFormat) || !strings.Contains(err.Error(), "traces: read: disk on fire") {
		t.Fatalf("Decode of a failing reader: %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestTimelineOfDecodedTrace(t *testing.T) {
	tr, err := traces.Decode(bytes.NewReader(marshal(t, failingTrace(t))))
	if err != nil {
		t.Fatal(err)
	}
	out := traces.Timeline(tr, traces.ViewOptions{Width: 20})
	for _, want := range []string{"scenario racing-terminators", tr.Verdict.Rule, "T0 main", ">>"} {
		if !strings.Contains(out, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
}
