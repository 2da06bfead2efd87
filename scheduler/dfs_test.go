package scheduler_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// interleavings enumerates, independently of the engine, every order in
// which tasks threads (T1..Tn) of perTask scheduling steps each can run
// after main's single step, and maps each (as a key of its schedule) to its
// number of preemptions: switches away from a thread that has steps left.
func interleavings(tasks, perTask int) map[string]int {
	out := map[string]int{}
	left := make([]int, tasks+1)
	for id := 1; id <= tasks; id++ {
		left[id] = perTask
	}
	seq := []scheduler.ThreadID{0}
	var rec func(pre int)
	rec = func(pre int) {
		if len(seq) == 1+tasks*perTask {
			out[key(seq)] = pre
			return
		}
		last := seq[len(seq)-1]
		for id := 1; id <= tasks; id++ {
			if left[id] == 0 {
				continue
			}
			p := pre
			if scheduler.ThreadID(id) != last && left[last] > 0 {
				p++
			}
			left[id]--
			seq = append(seq, scheduler.ThreadID(id))
			rec(p)
			seq = seq[:len(seq)-1]
			left[id]++
		}
	}
	rec(0)
	return out
}

// explored is what a whole DFS exploration ran.
type explored struct {
	schedules []string       // in order of exploration
	pre       map[string]int // preemptions of each schedule, from its log
	failures  int
}

// explore runs program under d until d is done, checking that no schedule
// and no decision list repeats and that d counts the runs; allowFail lets
// runs end in a panic.
func explore(t *testing.T, d *scheduler.DFS, program func(*scheduler.Task), allowFail bool) explored {
	t.Helper()
	const limit = 10_000
	e := scheduler.New(scheduler.Config{})
	out := explored{pre: map[string]int{}}
	seenS, seenD := map[string]bool{}, map[string]bool{}
	for !d.Done() {
		if len(out.schedules) == limit {
			t.Fatalf("DFS not done after %d runs", limit)
		}
		r := e.Run(d, program)
		if r.Failure != nil {
			if !allowFail || r.Failure.Kind != scheduler.Panic {
				t.Fatalf("run %d: %v", len(out.schedules)+1, r.Failure)
			}
			out.failures++
		}
		s, ds := key(schedule(r)), key(r.Decisions)
		if seenS[s] || seenD[ds] {
			t.Fatalf("run %d repeats an earlier schedule: %s", len(out.schedules)+1, s)
		}
		seenS[s], seenD[ds] = true, true
		out.schedules = append(out.schedules, s)
		out.pre[s] = preemptions(r)
	}
	if d.Err() != nil {
		t.Fatalf("exploration stopped on an error: %v", d.Err())
	}
	if d.Runs() != len(out.schedules) {
		t.Fatalf("Runs() = %d after %d runs", d.Runs(), len(out.schedules))
	}
	return out
}

// TestDFSExhaustive checks, on programs whose tasks only step, that DFS
// explores exactly the interleavings with at most the bound of
// preemptions, each once, starting with the non-preemptive schedule that
// runs the threads in ThreadID order.
func TestDFSExhaustive(t *testing.T) {
	tests := []struct {
		tasks, steps int // steppers(tasks, steps): steps+1 scheduling steps per task
		bound        int
		want         int // number of schedules, counted by hand; 0: trust interleavings
	}{
		{2, 2, -1, 20}, // 2 tasks × 3 scheduling steps: C(6,3)
		{2, 2, 0, 2},   // T1 then T2, or T2 then T1
		{2, 2, 1, 6},   // and T1^i T2^3 T1^(3-i), T2^i T1^3 T2^(3-i) for i = 1, 2
		{2, 2, 2, 0},
		{2, 2, 3, 0},
		{2, 3, -1, 70}, // C(8,4)
		{2, 3, 2, 0},
		{3, 1, -1, 90}, // 6!/(2!·2!·2!)
		{3, 1, 0, 6},   // 3! orders of whole tasks
		{3, 1, 1, 0},
		{3, 2, 2, 0},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%dx%d/bound%d", tc.tasks, tc.steps+1, tc.bound)
		t.Run(name, func(t *testing.T) {
			all := interleavings(tc.tasks, tc.steps+1)
			want := map[string]bool{}
			for s, pre := range all {
				if tc.bound < 0 || pre <= tc.bound {
					want[s] = true
				}
			}
			if tc.want != 0 && len(want) != tc.want {
				t.Fatalf("the enumeration counts %d schedules, want %d", len(want), tc.want)
			}
			got := explore(t, scheduler.NewDFS(tc.bound), steppers(tc.tasks, tc.steps), false)
			t.Logf("%d schedules of %d", len(got.schedules), len(all))
			if len(got.schedules) != len(want) {
				t.Errorf("DFS ran %d schedules, want %d", len(got.schedules), len(want))
			}
			for _, s := range got.schedules {
				if !want[s] {
					t.Errorf("DFS ran %s, which is not an interleaving within the bound (preemptions: %d)", s, all[s])
				}
				if got.pre[s] != all[s] {
					t.Errorf("%s: the log shows %d preemptions, the enumeration %d", s, got.pre[s], all[s])
				}
			}
			first := []scheduler.ThreadID{0}
			for id := 1; id <= tc.tasks; id++ {
				for range tc.steps + 1 {
					first = append(first, scheduler.ThreadID(id))
				}
			}
			if got.schedules[0] != key(first) {
				t.Errorf("first run %s, want the non-preemptive %s", got.schedules[0], key(first))
			}
		})
	}
}

