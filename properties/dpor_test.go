package properties

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// outcomeKey is what the checks see of a run: its history (every call,
// return, routine start and exit, with results, in order), the order of
// the history's entries and the CLUS_WORKER cells' accesses, and the rules
// it breaks.
func outcomeKey(o *Outcome) string {
	var b strings.Builder
	calls := slices.Clone(o.Calls)
	slices.SortStableFunc(calls, func(x, y sim.Call) int { return int(x.CallTick - y.CallTick) })
	for _, c := range calls {
		fmt.Fprintf(&b, "%s/%s w%d=%d@%d;", o.Result.Names[c.Thread], c.Kind, c.Worker, c.Result, c.ReturnTick-c.CallTick)
	}
	// The order of the history's entries and the accesses of the
	// CLUS_WORKER cells, as the checks see them.
	b.WriteString(" order")
	for _, ev := range o.Result.Events {
		op := o.Result.OpName(ev)
		switch {
		case ev.Kind == scheduler.EvNote:
			fmt.Fprintf(&b, " %s:%s", o.Result.Names[ev.Thread], op)
		case ev.Kind == scheduler.EvStep && ev.Args[0] >= 0 && int(ev.Args[0]) < len(o.Result.CellNames) &&
			(op == sim.OpLoad || op == sim.OpStore || op == sim.OpAtomicLoad || op == sim.OpAtomicStore || op == sim.OpCAS || op == sim.OpSwap):
			if name := o.Result.CellNames[ev.Args[0]]; strings.HasSuffix(name, ".Terminate") || strings.HasSuffix(name, ".hThread") {
				fmt.Fprintf(&b, " %s:%s(%s)=%d", o.Result.Names[ev.Thread], op, name, ev.Result)
			}
		}
	}
	b.WriteString(" breaks")
	for _, r := range ruleIDs(o.Violations) {
		fmt.Fprintf(&b, " %s", r)
	}
	return b.String()
}

// TestDPORSeesWhatDFSSees checks DPOR against plain DFS on real scenarios
// and implementations, correct and buggy: within the same preemption
// bound, every history and verdict DFS reaches, DPOR reaches too, in no
// more runs.
func TestDPORSeesWhatDFSSees(t *testing.T) {
	cases := []struct {
		impl, scenario string
		bound          int
	}{
		{"reference", "join", 1},
		{"reference", "self-terminate-ex", 1},
		{"reference", "reuse-eager", 1},
		{"reference", "release-join", 0},
		{"exit-event", "terminate-ex-race", 0},
		{"bug-ex-waitonly-signals", "join", 1},
		{"bug-ex-self-waits", "self-terminate-ex", 1},
		{"bug-late-reset", "reuse-eager", 1},
		{"bug-ex-no-timeout", "terminate-ex-race", 0},
		{"reference", "racing-terminators", 0},
		{"bug-check-then-set", "racing-terminators", 0},
		{"bug-non-first-waits", "resource-dll", 0},
		{"literal", "resource-dll", 0},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s/%d", tc.impl, tc.scenario, tc.bound), func(t *testing.T) {
			e, ok := impls.Lookup(tc.impl)
			s, ok2 := scenario.Lookup(tc.scenario)
			if !ok || !ok2 {
				t.Fatal("unknown implementation or scenario")
			}
			all := func(strat interface {
				scheduler.Strategy
				Done() bool
			}) (map[string]bool, int) {
				r := NewRunner(e.New, 0, false)
				seen := map[string]bool{}
				runs := 0
				for !strat.Done() {
					if runs++; runs > 5000 {
						t.Fatal("the exploration did not end in 5000 runs")
					}
					o, err := r.Run(s, strat)
					if err != nil || o.Diverged != nil {
						t.Fatalf("run %d: %v %v", runs, err, o.Diverged)
					}
					seen[outcomeKey(o)] = true
				}
				return seen, runs
			}
			want, dfsRuns := all(scheduler.NewDFS(tc.bound))
			got, dporRuns := all(scheduler.NewDPOR(tc.bound))
			for k := range want {
				if !got[k] {
					t.Errorf("DPOR (%d runs) never reached what DFS (%d runs) reached: %s", dporRuns, dfsRuns, k)
				}
			}
			if dporRuns > dfsRuns {
				t.Errorf("DPOR took %d runs, DFS %d", dporRuns, dfsRuns)
			}
			t.Logf("%d outcomes; DFS %d runs, DPOR %d", len(want), dfsRuns, dporRuns)
		})
	}
}
