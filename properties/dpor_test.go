package properties

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// outcomeKey is what the checks see of a run: its history (every call,
// return, routine start and exit, with results, in order), where among
// the history's entries each write of a CLUS_WORKER cell and each thread's
// end fell, which threads were waiting at each routine exit (rule D6
// looks), and the rules it breaks. Between two history entries only the
// order of the writes of one cell is kept, since writes of different cells
// by different threads commute and no check compares them.
func outcomeKey(o *Outcome) string {
	var b strings.Builder
	calls := slices.Clone(o.Calls)
	slices.SortStableFunc(calls, func(x, y sim.Call) int { return int(x.CallTick - y.CallTick) })
	a := &analysis{res: o.Result, events: o.Result.Events}
	for _, c := range calls {
		fmt.Fprintf(&b, "%s/%s w%d=%d@%d;", o.Result.Names[c.Thread], c.Kind, c.Worker, c.Result, a.ownSteps(c.Thread, c.CallTick, a.end(&c)))
	}
	b.WriteString(" order")
	type token struct{ group, text string }
	var between []token
	flush := func() {
		slices.SortStableFunc(between, func(x, y token) int { return strings.Compare(x.group, y.group) })
		for _, t := range between {
			b.WriteString(" " + t.text)
		}
		between = between[:0]
	}
	for tick, ev := range o.Result.Events {
		op := o.Result.OpName(ev)
		who := ""
		if ev.Thread >= 0 && int(ev.Thread) < len(o.Result.Names) {
			who = o.Result.Names[ev.Thread]
		}
		switch {
		case ev.Kind == scheduler.EvNote && (strings.HasPrefix(op, "call ") || strings.HasPrefix(op, "return ") ||
			op == sim.NoteRoutineStart || op == sim.NoteRoutineExit):
			flush()
			fmt.Fprintf(&b, " | %s:%s", who, op)
			if op == sim.NoteRoutineExit {
				b.WriteString(" waiting")
				for th := range o.Result.Names {
					if a.waitingAt(scheduler.ThreadID(th), int64(tick)) {
						b.WriteString(" " + o.Result.Names[th])
					}
				}
			}
		case ev.Kind == scheduler.EvExit:
			between = append(between, token{"~end " + who, "end " + who})
		case ev.Kind == scheduler.EvStep && ev.Args[0] >= 0 && int(ev.Args[0]) < len(o.Result.CellNames) &&
			(op == sim.OpStore || op == sim.OpAtomicStore || op == sim.OpCAS && ev.Result != 0 || op == sim.OpSwap):
			if name := o.Result.CellNames[ev.Args[0]]; strings.HasSuffix(name, ".Terminate") || strings.HasSuffix(name, ".hThread") {
				between = append(between, token{name, fmt.Sprintf("%s:%s(%s)", who, op, name)})
			}
		}
	}
	flush()
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
			if !compareDPORWithDFS(t, e, s, tc.bound, 5000) {
				t.Fatal("the exploration did not end in 5000 runs")
			}
		})
	}
}

// TestDPORSeesWhatDFSSeesEverywhere is TestDPORSeesWhatDFSSees on every
// implementation and named scenario within preemption bound 0, for every
// pair whose plain DFS ends within 3000 runs. It takes minutes, so it runs
// only when CLUSSIM_DPOR_SWEEP is set:
//
//	CLUSSIM_DPOR_SWEEP=1 go test ./properties -run Everywhere
func TestDPORSeesWhatDFSSeesEverywhere(t *testing.T) {
	if os.Getenv("CLUSSIM_DPOR_SWEEP") == "" {
		t.Skip("set CLUSSIM_DPOR_SWEEP=1 to compare DPOR with DFS on every implementation and scenario")
	}
	compared := 0
	for _, e := range impls.All() {
		for _, name := range scenario.Names() {
			s, _ := scenario.Lookup(name)
			t.Run(e.Name+"/"+name, func(t *testing.T) {
				if compareDPORWithDFS(t, e, s, 0, 3000) {
					compared++
				} else {
					t.Skip("DFS does not end within 3000 runs")
				}
			})
		}
	}
	t.Logf("%d pairs compared", compared)
}

// compareDPORWithDFS runs DFS and DPOR within bound on s and reports an
// error for every outcome DFS reaches and DPOR does not, and when DPOR
// takes more runs. It returns false, having compared nothing, when DFS
// does not end within limit runs.
func compareDPORWithDFS(t *testing.T, e impls.Entry, s scenario.Scenario, bound, limit int) bool {
	t.Helper()
	all := func(strat interface {
		scheduler.Strategy
		Done() bool
	}) (map[string]bool, int, bool) {
		r := NewRunner(e.New, 0, false)
		seen := map[string]bool{}
		runs := 0
		for !strat.Done() {
			if runs++; runs > limit {
				return nil, runs, false
			}
			o, err := r.Run(s, strat)
			if err != nil || o.Diverged != nil {
				t.Fatalf("run %d: %v %v", runs, err, o.Diverged)
			}
			seen[outcomeKey(o)] = true
		}
		return seen, runs, true
	}
	want, dfsRuns, ok := all(scheduler.NewDFS(bound))
	if !ok {
		return false
	}
	got, dporRuns, ok := all(scheduler.NewDPOR(bound))
	if !ok {
		t.Errorf("DPOR did not end within %d runs, DFS took %d", limit, dfsRuns)
		return true
	}
	for k := range want {
		if !got[k] {
			t.Errorf("DPOR (%d runs) never reached what DFS (%d runs) reached: %s", dporRuns, dfsRuns, k)
		}
	}
	if dporRuns > dfsRuns {
		t.Errorf("DPOR took %d runs, DFS %d", dporRuns, dfsRuns)
	}
	t.Logf("%d outcomes; DFS %d runs, DPOR %d", len(want), dfsRuns, dporRuns)
	return true
}
