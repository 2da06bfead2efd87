package scenario_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// Schedules per test, and the fraction of them a race build runs (see
// raceEnabled).
const (
	// namedSeeds is how many schedules each named scenario runs under each
	// correct implementation.
	namedSeeds = 1000
	// generatedSeeds is how many generated scenarios the generator test
	// runs.
	generatedSeeds = 2000
	// raceShare divides both under the race detector.
	raceShare = 8
)

// seeds returns n, or n/raceShare under the race detector.
func seeds(n int) uint64 {
	if raceEnabled {
		return uint64(n / raceShare)
	}
	return uint64(n)
}

// implementation is a correct WorkerAPI the scenarios must complete under.
type implementation struct {
	name   string
	newAPI func() sim.WorkerAPI
}

// correctImpls lists this package's own test implementation, plus those of
// package impls when the build includes them (see impls_test.go).
var correctImpls = []implementation{{name: "test", newAPI: newTestAPI}}

// runOnce runs s once under api with a Random schedule from seed.
func runOnce(simr *sim.Simulator, s scenario.Scenario, api sim.WorkerAPI, seed uint64) (*sim.Result, *sim.Harness) {
	main, h := s.Program(api)
	return simr.Run(scheduler.NewRandom(seed), main), h
}

// problem returns the first thing wrong with a run under a correct
// implementation, or "" when there is none. The text is deterministic.
func problem(s scenario.Scenario, r *sim.Result, h *sim.Harness) string {
	if r.Failure != nil {
		return "run failed: " + r.Failure.Error()
	}
	if len(r.Faults) > 0 {
		return "kernel fault: " + r.Faults[0].String()
	}
	if len(r.Races) > 0 {
		return "race: " + r.Races[0].String()
	}
	for _, hi := range r.Handles {
		if hi.Impl && hi.Open {
			return fmt.Sprintf("leak: handle %v to %s opened by T%d at step %d (%s) is still open after the clean-up",
				hi.Handle, hi.Object, hi.OpenedBy, hi.OpenedStep, hi.OpenedOp)
		}
	}
	cleanups := 0
	for _, c := range h.Calls() {
		if !c.Returned {
			return fmt.Sprintf("call %d %v by T%d never returned", c.ID, c.Kind, c.Thread)
		}
		if c.Thread == 0 && isAPICall(c.Kind) {
			cleanups++
			if c.Kind != sim.CallTerminateEx || c.Result != sim.ErrorSuccess {
				return fmt.Sprintf("clean-up call %d %v on w%d returned %s", c.ID, c.Kind, c.Worker, sim.ErrorName(c.Result))
			}
		}
	}
	if cleanups != len(s.Workers) {
		return fmt.Sprintf("%d clean-up calls for %d structs", cleanups, len(s.Workers))
	}
	return ""
}

// expectation checks that a named scenario produced the situation it is
// named for, under a correct implementation.
type expectation func(calls []sim.Call) string

// callsOf returns the history entries of kind k not made by main (T0, whose
// only calls are the clean-up), in order.
func callsOf(calls []sim.Call, k sim.CallKind) []sim.Call {
	var out []sim.Call
	for _, c := range calls {
		if c.Kind == k && c.Thread != 0 {
			out = append(out, c)
		}
	}
	return out
}

// isAPICall reports whether k is one of the five CLUS_WORKER functions (the
// history also holds marks of a routine's start and exit).
func isAPICall(k sim.CallKind) bool {
	switch k {
	case sim.CallCreate, sim.CallCheckTerminate, sim.CallTerminate, sim.CallTerminateEx, sim.CallWorkersTerminate:
		return true
	}
	return false
}

func immediate(c sim.Call) bool { return c.ReturnTime == c.CallTime }

var expectations = map[string]expectation{
	"join": func(calls []sim.Call) string {
		exits := callsOf(calls, sim.CallExit)
		for _, c := range callsOf(calls, sim.CallTerminateEx) {
			if c.Result != sim.ErrorSuccess || len(exits) != 1 || c.ReturnTick < exits[0].CallTick {
				return fmt.Sprintf("join returned %s at tick %d", sim.ErrorName(c.Result), c.ReturnTick)
			}
		}
		return ""
	},
	"terminate-ex-race": func(calls []sim.Call) string {
		for _, c := range callsOf(calls, sim.CallTerminateEx) {
			want := sim.ErrorSuccess
			if c.Timeout == 30 {
				want = sim.WaitTimeout
			}
			if c.Result != want {
				return fmt.Sprintf("TerminateEx(%d ms) returned %s", c.Timeout, sim.ErrorName(c.Result))
			}
		}
		return ""
	},
	"multi-timeout": func(calls []sim.Call) string {
		for _, c := range callsOf(calls, sim.CallWorkersTerminate) {
			if c.Result != sim.WaitTimeout || c.ReturnTime-c.CallTime != 50 {
				return fmt.Sprintf("ClusWorkersTerminate returned %s after %d ms", sim.ErrorName(c.Result), c.ReturnTime-c.CallTime)
			}
		}
		return ""
	},
	"multi-null": func(calls []sim.Call) string {
		// The NULL call touches nothing (P7): no worker sees TRUE before the
		// real call over both workers.
		var real sim.Call
		for _, c := range callsOf(calls, sim.CallWorkersTerminate) {
			if len(c.Workers) == 2 {
				real = c
			}
		}
		for _, c := range callsOf(calls, sim.CallCheckTerminate) {
			if c.Result == 1 && c.ReturnTick < real.CallTick {
				return fmt.Sprintf("w%d saw TRUE at %d ms, before the only call that signals it", c.Worker, c.ReturnTime)
			}
		}
		for _, c := range callsOf(calls, sim.CallWorkersTerminate) {
			want := sim.ErrorSuccess
			if slices.Contains(c.Workers, scenario.NullWorker) {
				want = sim.ErrorInvalidParameter
			}
			if c.Result != want || (len(c.Workers) != 2 && !immediate(c)) {
				return fmt.Sprintf("ClusWorkersTerminate(%v) returned %s", c.Workers, sim.ErrorName(c.Result))
			}
		}
		return ""
	},
	"self-terminate-ex":      selfDeadlock(sim.CallTerminateEx),
	"self-workers-terminate": selfDeadlock(sim.CallWorkersTerminate),
	"self-terminate": func(calls []sim.Call) string {
		for _, c := range callsOf(calls, sim.CallTerminate) {
			if c.Self && !immediate(c) {
				return "the self Terminate waited"
			}
		}
		return ""
	},
	"after-exit": func(calls []sim.Call) string {
		for _, c := range calls {
			if c.Thread != 0 && (c.Kind == sim.CallTerminate || c.Kind == sim.CallTerminateEx) &&
				(!immediate(c) || c.Result != sim.ErrorSuccess) {
				return fmt.Sprintf("call %d %v after the routine returned took %d ms and returned %s",
					c.ID, c.Kind, c.ReturnTime-c.CallTime, sim.ErrorName(c.Result))
			}
		}
		return ""
	},
	"never-created": func(calls []sim.Call) string {
		for _, c := range calls {
			if (c.Kind == sim.CallTerminate || c.Kind == sim.CallTerminateEx || c.Kind == sim.CallWorkersTerminate) &&
				(c.Worker == 0 || slices.Equal(c.Workers, []int{0})) && (!immediate(c) || c.Result != sim.ErrorSuccess) {
				return fmt.Sprintf("call %d %v on the never-created struct took %d ms and returned %s",
					c.ID, c.Kind, c.ReturnTime-c.CallTime, sim.ErrorName(c.Result))
			}
		}
		return ""
	},
}