// sleeper3 has three tasks; T1 sleeps in the middle, so the decision after
// it blocks is a free switch between T2 and T3.
func sleeper3(t *scheduler.Task) {
	op := t.Intern("step")
	t.Spawn("sleeper", func(t *scheduler.Task) {
		t.Step(op, 0, 0, 0)
		t.Block(nil, t.Now()+1, t.Intern("sleep"), 0, 0)
		t.Step(op, 1, 0, 0)
	})
	for range 2 {
		t.Spawn("stepper", func(t *scheduler.Task) {
			t.Step(op, 0, 0, 0)
			t.Step(op, 1, 0, 0)
		})
	}
}

// TestDFSBoundIsExact checks on a program with a blocking task that a
// bounded exploration runs exactly the schedules of the unbounded one that
// are within the bound, counting a switch away from a blocked task as free.
func TestDFSBoundIsExact(t *testing.T) {
	pre := explore(t, scheduler.NewDFS(-1), sleeper3, false).pre
	tests := []struct{ bound, want int }{
		// Whole tasks in any order (3!), where after T1 sleeps the switch
		// to T2 or T3 is free: T1 T2 T3 T1, T1 T3 T2 T1, T2 T1 T3 T1,
		// T2 T3 T1, T3 T1 T2 T1, T3 T2 T1.
		{0, 6},
		{1, 0},
		{2, 0},
	}
	for _, tc := range tests {
		got := explore(t, scheduler.NewDFS(tc.bound), sleeper3, false)
		want := 0
		for _, n := range pre {
			if n <= tc.bound {
				want++
			}
		}
		if tc.want != 0 && want != tc.want {
			t.Fatalf("bound %d: %d schedules of the unbounded exploration are within it, want %d", tc.bound, want, tc.want)
		}
		if len(got.schedules) != want {
			t.Errorf("bound %d: DFS ran %d schedules, want %d", tc.bound, len(got.schedules), want)
		}
		for _, s := range got.schedules {
			if n, ok := pre[s]; !ok || n > tc.bound {
				t.Errorf("bound %d: DFS ran %s (in the unbounded exploration: %v, preemptions %d)", tc.bound, s, ok, n)
			}
		}
	}
}

// TestDFSDataDecisions checks that data decisions are enumerated, in the
// order 0, 1, ..., and multiply the schedules.
func TestDFSDataDecisions(t *testing.T) {
	tests := []struct {
		name    string
		bound   int // data decisions are never preemptions, so 0 bounds nothing
		program func(*scheduler.Task)
		want    int
		values  []string // values of every run, in order; nil: do not check
	}{
		{"Choose(3)", 0, func(t *scheduler.Task) {
			t.Choose(t.Intern("c"), 3)
		}, 3, []string{"[0]", "[1]", "[2]"}},
		{"Choose(2) Choose(3)", 0, func(t *scheduler.Task) {
			t.Choose(t.Intern("a"), 2)
			t.Step(t.Intern("step"), 0, 0, 0)
			t.Choose(t.Intern("b"), 3)
		}, 6, []string{"[0 0]", "[0 1]", "[0 2]", "[1 0]", "[1 1]", "[1 2]"}},
		{"Choose(2) in one of two tasks", -1, chooserAndStepper, 12, nil},        // C(4,2) interleavings × 2 outcomes
		{"Choose(2) in one of two tasks, bound 0", 0, chooserAndStepper, 4, nil}, // 2 task orders × 2 outcomes
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := scheduler.NewDFS(tc.bound)
			e := scheduler.New(scheduler.Config{})
			var values []string
			decisions := map[string]bool{}
			for !d.Done() && len(values) < 100 {
				r := e.Run(d, tc.program)
				if r.Failure != nil {
					t.Fatal(r.Failure)
				}
				var v []int64
				for _, dec := range r.Decisions {
					if dec.Kind == scheduler.DecValue {
						v = append(v, dec.Value)
					}
				}
				values = append(values, key(v))
				decisions[key(r.Decisions)] = true
			}
			if len(values) != tc.want || len(decisions) != tc.want || d.Runs() != tc.want {
				t.Fatalf("%d runs, %d distinct decision lists, Runs() = %d; want %d", len(values), len(decisions), d.Runs(), tc.want)
			}
			if tc.values != nil && !slices.Equal(values, tc.values) {
				t.Fatalf("values %v, want %v", values, tc.values)
			}
		})
	}
}

