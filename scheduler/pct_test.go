package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// This file holds the PCT tests and the helpers the PCT and DFS tests share.

// steppers returns a program whose main task spawns tasks tasks that each
// call Step steps times, then exits. Each task thus takes steps+1
// scheduling steps (its start, then one per Step), and no task ever blocks,
// so every switch away from a task that has steps left is a preemption.
func steppers(tasks, steps int) func(*scheduler.Task) {
	return func(t *scheduler.Task) {
		op := t.Intern("step")
		for range tasks {
			t.Spawn("stepper", func(t *scheduler.Task) {
				for i := range steps {
					t.Step(op, int64(i), 0, 0)
				}
			})
		}
	}
}

// schedule returns the thread of every scheduling step of a run, in order.
func schedule(r *scheduler.Result) []scheduler.ThreadID {
	var out []scheduler.ThreadID
	for _, ev := range r.Events {
		switch ev.Kind {
		case scheduler.EvStep, scheduler.EvWake, scheduler.EvTimeout:
			out = append(out, ev.Thread)
		}
	}
	return out
}

// preemptions counts, from a run's log, the steps that ran a thread other
// than the one that ran the step before while that one had neither blocked
// nor exited. It matches the engine's notion (the previous thread is still
// enabled) for programs whose blocks are never ready at once.
func preemptions(r *scheduler.Result) int {
	n, prev, gone := 0, scheduler.NoThread, true
	for _, ev := range r.Events {
		switch ev.Kind {
		case scheduler.EvStep, scheduler.EvWake, scheduler.EvTimeout:
			if ev.Thread != prev && !gone {
				n++
			}
			prev, gone = ev.Thread, false
		case scheduler.EvBlock, scheduler.EvExit:
			if ev.Thread == prev {
				gone = true
			}
		}
	}
	return n
}

// key renders a schedule or a decision list as a map key.
func key[T any](xs []T) string { return fmt.Sprint(xs) }

// pctFlag is a Waiter on a boolean the tasks share.
type pctFlag struct{ set bool }

func (f *pctFlag) Ready() bool      { return f.set }
func (f *pctFlag) Describe() string { return "the flag" }

// pctMixed spawns, steps, sleeps, waits on a flag and makes data decisions.
func pctMixed(t *scheduler.Task) {
	f := &pctFlag{}
	worker := func(t *scheduler.Task) {
		for i := range 6 {
			t.Step(t.Intern("work"), int64(i), 0, 0)
			if t.Choose(t.Intern("coin"), 3) == 2 {
				t.Block(nil, t.Now()+int64(1+i), t.Intern("sleep"), 0, 0)
			}
		}
		t.Block(f, -1, t.Intern("wait flag"), 0, 0)
	}
	t.Spawn("w1", worker)
	t.Spawn("w2", worker)
	for i := range 8 {
		t.Step(t.Intern("main"), int64(i), 0, 0)
		if i == 3 {
			t.Spawn("w3", worker)
		}
	}
	t.Block(nil, t.Now()+50, t.Intern("sleep"), 0, 0)
	f.set = true
}

// windowBug is a depth-2 ordering bug: a writer opens a window after its
// Step number open and closes it after the next one; a reader that takes a
// step while the window is open panics. The bug needs the writer to be
// preempted right after it opens the window (one specific preemption), and
// the reader to have steps left then. steps is the writer's length.
func windowBug(steps, open, readerSteps int) func(*scheduler.Task) {
	return func(t *scheduler.Task) {
		isOpen := false
		op := t.Intern("step")
		t.Spawn("writer", func(t *scheduler.Task) {
			for i := range steps {
				t.Step(op, int64(i), 0, 0)
				isOpen = i == open
			}
		})
		t.Spawn("reader", func(t *scheduler.Task) {
			for j := range readerSteps {
				t.Step(op, int64(j), 0, 0)
				if isOpen {
					panic("the reader ran inside the writer's window")
				}
			}
		})
	}
}

// alwaysFails runs three steppers and then panics, so no run of it ends
// cleanly.
func alwaysFails(t *scheduler.Task) {
	f := &pctFlag{}
	done := 0
	for range 3 {
		t.Spawn("stepper", func(t *scheduler.Task) {
			for i := range 5 {
				t.Step(t.Intern("step"), int64(i), 0, 0)
			}
			if done++; done == 3 {
				f.set = true
			}
		})
	}
	t.Block(f, -1, t.Intern("wait"), 0, 0)
	panic("the end")
}

