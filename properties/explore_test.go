package properties

import (
	"fmt"
	"slices"
	"testing"

	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// TestExploreObserve: with Observe, a job goes on after a failing run and
// the observer sees every run with the spec that reproduces it alone; the
// job still reports its first failure; returning false ends the whole
// exploration; and Parallel changes nothing.
func TestExploreObserve(t *testing.T) {
	e, _ := impls.Lookup("bug-check-then-set")
	s, _ := scenario.Lookup("racing-terminators")
	jobs := []Job{
		{Scenario: &s, Strategy: StrategySpec{Name: "random", Seed: 1}, Budget: 60},
		{Scenario: &s, Strategy: StrategySpec{Name: "dfs", Depth: 0}, Budget: 60},
	}
	for _, parallel := range []int{1, 2} {
		var seen, failed int
		var firstSpec StrategySpec
		res := Explore(e.New, Exploration{Jobs: jobs, KeepGoing: true, Parallel: parallel,
			Observe: func(job int, o *Outcome, spec StrategySpec) bool {
				seen++
				if job == 0 && spec.Seed != uint64(seen) {
					t.Errorf("run %d of the random job is recorded as seed %d", seen, spec.Seed)
				}
				if o.Failed() {
					if failed == 0 {
						firstSpec = spec
					}
					failed++
				}
				return true
			}})
		if res[0] == nil || res[0].Runs != 60 || res[0].Failure == nil || res[0].Strategy != firstSpec {
			t.Fatalf("parallel %d: job 0 %+v, want 60 runs and its first failure (%v)", parallel, res[0], firstSpec)
		}
		if failed < 2 || seen != res[0].Runs+res[1].Runs {
			t.Fatalf("parallel %d: observed %d runs (%d failing), jobs ran %d+%d", parallel, seen, failed, res[0].Runs, res[1].Runs)
		}
		// The observer ends it.
		n := 0
		res = Explore(e.New, Exploration{Jobs: jobs, KeepGoing: true, Parallel: parallel,
			Observe: func(int, *Outcome, StrategySpec) bool { n++; return n < 3 }})
		if n != 3 || res[0].Runs != 3 || res[1] != nil {
			t.Fatalf("parallel %d: stopped after %d observed runs, jobs %+v %+v; want 3 runs of job 0 and no job 1", parallel, n, res[0], res[1])
		}
	}
}

// TestExploreInterleave: with Interleave the jobs take turns, one run each
// (a finished job drops out of the rotation), every job's runs are the ones
// it makes alone, and Runs ends the whole exploration after that many runs.
func TestExploreInterleave(t *testing.T) {
	e, _ := impls.Lookup("reference")
	join, _ := scenario.Lookup("join")
	reuse, _ := scenario.Lookup("reuse-fast")
	jobs := []Job{
		{Scenario: &join, Strategy: StrategySpec{Name: "random", Seed: 5}, Budget: 4},
		{Scenario: &reuse, Strategy: StrategySpec{Name: "pct", Seed: 9, Depth: 2, MaxSteps: 1}, Budget: 100},
		{GeneratedFrom: 3, Generated: 100},
	}
	type run struct {
		job  int
		spec StrategySpec
		hash uint64
	}
	var got []run
	x := Exploration{Interleave: true, Runs: 20, Parallel: 2}
	x.Jobs = jobs
	x.Observe = func(job int, o *Outcome, spec StrategySpec) bool {
		got = append(got, run{job, spec, HistoryHash(o.Scenario.Name, o.Calls)})
		return true
	}
	res := Explore(e.New, x)
	if len(got) != 20 {
		t.Fatalf("%d runs, want the 20 that Runs allows", len(got))
	}
	// Rounds of three while job 0 lasts (4 runs), then rounds of two.
	var order []int
	for _, r := range got {
		order = append(order, r.job)
	}
	want := []int{0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("run order %v, want %v", order, want)
	}
	if res[0].Runs != 4 || res[1].Runs != 8 || res[2].Runs != 8 {
		t.Fatalf("job runs %d, %d, %d; want 4, 8, 8", res[0].Runs, res[1].Runs, res[2].Runs)
	}
	// PCT's estimate of a run's length grows with the longest run of its
	// job, and the spec says so; the generated job's runs are gen-SEED
	// under random seeded SEED.
	var pct, gen []run
	for _, r := range got {
		switch r.job {
		case 1:
			pct = append(pct, r)
		case 2:
			gen = append(gen, r)
		}
	}
	if pct[0].spec.MaxSteps != 1 || pct[1].spec.MaxSteps <= 1 || pct[1].spec.Seed != 10 {
		t.Fatalf("PCT runs recorded as %v then %v; want an estimate of 1, then the first run's length, seed 10", pct[0].spec, pct[1].spec)
	}
	for i, r := range gen {
		if r.spec != (StrategySpec{Name: "random", Seed: 3 + uint64(i)}) {
			t.Fatalf("generated run %d recorded as %v", i, r.spec)
		}
	}
	// Each job's runs are those it makes on its own.
	for j := range jobs {
		var mine []run
		for _, r := range got {
			if r.job == j {
				mine = append(mine, r)
			}
		}
		var solo []run
		x := Exploration{Jobs: []Job{jobs[j]}, Runs: len(mine)}
		x.Observe = func(job int, o *Outcome, spec StrategySpec) bool {
			solo = append(solo, run{j, spec, HistoryHash(o.Scenario.Name, o.Calls)})
			return true
		}
		Explore(e.New, x)
		if fmt.Sprint(solo) != fmt.Sprint(mine) {
			t.Errorf("job %d alone ran %v, interleaved %v", j, solo, mine)
		}
	}
}

// TestBenchmarkBugs: every bug of the benchmark is found, with the rule it
// is listed with first, on the named and benchmark scenarios, and the
// reference passes the benchmark scenarios.
func TestBenchmarkBugs(t *testing.T) {
	scenarios := append(scenario.Named(), scenario.Benchmark()...)
	for _, e := range impls.Benchmark() {
		ff, err := FindFirstFailure(e.New, scenarios, StrategySpec{Name: Portfolio, Seed: 1}, 2000)
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if !ff.Found || !slices.Contains(e.Breaks, ff.Rule) {
			t.Errorf("%s: %+v; want a failure of one of %v", e.Name, ff, e.Breaks)
		}
	}
	ref, _ := impls.Lookup("reference")
	ff, err := FindFirstFailure(ref.New, scenario.Benchmark(), StrategySpec{Name: Portfolio, Seed: 1}, 400)
	if err != nil || ff.Found || ff.Runs != 400 {
		t.Fatalf("reference on the benchmark scenarios: %+v, %v; want 400 passing runs", ff, err)
	}
}

// TestExploreReportsInvalidJobs: a job that cannot run (an unknown
// strategy) reports its error whichever driver runs it, and stops the
// exploration unless KeepGoing.
func TestExploreReportsInvalidJobs(t *testing.T) {
	e, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("join")
	jobs := []Job{
		{Scenario: &s, Strategy: StrategySpec{Name: "nope"}, Budget: 5},
		{Scenario: &s, Strategy: StrategySpec{Name: "random", Seed: 1}, Budget: 5},
	}
	for _, x := range []Exploration{{}, {Parallel: 2}, {Interleave: true}, {Runs: 100}, {KeepGoing: true, Interleave: true}} {
		x.Jobs = jobs
		res := Explore(e.New, x)
		if res[0] == nil || res[0].Err == nil {
			t.Fatalf("%+v: the invalid job reports %+v, want an error", x, res[0])
		}
		if ran := res[1] != nil; ran != x.KeepGoing {
			t.Fatalf("%+v: the second job ran: %v, want %v", x, ran, x.KeepGoing)
		}
		if x.KeepGoing && res[1].Runs != 5 {
			t.Fatalf("%+v: the second job ran %d runs, want 5", x, res[1].Runs)
		}
	}
}
