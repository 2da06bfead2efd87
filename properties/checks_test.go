package properties

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// Each inline implementation below is Reference with one method replaced by
// a defect aimed at one check. The table shows that the check rejects it
// (within a fixed seed budget) and accepts Reference on the same scenario.

type panicky struct{ *impls.Reference }

func (panicky) Terminate(t *sim.Thread, w *sim.ClusWorker) { panic("terminate exploded") }

type spinner struct{ *impls.Reference }

func (spinner) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	for {
		t.Sleep(0) // a step that never lets the clock advance
	}
}

type stuck struct{ *impls.Reference }

func (stuck) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	w.Terminate.AtomicStore(t, true) // the worker exits; this caller never returns
	ev := t.CreateEvent(true, false)
	t.WaitForSingleObject(ev, sim.Infinite) // nobody sets it
}

type hangingNonFirst struct{ *impls.Reference }

func (h hangingNonFirst) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.Terminate.AtomicLoad(t) {
		ev := t.CreateEvent(true, false)
		t.WaitForSingleObject(ev, sim.Infinite) // a non-first caller that never returns
	}
	h.Reference.Terminate(t, w)
}

type liar struct{ *impls.Reference }

func (l liar) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return !l.Reference.CheckTerminate(t, w)
}

type hasty struct{ *impls.Reference }

func (hasty) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	for _, w := range ws {
		if w == nil {
			return sim.ErrorInvalidParameter
		}
	}
	for _, w := range ws {
		w.Terminate.AtomicStore(t, true)
	}
	return sim.ErrorSuccess // without waiting
}

type leaky struct{ *impls.Reference }

func (leaky) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	t.CreateEvent(true, false) // opened and never closed
}

type escaping struct{ *impls.Reference }

func (escaping) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	started := make(chan struct{})
	go func() {
		close(started)
		w.Terminate.AtomicLoad(t) // from a goroutine the simulation does not run
	}()
	<-started
	for range 1000 {
		t.Sleep(0)
	}
	return w.Terminate.AtomicLoad(t)
}

func TestChecksRejectAndAccept(t *testing.T) {
	tests := []struct {
		rule     model.RuleID
		scenario string
		bad      func() sim.WorkerAPI
	}{
		{"PANIC", "racing-terminators", func() sim.WorkerAPI { return panicky{impls.NewReference()} }},
		{"STEPBOUND", "racing-terminators", func() sim.WorkerAPI { return spinner{impls.NewReference()} }},
		{"DEADLOCK", "racing-terminators", func() sim.WorkerAPI { return stuck{impls.NewReference()} }},
		{"D3", "racing-terminators", func() sim.WorkerAPI { return liar{impls.NewReference()} }},
		{"D9", "multi-timeout", func() sim.WorkerAPI { return hasty{impls.NewReference()} }},
		{"P6", "racing-terminators", func() sim.WorkerAPI { return leaky{impls.NewReference()} }},
		{"D5", "racing-terminators", mustImpl("bug-early-return").New},
		// A Terminate that finds hThread lost while the routine runs (the
		// D5 diagnosis that needs no flag write by the call).
		{"D5", "reuse-fast", mustImpl("bug-multi-stale-cleanup").New},
		{"D7", "racing-terminators", mustImpl("bug-check-then-set").New},
		{"D8", "join", mustImpl("bug-ex-waitonly-signals").New},
		{"S1", "reuse", mustImpl("bug-no-reset").New},
		{"P1", "self-terminate", mustImpl("bug-self-deadlock").New},
		{"P2", "racing-terminators", mustImpl("literal").New},
		{"P3", "terminate-ex-race", mustImpl("bug-ex-no-timeout").New},
		{"D6", "racing-terminators", mustImpl("bug-non-first-waits").New},
		{"P5", "racing-terminators", func() sim.WorkerAPI { return hangingNonFirst{impls.NewReference()} }},
		{"P7", "multi-null", mustImpl("bug-multi-null-partial").New},
		{"P9", "create-fails", mustImpl("bug-create-ignores-error").New},
		{"RACE", "racing-terminators", mustImpl("bug-plain-flag-load").New},
		{"P10", "stubborn-long", mustImpl("bug-terminate-kills").New},
	}
	// The search for the defect stops at the first seed that breaks the
	// rule; the correct implementations run every seed (fewer in a quick
	// run).
	const seeds = 300
	goodSeeds := testBudget(seeds)
	for _, tc := range tests {
		t.Run(string(tc.rule), func(t *testing.T) {
			s, ok := scenario.Lookup(tc.scenario)
			if !ok {
				t.Fatalf("no scenario %q", tc.scenario)
			}
			found := firstSeedBreaking(t, tc.bad, s, tc.rule, seeds)
			if found < 0 {
				t.Fatalf("rule %s never reported for the defective implementation in %d seeds", tc.rule, seeds)
			}
			for _, good := range []string{"reference", "guarded", "self-closing"} {
				if n := firstSeedBreaking(t, mustImpl(good).New, s, "", goodSeeds); n >= 0 {
					t.Fatalf("%s, correct, breaks a rule on seed %d", good, n)
				}
			}
		})
	}
}