func mustPCT(t testing.TB, seed uint64, depth int, maxSteps int64) *scheduler.PCT {
	t.Helper()
	p, err := scheduler.NewPCT(seed, depth, maxSteps)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPCTConstructorErrors(t *testing.T) {
	tests := []struct {
		depth    int
		maxSteps int64
		want     string // "" for no error
	}{
		{0, 10, "depth"},
		{-1, 10, "depth"},
		{3, 0, "step estimate"},
		{3, -7, "step estimate"},
		{1, 1, ""},
		{5, 1_000_000, ""},
	}
	for _, tc := range tests {
		p, err := scheduler.NewPCT(1, tc.depth, tc.maxSteps)
		switch {
		case tc.want == "" && (err != nil || p == nil):
			t.Errorf("NewPCT(1, %d, %d) = %v, %v; want a strategy", tc.depth, tc.maxSteps, p, err)
		case tc.want != "" && (err == nil || p != nil):
			t.Errorf("NewPCT(1, %d, %d) = %v, %v; want an error", tc.depth, tc.maxSteps, p, err)
		case tc.want != "" && (!strings.HasPrefix(err.Error(), "scheduler: ") || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("NewPCT(1, %d, %d) error %q: want the prefix \"scheduler: \" and %q", tc.depth, tc.maxSteps, err, tc.want)
		}
	}
}

// TestPCTDeterminism runs two PCT strategies with the same seed through 100
// runs each, on two engines, and compares every run, failed runs included.
func TestPCTDeterminism(t *testing.T) {
	tests := []struct {
		name    string
		program func(*scheduler.Task)
	}{
		{"mixed", pctMixed},
		{"sometimes fails", windowBug(6, 2, 3)},
		{"always fails", alwaysFails},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e1, e2 := scheduler.New(scheduler.Config{}), scheduler.New(scheduler.Config{})
			p1, p2 := mustPCT(t, 42, 3, 10), mustPCT(t, 42, 3, 10)
			other := mustPCT(t, 43, 3, 10)
			e3 := scheduler.New(scheduler.Config{})
			schedules := map[string]bool{}
			differs := false
			for run := range 100 {
				r1 := e1.Run(p1, tc.program)
				r2 := e2.Run(p2, tc.program)
				if !slices.Equal(r1.Events, r2.Events) || !slices.Equal(r1.Decisions, r2.Decisions) {
					t.Fatalf("run %d: two PCTs with the same seed gave different runs", run)
				}
				if (r1.Failure == nil) != (r2.Failure == nil) ||
					r1.Failure != nil && r1.Failure.Error() != r2.Failure.Error() {
					t.Fatalf("run %d: failures differ: %v / %v", run, r1.Failure, r2.Failure)
				}
				if r1.Failure != nil && r1.Failure.Kind != scheduler.Panic {
					t.Fatalf("run %d: unexpected failure %v", run, r1.Failure)
				}
				schedules[key(schedule(r1))] = true
				r3 := e3.Run(other, tc.program)
				differs = differs || !slices.Equal(r1.Decisions, r3.Decisions)
			}
			// Each run must get fresh priorities and change points, also
			// after a failed run.
			if len(schedules) < 10 {
				t.Errorf("100 runs gave only %d distinct schedules", len(schedules))
			}
			if !differs {
				t.Error("seeds 42 and 43 gave the same 100 runs")
			}
		})
	}
}

// TestPCTPreemptions checks the heart of PCT on a program whose tasks never
// block and all exist from the first decision on: priorities are strict, so
// the only preemptions are the change points, at most depth-1 per run, and
// with enough runs some run uses all of them.
func TestPCTPreemptions(t *testing.T) {
	e := scheduler.New(scheduler.Config{})
	for _, depth := range []int{1, 2, 3, 4} {
		p := mustPCT(t, uint64(depth), depth, 1)
		most := 0
		for run := range 200 {
			r := e.Run(p, steppers(3, 8))
			if r.Failure != nil {
				t.Fatal(r.Failure)
			}
			n := preemptions(r)
			if n > depth-1 {
				t.Fatalf("depth %d, run %d: %d preemptions, want at most %d", depth, run, n, depth-1)
			}
			most = max(most, n)
		}
		if most != depth-1 {
			t.Errorf("depth %d: at most %d preemptions in 200 runs, want some run with %d", depth, most, depth-1)
		}
	}
}

// TestPCTPrioritiesUniform checks that with depth 1 (a strict priority
// schedule) each of three tasks is the first to run about a third of the
// time.
func TestPCTPrioritiesUniform(t *testing.T) {
	e := scheduler.New(scheduler.Config{})
	p := mustPCT(t, 9, 1, 1)
	first := map[scheduler.ThreadID]int{}
	const runs = 600
	for range runs {
		r := e.Run(p, steppers(3, 2))
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
		first[schedule(r)[1]]++ // step 1 is main's
	}
	for id := scheduler.ThreadID(1); id <= 3; id++ {
		if c := first[id]; c < runs/3-runs/10 || c > runs/3+runs/10 {
			t.Errorf("T%d ran first in %d of %d runs; want about %d", id, c, runs, runs/3)
		}
	}
}

