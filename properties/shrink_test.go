package properties

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// failingTrace runs the battery on the named implementation and returns the
// trace of the failure it finds (in a quick run, with the quick budget when
// that finds one).
func failingTrace(t *testing.T, name string) (*traces.Trace, impls.Entry) {
	t.Helper()
	e, ok := impls.Lookup(name)
	if !ok {
		t.Fatalf("no implementation %q", name)
	}
	failed := func(rep *Report) bool { return rep.Failure != nil }
	rep, err := quickBattery(name, e.New, DefaultBudget, failed, TraceDir(t.TempDir()), Seed(0))
	if err != nil {
		t.Fatalf("battery on %s: %v", name, err)
	}
	if rep.Failure == nil || rep.Trace == "" {
		t.Fatalf("battery on %s found no failure to shrink", name)
	}
	tr, err := traces.ReadFile(rep.Trace)
	if err != nil {
		t.Fatalf("read %s: %v", rep.Trace, err)
	}
	return tr, e
}

func TestShrinkKeepsRuleAndDoesNotGrow(t *testing.T) {
	for _, name := range []string{"literal", "bug-check-then-set", "bug-early-return", "bug-self-deadlock",
		"bug-no-reset", "bug-ex-double-close"} {
		t.Run(name, func(t *testing.T) {
			tr, e := failingTrace(t, name)
			out, st, err := Shrink(tr, e.New, 0)
			if err != nil {
				t.Fatalf("Shrink: %v", err)
			}
			if string(st.Rule) != tr.Verdict.Rule || out.Verdict.Rule != tr.Verdict.Rule {
				t.Fatalf("rule changed: trace %s, stats %s, shrunk trace %s", tr.Verdict.Rule, st.Rule, out.Verdict.Rule)
			}
			if st.After.Decisions > st.Before.Decisions || st.After.Choices > st.Before.Choices ||
				st.After.Preemptions > st.Before.Preemptions {
				t.Fatalf("shrinking grew the run: %s", st)
			}
			if st.Before.Decisions != len(tr.Decisions) || st.After.Decisions != len(out.Decisions) {
				t.Fatalf("decision counts %d -> %d do not match the traces (%d -> %d)",
					st.Before.Decisions, st.After.Decisions, len(tr.Decisions), len(out.Decisions))
			}
			// The shrunk trace is a valid file that replays strictly.
			b, err := out.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := traces.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("the shrunk trace does not decode: %v", err)
			}
			o, err := Replay(back, e.New)
			if err != nil {
				t.Fatalf("the shrunk trace does not replay strictly: %v", err)
			}
			if !o.Failed() || string(o.First().Rule) != tr.Verdict.Rule {
				t.Fatalf("the shrunk trace replays to %v, want rule %s", o.Violations, tr.Verdict.Rule)
			}
			t.Logf("%s: %s", name, st)
		})
	}
}