// firstSeedBreaking returns the first seed whose run reports rule (any rule
// when rule is ""), or -1.
func firstSeedBreaking(t *testing.T, newAPI func() sim.WorkerAPI, s scenario.Scenario, rule model.RuleID, seeds int) int {
	t.Helper()
	r := NewRunner(newAPI, 5_000, false)
	for seed := range seeds {
		o, err := r.Run(s, scheduler.NewRandom(uint64(seed)))
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(o.Violations, func(v Violation) bool { return rule == "" || v.Rule == rule }) {
			if rule == "" {
				t.Logf("seed %d: %v", seed, o.First())
			}
			return seed
		}
	}
	return -1
}

func TestEscapeIsReported(t *testing.T) {
	s, _ := scenario.Lookup("racing-terminators")
	r := NewRunner(func() sim.WorkerAPI { return escaping{impls.NewReference()} }, 0, false)
	o, err := r.Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	if o.First().Rule != "ESCAPE" || !strings.Contains(o.First().Message, "goroutine of its own") {
		t.Fatalf("want an ESCAPE naming the stray goroutine, got %v", o.Violations)
	}
}

func TestDocumentedOnlyFilter(t *testing.T) {
	s, _ := scenario.Lookup("racing-terminators")
	all := NewRunner(mustImpl("literal").New, 0, false)
	doc := NewRunner(mustImpl("literal").New, 0, true)
	sawSafe := false
	for seed := range uint64(50) {
		a, _ := all.Run(s, scheduler.NewRandom(seed))
		d, _ := doc.Run(s, scheduler.NewRandom(seed))
		for _, v := range a.Violations {
			sawSafe = sawSafe || v.Tier.String() == "safe"
		}
		for _, v := range d.Violations {
			if v.Tier.String() != "documented" && !engineRule(v.Rule) {
				t.Fatalf("seed %d: documented-only run reported %v", seed, v)
			}
		}
	}
	if !sawSafe {
		t.Fatal("literal never broke a safe-tier rule on racing-terminators: the filter test proves nothing")
	}
}

func TestAnalyzeIsDeterministic(t *testing.T) {
	s, _ := scenario.Lookup("resource-dll")
	r := NewRunner(mustImpl("literal").New, 0, false)
	for seed := range uint64(30) {
		a, _ := r.Run(s, scheduler.NewRandom(seed))
		first := a.Keep()
		b, _ := r.Run(s, scheduler.NewRandom(seed))
		if !reflect.DeepEqual(first.Violations, b.Violations) {
			t.Fatalf("seed %d: two runs gave different verdicts", seed)
		}
	}
}

func mustImpl(name string) impls.Entry {
	e, ok := impls.Lookup(name)
	if !ok {
		panic("no implementation " + name)
	}
	return e
}

// TestFlagWritesFoundByCellNotName checks that the analysis finds each
// struct's Terminate cell from the harness, not by parsing cell names: with
// the harness's cells renamed, the flag writes of a run that terminates a
// worker are still found, and those of struct 0 land on struct 0.
func TestFlagWritesFoundByCellNotName(t *testing.T) {
	s, _ := scenario.Lookup("racing-terminators")
	main, h := s.Program(impls.NewReference())
	for i := range h.NumWorkers() {
		h.Worker(i).Terminate.SetName(fmt.Sprintf("flag of struct %d", i))
		h.Worker(i).HThread.SetName(fmt.Sprintf("handle of struct %d", i))
	}
	res := sim.NewSimulator(s.Config()).Run(scheduler.NewRandom(1), main)
	if res.Failure != nil {
		t.Fatalf("run failed: %v", res.Failure)
	}
	a := analyze(res, h)
	if len(a.flags[0]) == 0 {
		t.Fatalf("no write of w0's flag found in a run of %s (cells %v)", s.Name, res.CellNames)
	}
	id, ok := h.FlagCell(0)
	if !ok || res.CellNames[id] != "flag of struct 0" {
		t.Fatalf("FlagCell(0) = %d, %t; cells %v", id, ok, res.CellNames)
	}
}
