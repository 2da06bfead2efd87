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
// return, routine start and exit, with results and the calling thread's
// own steps within each call), the order of every pair of events the
// checks compare (two history entries on structs that calls name
// together, except two calls that begin; an entry, a routine's start or a
// write of a CLUS_WORKER field and what else is on that struct), which
// threads were waiting at each routine exit (rule D6 looks), and the rules
// the run breaks. Events are named by thread and their index in it, so the
// key is the same for every schedule that orders those pairs alike.
func outcomeKey(o *Outcome) string {
	var b strings.Builder
	res := o.Result
	a := &analysis{res: res, events: res.Events}
	name := func(th scheduler.ThreadID) string {
		if th >= 0 && int(th) < len(res.Names) {
			return res.Names[th]
		}
		return "?"
	}
	calls := slices.Clone(o.Calls)
	slices.SortStableFunc(calls, func(x, y sim.Call) int {
		if c := strings.Compare(name(x.Thread), name(y.Thread)); c != 0 {
			return c
		}
		return int(x.CallTick - y.CallTick)
	})
	for _, c := range calls {
		fmt.Fprintf(&b, "%s/%s w%d=%d@%d;", name(c.Thread), c.Kind, c.Worker, c.Result, a.ownSteps(c.Thread, c.CallTick, a.end(&c)))
	}
	// The parts: structs some call names together.
	find := callParts(o.Calls)
	type event struct {
		id      string
		workers []int // the structs an entry names, or the struct of a write
		entry   bool
		begin   bool   // an entry that is a call beginning (not a Create)
		cell    string // the field a write writes
	}
	byTick := map[int64]*sim.Call{}
	for i := range o.Calls {
		c := &o.Calls[i]
		byTick[c.CallTick] = c
		if c.Returned {
			byTick[c.ReturnTick] = c
		}
	}
	var evs []event
	index := map[string]int{}
	var waits []string
	for tick, ev := range res.Events {
		op := res.OpName(ev)
		who := name(ev.Thread)
		switch {
		case ev.Kind == scheduler.EvNote && byTick[int64(tick)] != nil:
			c := byTick[int64(tick)]
			ws := append([]int{c.Worker}, c.Workers...)
			if c.Kind == sim.CallWorkersTerminate && len(c.Workers) > 0 {
				ws = c.Workers
			}
			id := fmt.Sprintf("%s#%d:%s", who, index[who], op)
			index[who]++
			begin := c.CallTick == int64(tick) && c.Kind != sim.CallCreate && c.Kind != sim.CallStart && c.Kind != sim.CallExit
			if c.Kind == sim.CallStart {
				// A routine's start is ordered only with what is on
				// its struct, like a write of the struct's fields.
				evs = append(evs, event{id: id, workers: []int{c.Worker}, cell: fmt.Sprintf("w%d.start", c.Worker)})
				continue
			}
			evs = append(evs, event{id: id, workers: ws, entry: true, begin: begin})
			if op == sim.NoteRoutineExit {
				var in []string
				for th := range res.Names {
					if a.waitingAt(scheduler.ThreadID(th), int64(tick)) {
						in = append(in, res.Names[th])
					}
				}
				waits = append(waits, fmt.Sprintf("%s waiting %v", id, in))
			}
		case ev.Kind == scheduler.EvStep && ev.Args[0] >= 0 && int(ev.Args[0]) < len(res.CellNames) &&
			(op == sim.OpStore || op == sim.OpAtomicStore || op == sim.OpCAS && ev.Result != 0 || op == sim.OpSwap):
			cell := res.CellNames[ev.Args[0]]
			var w int
			if _, err := fmt.Sscanf(cell, "w%d.", &w); err != nil || !(strings.HasSuffix(cell, ".Terminate") || strings.HasSuffix(cell, ".hThread")) {
				continue
			}
			id := fmt.Sprintf("%s#%d:%s(%s)", who, index[who], op, cell)
			index[who]++
			evs = append(evs, event{id: id, workers: []int{w}, cell: cell})
		}
	}
	// The pairs the checks compare, in a form of linear size: the entries
	// of a part that are not calls beginning are totally ordered, and each
	// call beginning is placed by how many of them came before it; the
	// writes of one struct's fields are totally ordered, and each entry on
	// the struct is placed by how many of them came before it; and the
	// writes of one field in order.
	var facts []string
	writers := map[int]int{} // part -> entries so far that are not beginnings
	writes := map[int]int{}  // struct -> writes of its fields so far
	for _, e := range evs {
		if !e.entry {
			writes[e.workers[0]]++
			facts = append(facts, fmt.Sprintf("%s:%s#%d", e.cell, e.id, writes[e.workers[0]]))
			continue
		}
		p := -1
		for _, w := range e.workers {
			if w >= 0 {
				p = find(w)
				break
			}
		}
		if p < 0 {
			p = find(0)
		}
		if !e.begin {
			writers[p]++
		}
		fact := fmt.Sprintf("part%d:%s@%d", p, e.id, writers[p])
		for _, w := range e.workers {
			if w >= 0 {
				fact += fmt.Sprintf(",w%d@%d", w, writes[w])
			}
		}
		facts = append(facts, fact)
	}
	slices.Sort(facts)
	b.WriteString(" order " + strings.Join(facts, " "))
	b.WriteString(" " + strings.Join(waits, ", "))
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

// zeroPoll is self-closing with a TerminateEx(0) that reports WAIT_TIMEOUT
// without looking at the thread (bug-ex-zero-no-test on another base).
type zeroPoll struct{ sim.WorkerAPI }

func (z zeroPoll) TerminateEx(t *sim.Thread, w *sim.ClusWorker, ms uint32, waitOnly bool) uint32 {
	if ms == 0 {
		return sim.WaitTimeout
	}
	return z.WorkerAPI.TerminateEx(t, w, ms, waitOnly)
}

// TestDPORSeesWhatDFSSeesReviewed holds the counterexamples a review found
// in an earlier dependency relation: a zero timeout's deadline is the
// instant its call began, which the model compares with the moment the
// routine's thread ended (so a thread's end writes its struct's history);
// and rule D8 compares the instant a call first blocks with its routine's
// start and its flag (so the block reads the call's history and fields).
func TestDPORSeesWhatDFSSeesReviewed(t *testing.T) {
	finite := func(steps int) scenario.Behavior {
		return scenario.Behavior{Kind: scenario.Finite, Steps: steps, Sleep: 1}
	}
	selfClosing, _ := impls.Lookup("self-closing")
	signalLate, _ := impls.Lookup("bug-ex-signal-late")
	cases := []struct {
		name string
		e    impls.Entry
		s    scenario.Scenario
	}{
		{"thread end against a zero timeout", impls.Entry{Name: "zero-poll", New: func() sim.WorkerAPI { return zeroPoll{selfClosing.New()} }},
			scenario.Scenario{Name: "gone-vs-zero-timeout",
				Workers:     []scenario.Worker{{Cycles: []scenario.Cycle{{Behavior: scenario.Behavior{Kind: scenario.Finite}}}}},
				Terminators: []scenario.Terminator{{Action: scenario.Action{Call: scenario.CallTerminateEx, Timeout: 0, WaitOnly: true}, Workers: []int{0}}}}},
		{"routine start against the first block", signalLate,
			scenario.Scenario{Name: "start-vs-block",
				Workers:     []scenario.Worker{{Cycles: []scenario.Cycle{{Behavior: finite(1)}}}},
				Terminators: []scenario.Terminator{{Action: scenario.Action{Call: scenario.CallTerminateEx, Timeout: sim.Infinite}, Workers: []int{0}}}}},
	}
	for _, tc := range cases {
		for _, bound := range []int{0, 1, 2} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, bound), func(t *testing.T) {
				if !compareDPORWithDFS(t, tc.e, tc.s, bound, 20000) {
					t.Fatal("DFS did not end in 20000 runs")
				}
			})
		}
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
