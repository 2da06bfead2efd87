package scheduler_test

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// lateStep returns a program of a short thread of two steps (after its
// start) that spawns a long thread of n steps after its first and panics in
// its second when that runs after every step of the long one: an
// interleaving that random walk reaches with probability 2^-n. With race,
// every step of both threads writes one object, so each of the long
// thread's steps races with the short thread's second; otherwise each
// thread touches an object of its own. (The short thread's first step
// tells POS what its second will touch.)
func lateStep(n int, race bool) func(*scheduler.Task) {
	return func(t *scheduler.Task) {
		op := t.Intern("step")
		obj := func(id uint64) scheduler.Object {
			if race {
				id = 0
			}
			return scheduler.MakeObject(1, id)
		}
		left := n
		t.Spawn("short", func(t *scheduler.Task) {
			t.Step(op, 0, 0, 0)
			t.Touch(obj(2), scheduler.Write)
			t.Spawn("long", func(t *scheduler.Task) {
				for i := range n {
					t.Step(op, int64(i), 0, 0)
					t.Touch(obj(1), scheduler.Write)
					left--
				}
			})
			t.Step(op, 1, 0, 0)
			t.Touch(obj(2), scheduler.Write)
			if left == 0 {
				panic("the short thread ran after the window")
			}
		})
	}
}

// countFailures runs program runs times under the strategy fresh(i) makes
// for run i and counts the runs that fail.
func countFailures(t *testing.T, fresh func(i int) scheduler.Strategy, program func(*scheduler.Task), runs int) int {
	t.Helper()
	e := scheduler.New(scheduler.Config{})
	n := 0
	for i := range runs {
		if r := e.Run(fresh(i), program); r.Failure != nil {
			if r.Failure.Kind != scheduler.Panic {
				t.Fatalf("run %d: unexpected failure %v", i, r.Failure)
			}
			n++
		}
	}
	return n
}

// TestPOSIndependentStepsDoNotDilute: a step that races with nothing keeps
// its priority while the other thread's independent steps run, so POS puts
// it after all 30 of them about once in 31 runs, where random walk needs
// about 2^30 runs; when every step of the long thread races with it, POS
// draws their order afresh at each one and is as unlikely as random walk.
func TestPOSIndependentStepsDoNotDilute(t *testing.T) {
	const runs = 600
	pos := func(i int) scheduler.Strategy { return scheduler.NewPOS(uint64(i) + 1) }
	random := func(i int) scheduler.Strategy { return scheduler.NewRandom(uint64(i) + 1) }
	independent := countFailures(t, pos, lateStep(30, false), runs)
	racing := countFailures(t, pos, lateStep(30, true), runs)
	walk := countFailures(t, random, lateStep(30, false), runs)
	t.Logf("short step after all 30 long ones in %d runs: POS %d (independent), POS %d (racing), random %d", runs, independent, racing, walk)
	if independent < runs/31/3 {
		t.Errorf("POS put the independent step last in %d of %d runs; want about 1 in 31", independent, runs)
	}
	if racing > 2 || walk > 2 {
		t.Errorf("racing POS %d, random %d of %d runs; want about 2^-30 of them", racing, walk, runs)
	}
}

// TestURWUniformOverInterleavings: once URW has learnt the threads'
// lengths, it picks the short thread's second step with probability 1/31
// at each of the 31 places it can take among the long thread's 30 steps,
// so it comes last about once in 31 runs.
func TestURWUniformOverInterleavings(t *testing.T) {
	const runs = 600
	u := scheduler.NewURW(7)
	got := countFailures(t, func(int) scheduler.Strategy { return u }, lateStep(30, false), runs)
	t.Logf("short step after all 30 long ones in %d of %d URW runs", got, runs)
	if got < runs/31/2 || got > runs/31*2 {
		t.Errorf("URW put the short step last in %d of %d runs; want about 1 in 31", got, runs)
	}
}

// TestPOSAndURWDeterminism: the same seed gives the same runs.
func TestPOSAndURWDeterminism(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func() scheduler.Strategy
	}{
		{"pos", func() scheduler.Strategy { return scheduler.NewPOS(3) }},
		{"urw", func() scheduler.Strategy { return scheduler.NewURW(3) }},
	} {
		var first []string
		for rep := range 2 {
			s := tc.new()
			e := scheduler.New(scheduler.Config{})
			for i := range 20 {
				got := key(schedule(e.Run(s, lateStep(6, i%2 == 0))))
				if rep == 0 {
					first = append(first, got)
				} else if got != first[i] {
					t.Fatalf("%s: run %d differs between two strategies with the same seed: %s vs %s", tc.name, i, got, first[i])
				}
			}
		}
	}
}