func TestShrinkFindsSmallerRun(t *testing.T) {
	// The historical logic's race needs no preemption at all on a small
	// scenario; the shrinker must find that.
	tr, e := failingTrace(t, "literal")
	_, st, err := Shrink(tr, e.New, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.After.Choices > st.Before.Choices || st.After.Decisions >= st.Before.Decisions {
		t.Fatalf("expected a strictly smaller run: %s", st)
	}
}

func TestShrinkIsDeterministic(t *testing.T) {
	tr, e := failingTrace(t, "bug-check-then-set")
	var outs [2][]byte
	for i := range outs {
		out, _, err := Shrink(tr, e.New, 0)
		if err != nil {
			t.Fatal(err)
		}
		if outs[i], err = out.Marshal(); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two shrinks of the same trace gave different files")
	}
}

func TestShrinkBudget(t *testing.T) {
	tr, e := failingTrace(t, "bug-no-reset")
	out, st, err := Shrink(tr, e.New, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Exhausted {
		t.Fatalf("a budget of one run must run out: %s", st)
	}
	if _, err := Replay(out, e.New); err != nil {
		t.Fatalf("the result of an exhausted shrink must still replay: %v", err)
	}
}

func TestShrinkRejects(t *testing.T) {
	ref, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("join")
	o, err := NewRunner(ref.New, 0, false).Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	clean := o.Trace("reference", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false)

	tampered, e := failingTrace(t, "bug-check-then-set")
	for i := range tampered.Decisions {
		if tampered.Decisions[i].Kind == "thread" {
			tampered.Decisions[i].Step += 1000
			break
		}
	}
	tests := []struct {
		name string
		tr   *traces.Trace
		api  impls.Entry
		want string
	}{
		{"clean run", clean, ref, "nothing to shrink"},
		{"diverging run", tampered, e, "diverged"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Shrink(tc.tr, tc.api.New, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Shrink = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestSimplerScenariosAreEdits(t *testing.T) {
	s, _ := scenario.Lookup("resource-dll")
	variants, structural := simplerScenarios(s)
	if structural != 2+1+3 {
		t.Fatalf("resource-dll has 2 terminators, 1 struct and 3 cycles, but %d structural variants", structural)
	}
	for _, v := range variants {
		if v.String() == s.String() {
			t.Fatalf("a variant equals the scenario: %s", v)
		}
	}
	// Dropping cycle 0 removes its terminator and renumbers the other.
	v := s.Clone()
	if !dropCycle(&v, 0, 0) {
		t.Fatal("dropCycle refused a single-target renumbering")
	}
	if len(v.Workers[0].Cycles) != 2 || len(v.Terminators) != 1 || v.Terminators[0].Cycle != 0 {
		t.Fatalf("dropCycle(0, 0) = %s", v)
	}
	// Dropping a struct renumbers the arrays of the others.
	m := scenario.Scenario{Workers: []scenario.Worker{{}, {}, {}}, Terminators: []scenario.Terminator{
		{Action: scenario.Action{Call: scenario.CallWorkersTerminate}, Workers: []int{0, 1, 2, -1}},
		{Action: scenario.Action{Call: scenario.CallTerminate}, Workers: []int{1}},
	}}
	if !dropWorker(&m, 1) {
		t.Fatal("dropWorker refused")
	}
	if len(m.Workers) != 2 || len(m.Terminators) != 1 || !slices.Equal(m.Terminators[0].Workers, []int{0, 1, -1}) {
		t.Fatalf("dropWorker(1) = %s", m)
	}
}

func TestSplitAndComplement(t *testing.T) {
	var ds []scheduler.Decision
	for i := range 7 {
		ds = append(ds, scheduler.Decision{Step: int64(i)})
	}
	chunks := split(ds, 3)
	if len(chunks) != 3 || len(chunks[0])+len(chunks[1])+len(chunks[2]) != 7 {
		t.Fatalf("split(7, 3) = %v", chunks)
	}
	if c := complement(chunks, 1); len(c) != 7-len(chunks[1]) || c[0].Step != 0 || c[len(c)-1].Step != 6 {
		t.Fatalf("complement = %v", c)
	}
}

func TestShrinkRuleBehindAnother(t *testing.T) {
	e, _ := impls.Lookup("literal")
	s, _ := scenario.Lookup("racing-terminators")
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(19))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("literal", StrategySpec{Name: "random", Seed: 19}, DefaultMaxSteps, false)
	if !breaks(o, "P2") || o.First().Rule == "P2" {
		t.Fatalf("want a run that breaks P2 behind another rule, got %v", ruleIDs(o.Violations))
	}
	out, st, err := ShrinkRule(tr, e.New, 0, "P2")
	if err != nil {
		t.Fatal(err)
	}
	if st.Rule != "P2" || !noLarger(st.After, st.Before) {
		t.Fatalf("ShrinkRule(P2): %s", st)
	}
	back, err := Replay(out, e.New)
	if err != nil {
		t.Fatalf("the shrunk trace does not replay: %v", err)
	}
	if !breaks(back, "P2") {
		t.Fatalf("the shrunk run no longer breaks P2: %v", ruleIDs(back.Violations))
	}
	if _, _, err := ShrinkRule(tr, e.New, 0, "P9"); err == nil || !strings.Contains(err.Error(), "does not break rule P9") {
		t.Fatalf("ShrinkRule for a rule the run keeps: %v", err)
	}
}
