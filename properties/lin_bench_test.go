package properties

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// linSeed is the random schedule the LIN benchmarks and tests run under.
// Under it, before the checker had a budget, 16 racing terminators on
// reference already took porcupine more than 20 s.
const linSeed = 5

// racingTerminators is the named scenario racing-terminators with n
// terminators instead of three: n threads call ClusWorkerTerminate on one
// polling worker at the same moment.
func racingTerminators(tb testing.TB, n int) scenario.Scenario {
	tb.Helper()
	s, ok := scenario.Lookup("racing-terminators")
	if !ok {
		tb.Fatal("no scenario racing-terminators")
	}
	term := s.Terminators[0]
	s.Terminators = nil
	for range n {
		s.Terminators = append(s.Terminators, term)
	}
	s.Name = fmt.Sprintf("racing-terminators-%d", n)
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// coupledTerminators is a scenario whose history porcupine cannot decide
// quickly: n terminators of every kind at once on four workers, half of
// them ClusWorkersTerminate calls over two workers each, which couple all
// four in one partition.
func coupledTerminators(tb testing.TB, n int) scenario.Scenario {
	tb.Helper()
	poll := scenario.Behavior{Kind: scenario.Poll, Every: 1, Sleep: 5}
	stubborn := scenario.Behavior{Kind: scenario.Stubborn, Steps: 4, Every: 1, Sleep: 5}
	s := scenario.Scenario{Name: fmt.Sprintf("coupled-terminators-%d", n)}
	for w := range 4 {
		s.Workers = append(s.Workers, scenario.Worker{Cycles: []scenario.Cycle{{Behavior: []scenario.Behavior{poll, stubborn}[w%2]}}})
	}
	for i := range n {
		var t scenario.Terminator
		switch i % 3 {
		case 0:
			t = scenario.Terminator{Action: scenario.Action{Call: scenario.CallTerminate}, Workers: []int{i % 4}}
		case 1:
			t = scenario.Terminator{Action: scenario.Action{Call: scenario.CallWorkersTerminate, Timeout: uint32(i%5) * 4, WaitOnly: i%2 == 0},
				Workers: []int{i % 4, (i + 1) % 4}}
		case 2:
			t = scenario.Terminator{Action: scenario.Action{Call: scenario.CallTerminateEx, Timeout: uint32(i%4) * 5}, Workers: []int{i % 4}}
		}
		t.Delay = 10
		s.Terminators = append(s.Terminators, t)
	}
	if err := s.Validate(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// linHistory runs s on reference under the random schedule seed and returns
// the run's history as the LIN check sees it.
func linHistory(tb testing.TB, s scenario.Scenario, seed uint64) []porcupine.Operation {
	tb.Helper()
	main, h := s.Program(impls.NewReference())
	cfg := s.Config()
	cfg.Engine.MaxSteps = DefaultMaxSteps
	res := sim.NewSimulator(cfg).Run(scheduler.NewRandom(seed), main)
	if res.Failure != nil {
		tb.Fatalf("%s: the run failed: %v", s.Name, res.Failure)
	}
	ops := Operations(h.Calls(), res.Events)
	if err := model.Validate(ops); err != nil {
		tb.Fatal(err)
	}
	return ops
}

// BenchmarkLinTerminators times the LIN check alone (model.CheckBudget with
// the default budget) on the history of N racing terminators on reference,
// and reports its model steps, its time per step and the heap it allocated.
//
//	go test ./properties/ -run '^$' -bench LinTerminators -benchtime 3x
func BenchmarkLinTerminators(b *testing.B) {
	for _, n := range []int{16, 18, 20, 24, 64, 256} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchLin(b, linHistory(b, racingTerminators(b, n), linSeed))
		})
	}
}

// BenchmarkLinCoupled is BenchmarkLinTerminators on coupledTerminators,
// whose LIN check runs out of the default budget: it shows what an
// undecided check costs.
func BenchmarkLinCoupled(b *testing.B) {
	benchLin(b, linHistory(b, coupledTerminators(b, 24), 2))
}

func benchLin(b *testing.B, ops []porcupine.Operation) {
	var v model.Verdict
	var st model.Stats
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for b.Loop() {
		v, st = model.CheckBudget(ops, model.DefaultBudget)
	}
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	runs := float64(b.N)
	b.ReportMetric(float64(st.Steps), "steps/op")
	b.ReportMetric(float64(el.Nanoseconds())/runs/float64(max(st.Steps, 1)), "ns/step")
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/runs/(1<<20), "MB-alloc/op")
	b.Logf("%d operations in %d partitions: %v in %d of %d model steps", len(ops), len(st.Partitions), v, st.Steps, st.Budget)
}