// chooserAndStepper runs a task that steps, then makes a data decision,
// alongside a task that steps.
func chooserAndStepper(t *scheduler.Task) {
	op := t.Intern("step")
	t.Spawn("chooser", func(t *scheduler.Task) {
		t.Step(op, 0, 0, 0)
		t.Choose(t.Intern("c"), 2)
	})
	t.Spawn("stepper", func(t *scheduler.Task) { t.Step(op, 0, 0, 0) })
}

// lastFinisherFails panics when T1 is the last of two stepping tasks to
// finish, which is the case in the last schedule DFS explores.
func lastFinisherFails(t *scheduler.Task) {
	finished := 0
	op := t.Intern("step")
	for range 2 {
		t.Spawn("stepper", func(t *scheduler.Task) {
			for i := range 2 {
				t.Step(op, int64(i), 0, 0)
			}
			if finished++; finished == 2 && t.ID() == 1 {
				panic("T1 finished last")
			}
		})
	}
}

// TestDFSGoesOnAfterFailures checks that failed runs neither stop nor
// disturb the exploration, and that Done becomes true when the last run
// fails.
func TestDFSGoesOnAfterFailures(t *testing.T) {
	got := explore(t, scheduler.NewDFS(-1), lastFinisherFails, true)
	if len(got.schedules) != 20 || got.failures != 10 {
		t.Fatalf("%d runs, %d failed; want 20 runs, 10 of them failed", len(got.schedules), got.failures)
	}
	want := interleavings(2, 3)
	for _, s := range got.schedules {
		if _, ok := want[s]; !ok {
			t.Errorf("DFS ran %s, which is not an interleaving", s)
		}
	}
}

// TestDFSNewRunWithoutFinish drives a DFS by hand through a tree of two
// free binary thread decisions, never calling Finish: DFS must notice each
// new run from the steps going back, and notice when the last one is over.
func TestDFSNewRunWithoutFinish(t *testing.T) {
	d := scheduler.NewDFS(0) // free switches: the bound does not matter
	enabled := []scheduler.ThreadID{1, 2}
	var paths []string
	for !d.Done() && len(paths) < 10 {
		i, err := d.NextThread(enabled, -1, 2)
		j, err2 := d.NextThread(enabled, -1, 3)
		if err != nil || err2 != nil {
			t.Fatal(err, err2)
		}
		paths = append(paths, fmt.Sprint(i, j))
	}
	want := []string{"0 0", "0 1", "1 0", "1 1"}
	if !slices.Equal(paths, want) || d.Runs() != 4 {
		t.Fatalf("paths %v, Runs() = %d; want %v, 4", paths, d.Runs(), want)
	}
	if _, err := d.NextThread(enabled, -1, 2); err == nil || !strings.Contains(err.Error(), "explored every schedule") {
		t.Fatalf("a decision after the end: want an error, got %v", err)
	}
}

func TestDFSDone(t *testing.T) {
	d := scheduler.NewDFS(2)
	if d.Done() || d.Runs() != 0 {
		t.Fatalf("a new DFS: Done() = %v, Runs() = %d", d.Done(), d.Runs())
	}
	e := scheduler.New(scheduler.Config{})
	// One task: no decision at all, so a single run explores everything.
	if r := e.Run(d, steppers(1, 3)); r.Failure != nil {
		t.Fatal(r.Failure)
	}
	if !d.Done() || d.Runs() != 1 || d.Err() != nil {
		t.Fatalf("after the only schedule: Done() = %v, Runs() = %d, Err() = %v", d.Done(), d.Runs(), d.Err())
	}
	for _, program := range []func(*scheduler.Task){steppers(1, 3), steppers(2, 1)} {
		r := e.Run(d, program)
		if r.Failure == nil || r.Failure.Kind != scheduler.Diverged || !strings.Contains(r.Failure.Message, "explored every schedule") {
			t.Fatalf("a run after Done: want a divergence, got %v", r.Failure)
		}
	}
}