func selfDeadlock(kind sim.CallKind) expectation {
	return func(calls []sim.Call) string {
		n := 0
		for _, c := range callsOf(calls, kind) {
			if c.Self {
				n++
				if c.Result != sim.ErrorPossibleDeadlock || !immediate(c) {
					return fmt.Sprintf("self %v returned %s after %d ms", kind, sim.ErrorName(c.Result), c.ReturnTime-c.CallTime)
				}
			}
		}
		if n != 1 {
			return fmt.Sprintf("%d self calls of %v", n, kind)
		}
		return ""
	}
}

func TestNamedScenariosComplete(t *testing.T) {
	for _, im := range correctImpls {
		for _, s := range scenario.Named() {
			t.Run(im.name+"/"+s.Name, func(t *testing.T) {
				t.Parallel()
				simr := sim.NewSimulator(s.Config())
				failedCreates := 0
				for seed := range seeds(namedSeeds) {
					r, h := runOnce(simr, s, im.newAPI(), seed)
					if p := problem(s, r, h); p != "" {
						t.Fatalf("seed %d: %s\nscenario: %v", seed, p, s)
					}
					if exp := expectations[s.Name]; exp != nil {
						if p := exp(h.Calls()); p != "" {
							t.Fatalf("seed %d: %s\nscenario: %v", seed, p, s)
						}
					}
					for _, c := range h.Calls() {
						if c.Kind == sim.CallCreate && c.Result != sim.ErrorSuccess {
							failedCreates++
						}
					}
				}
				if s.Faults && failedCreates == 0 {
					t.Fatalf("fault injection is on but no Create failed in %d runs", seeds(namedSeeds))
				}
				if !s.Faults && failedCreates > 0 {
					t.Fatalf("%d Creates failed without fault injection", failedCreates)
				}
			})
		}
	}
}

func TestGeneratedScenariosComplete(t *testing.T) {
	for _, im := range correctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			lim := scenario.DefaultLimits()
			for seed := range seeds(generatedSeeds) {
				s := scenario.Generate(seed, lim)
				if err := s.Validate(); err != nil {
					t.Fatalf("seed %d: generated an invalid scenario: %v\n%v", seed, err, s)
				}
				r, h := runOnce(sim.NewSimulator(s.Config()), s, im.newAPI(), seed)
				if p := problem(s, r, h); p != "" {
					t.Fatalf("seed %d: %s\nscenario: %v", seed, p, s)
				}
			}
		})
	}
}

// TestScenariosCatchPlantedBugs checks that the scenarios have teeth: each
// planted bug makes the named scenario aimed at it fail within a few
// schedules, by the same checks that pass for the correct implementation.
func TestScenariosCatchPlantedBugs(t *testing.T) {
	cases := []struct{ bug, scenario, want string }{
		{bugNoSelfCheck, "self-terminate", "run failed: deadlock"},
		// (Not release-join: a thread's exit satisfies every wait on it at
		// once, so a close after the exit is no longer under a waiter.)
		{bugWaitOnStored, "exit-race", "kernel fault: wait-closed"},
		{bugLeak, "reuse", "leak: handle"},
		{bugNoNullCheck, "multi-null", "run failed: panic"},
	}
	for _, tc := range cases {
		s, _ := scenario.Lookup(tc.scenario)
		simr := sim.NewSimulator(s.Config())
		caught := ""
		for seed := uint64(0); seed < 200 && caught == ""; seed++ {
			r, h := runOnce(simr, s, &testAPI{bug: tc.bug}, seed)
			caught = problem(s, r, h)
		}
		if !strings.HasPrefix(caught, tc.want) {
			t.Errorf("%s under %s: got %q, want a problem starting %q", tc.scenario, tc.bug, caught, tc.want)
		}
	}
}