// TestPCTNewRunWithoutFinish drives two PCTs with the same seed by hand
// through the same decisions: one is told of every run's end with Finish,
// the other must notice the new run from the steps going back (each run
// starts with a data decision, then thread decisions). They must choose
// alike, and each run must get fresh priorities.
func TestPCTNewRunWithoutFinish(t *testing.T) {
	told, guess := mustPCT(t, 11, 3, 1), mustPCT(t, 11, 3, 1)
	enabled := []scheduler.ThreadID{1, 2, 3}
	firsts := map[int]int{}
	for run := range 100 {
		v1, _ := told.NextValue(0, 5, 1)
		if v2, _ := guess.NextValue(0, 5, 1); v1 != v2 {
			t.Fatalf("run %d, step 1: value %d with Finish, %d without", run, v1, v2)
		}
		cur := -1
		for step := int64(2); step <= 12; step++ {
			i1, err1 := told.NextThread(enabled, cur, step)
			i2, err2 := guess.NextThread(enabled, cur, step)
			v1, _ := told.NextValue(enabled[i1], 4, step)
			v2, _ := guess.NextValue(enabled[i2], 4, step)
			if err1 != nil || err2 != nil || i1 != i2 || v1 != v2 {
				t.Fatalf("run %d, step %d: with Finish %d, %d, %v; without %d, %d, %v", run, step, i1, v1, err1, i2, v2, err2)
			}
			if step == 2 {
				firsts[i1]++
			}
			cur = i1
		}
		if err := told.Finish(12); err != nil {
			t.Fatal(err)
		}
	}
	if len(firsts) != 3 {
		t.Fatalf("the first thread over 100 runs: %v; want each of 3 threads sometimes", firsts)
	}
}

// runsToFind returns the number of the first run (from 1) of program under
// s that fails, or budget+1 if none of budget runs does.
func runsToFind(t *testing.T, s scheduler.Strategy, program func(*scheduler.Task), budget int) int {
	t.Helper()
	e := scheduler.New(scheduler.Config{})
	for run := 1; run <= budget; run++ {
		r := e.Run(s, program)
		if r.Failure != nil {
			if r.Failure.Kind != scheduler.Panic || !strings.Contains(r.Failure.Message, "window") {
				t.Fatalf("run %d: unexpected failure %v", run, r.Failure)
			}
			return run
		}
	}
	return budget + 1
}

// TestPCTFindsDepth2Bug compares PCT (depth 2) with Random on windowBug,
// with the window near the end of a long writer: PCT finds it with
// probability about 1/(2k) per run (the writer must start with the higher
// priority and the one change point must fall right after the window
// opens), while Random must keep the short reader from finishing during 35
// writer steps. Every seed must find the bug within the budget with PCT.
func TestPCTFindsDepth2Bug(t *testing.T) {
	const budget = 1000
	program := windowBug(40, 35, 10)
	pctTotal, randomTotal := 0, 0
	for seed := uint64(1); seed <= 5; seed++ {
		pr := runsToFind(t, mustPCT(t, seed, 2, 1), program, budget)
		rr := runsToFind(t, scheduler.NewRandom(seed), program, budget)
		t.Logf("seed %d: PCT found the bug in run %d, Random in run %d (%d = not within %d runs)", seed, pr, rr, budget+1, budget)
		if pr > budget {
			t.Errorf("seed %d: PCT did not find the depth-2 bug in %d runs", seed, budget)
		}
		pctTotal += pr
		randomTotal += rr
	}
	if pctTotal >= randomTotal {
		t.Errorf("PCT needed %d runs over 5 seeds, Random %d: PCT should need fewer", pctTotal, randomTotal)
	}
}

func TestPCTMaxStepsGrows(t *testing.T) {
	e := scheduler.New(scheduler.Config{})
	p := mustPCT(t, 3, 3, 5)
	if got := p.MaxSteps(); got != 5 {
		t.Fatalf("initial estimate %d, want 5", got)
	}
	want := int64(5)
	for _, tasks := range []int{3, 1, 5, 2} { // longer, shorter, longer, shorter
		r := e.Run(p, steppers(tasks, 8))
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
		want = max(want, r.Steps)
		if got := p.MaxSteps(); got != want {
			t.Fatalf("after a run of %d steps the estimate is %d, want %d", r.Steps, got, want)
		}
	}
	if want != 1+5*9 {
		t.Fatalf("the longest run took %d steps, want %d", want, 1+5*9)
	}
}

// BenchmarkPCTStep measures one scheduling step of three tasks that do
// nothing but step, under PCT with depth 3; it mirrors BenchmarkEngineStep.
// One op is one step.
func BenchmarkPCTStep(b *testing.B) {
	const stepsPerRun = 30_000
	e := scheduler.New(scheduler.Config{MaxSteps: 1 << 40})
	s := mustPCT(b, 1, 3, stepsPerRun)
	b.ReportAllocs()
	b.ResetTimer()
	remaining := b.N
	for remaining > 0 {
		per := max(min(remaining, stepsPerRun)/3, 1)
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