// TestDFSNondeterminism checks that a program that does not repeat itself
// given the same decisions is reported, with the step, and stops the
// exploration.
func TestDFSNondeterminism(t *testing.T) {
	tests := []struct {
		name    string
		program func(run int) func(*scheduler.Task)
		want    []string
	}{
		{"more threads", func(run int) func(*scheduler.Task) {
			return steppers(2+min(run, 1), 1)
		}, []string{"at step 2", "among 3 enabled threads, but among 2"}},
		{"more outcomes", func(run int) func(*scheduler.Task) {
			return func(t *scheduler.Task) { t.Choose(t.Intern("c"), 2+min(run, 1)) }
		}, []string{"at step 1", "has 3 outcomes, but 2"}},
		{"other kind", func(run int) func(*scheduler.Task) {
			return func(t *scheduler.Task) {
				if run == 0 {
					t.Choose(t.Intern("c"), 2)
				}
				t.Spawn("stepper", func(t *scheduler.Task) {})
				t.Step(t.Intern("step"), 0, 0, 0)
			}
		}, []string{"at step 2", "is a thread decision, but", "value decision at step 1"}},
		{"ended early", func(run int) func(*scheduler.Task) {
			return func(t *scheduler.Task) {
				t.Choose(t.Intern("c"), 2)
				if run == 0 {
					t.Choose(t.Intern("c"), 2)
				}
			}
		}, []string{"ended at step 1 after 1 decisions", "at least 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := scheduler.NewDFS(-1)
			e := scheduler.New(scheduler.Config{})
			if r := e.Run(d, tc.program(0)); r.Failure != nil {
				t.Fatal(r.Failure)
			}
			for run := 1; run <= 2; run++ { // the error sticks
				r := e.Run(d, tc.program(run))
				if r.Failure == nil || r.Failure.Kind != scheduler.Diverged {
					t.Fatalf("run %d: want a divergence, got %v", run, r.Failure)
				}
				if run == 1 {
					t.Log(r.Failure.Message)
				}
				for _, w := range append(tc.want, "scheduler: nondeterministic program") {
					if !strings.Contains(r.Failure.Message, w) {
						t.Errorf("run %d: message %q lacks %q", run, r.Failure.Message, w)
					}
				}
			}
			if !d.Done() || !errors.Is(d.Err(), scheduler.ErrNondeterministic) {
				t.Fatalf("Done() = %v, Err() = %v; want done with ErrNondeterministic", d.Done(), d.Err())
			}
		})
	}
}

// TestDFSNondeterminismDirect drives a DFS by hand, without an engine.
func TestDFSNondeterminismDirect(t *testing.T) {
	d := scheduler.NewDFS(-1)
	if i, err := d.NextThread([]scheduler.ThreadID{0, 1}, 0, 1); i != 0 || err != nil {
		t.Fatalf("first decision: %d, %v; want 0 (keep T0), nil", i, err)
	}
	if err := d.Finish(1); err != nil {
		t.Fatal(err)
	}
	_, err := d.NextThread([]scheduler.ThreadID{0, 1, 2}, 0, 1)
	if !errors.Is(err, scheduler.ErrNondeterministic) || !strings.Contains(err.Error(), "step 1") {
		t.Fatalf("want ErrNondeterministic naming step 1, got %v", err)
	}
}

// BenchmarkDFSStep measures one scheduling step of three tasks that do
// nothing but step, under DFS with a preemption bound of 2; it mirrors
// BenchmarkEngineStep. After the first run, every run replays the long
// prefix of the one before. One op is one step.
func BenchmarkDFSStep(b *testing.B) {
	const stepsPerRun = 30_000
	e := scheduler.New(scheduler.Config{MaxSteps: 1 << 40})
	var s *scheduler.DFS
	lastPer := -1
	b.ReportAllocs()
	b.ResetTimer()
	remaining := b.N
	for remaining > 0 {
		per := max(min(remaining, stepsPerRun)/3, 1)
		if per != lastPer || s.Done() {
			// Another program: start another exploration.
			s, lastPer = scheduler.NewDFS(2), per
		}
		op := e.Intern("op")
		body := func(t *scheduler.Task) {
			for i := range per {
				t.Step(op, int64(i), 0, 0)
			}
		}
		r := e.Run(s, func(t *scheduler.Task) {
			t.Spawn("a", body)
			t.Spawn("b", body)
			body(t)
		})
		if r.Failure != nil {
			b.Fatal(r.Failure)
		}
		remaining -= int(r.Steps)
	}
}
