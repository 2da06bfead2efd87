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
// return, routine start and exit, with results, in order) and the rules it
// breaks.
func outcomeKey(o *Outcome) string {
	var b strings.Builder
	calls := slices.Clone(o.Calls)
	slices.SortStableFunc(calls, func(x, y sim.Call) int { return int(x.CallTick - y.CallTick) })
	for _, c := range calls {
		fmt.Fprintf(&b, "%s/%s w%d=%d@%d;", o.Result.Names[c.Thread], c.Kind, c.Worker, c.Result, c.ReturnTick-c.CallTick)
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
