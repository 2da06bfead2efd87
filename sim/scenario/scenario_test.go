package scenario_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

func TestNamedAreValidAndFresh(t *testing.T) {
	names := scenario.Names()
	want := []string{"resource-dll", "racing-terminators", "join", "multi-timeout", "self-terminate",
		"self-terminate-ex", "reuse", "create-fails", "terminate-ex-race", "multi-null"}
	for _, n := range want {
		if !slices.Contains(names, n) {
			t.Errorf("named scenario %q missing from %v", n, names)
		}
	}
	seen := map[string]bool{}
	for i, s := range scenario.Named() {
		if s.Name != names[i] {
			t.Errorf("Named()[%d] is %q, Names()[%d] is %q", i, s.Name, i, names[i])
		}
		if seen[s.Name] {
			t.Errorf("duplicate name %q", s.Name)
		}
		seen[s.Name] = true
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", s.Name, err)
		}
		got, ok := scenario.Lookup(s.Name)
		if !ok || !reflect.DeepEqual(got, s) {
			t.Errorf("Lookup(%q) = %v, %v", s.Name, got, ok)
		}
	}
	if _, ok := scenario.Lookup("no-such-scenario"); ok {
		t.Error("Lookup of an unknown name succeeded")
	}
	// Changing what Named returned must not change the next call.
	a := scenario.Named()
	a[0].Workers[0].Cycles[0].Delay = 12345
	a[0].Terminators[0].Workers[0] = 99
	b := scenario.Named()
	if b[0].Workers[0].Cycles[0].Delay == 12345 || b[0].Terminators[0].Workers[0] == 99 {
		t.Error("Named shares memory between calls")
	}
}

func TestJSONRoundTrip(t *testing.T) {
	all := scenario.Named()
	for seed := range uint64(200) {
		all = append(all, scenario.Generate(seed, scenario.DefaultLimits()))
	}
	for _, s := range all {
		data, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		var back scenario.Scenario
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", s.Name, err)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("%s: JSON round trip changed the scenario:\n%v\n%v", s.Name, s, back)
		}
		again, _ := json.Marshal(back)
		if string(again) != string(data) {
			t.Fatalf("%s: JSON is not stable:\n%s\n%s", s.Name, data, again)
		}
	}
	s, _ := scenario.Lookup("multi-null")
	data, _ := json.Marshal(s)
	if !strings.HasPrefix(string(data), `{"name":"multi-null","faults":false,"workers":[{"cycles":[{"delay":0,"behavior":{"kind":"poll"`) {
		t.Errorf("unexpected JSON layout: %s", data)
	}
}

func TestCloneIsDeep(t *testing.T) {
	s, _ := scenario.Lookup("resource-dll")
	c := s.Clone()
	c.Workers[0].Cycles[0].Delay = 777
	c.Terminators[0].Workers[0] = 5
	if s.Workers[0].Cycles[0].Delay == 777 || s.Terminators[0].Workers[0] == 5 {
		t.Fatal("Clone shares memory with the original")
	}
}

// runLog runs s once and returns a copy of its log and history.
func runLog(s scenario.Scenario, seed uint64) ([]scheduler.Event, []scheduler.Decision, []sim.Call) {
	main, h := s.Program(newTestAPI())
	r := sim.Run(s.Config(), scheduler.NewRandom(seed), main)
	return slices.Clone(r.Events), slices.Clone(r.Decisions), slices.Clone(h.Calls())
}

func TestGenerateIsDeterministic(t *testing.T) {
	lim := scenario.DefaultLimits()
	differ := 0
	for seed := range uint64(100) {
		a, b := scenario.Generate(seed, lim), scenario.Generate(seed, lim)
		if !reflect.DeepEqual(a, b) || a.String() != b.String() {
			t.Fatalf("seed %d: two scenarios:\n%v\n%v", seed, a, b)
		}
		if seed > 0 && a.String() != scenario.Generate(seed-1, lim).String() {
			differ++
		}
		ev1, dec1, calls1 := runLog(a, seed)
		ev2, dec2, calls2 := runLog(b, seed)
		if !reflect.DeepEqual(ev1, ev2) || !reflect.DeepEqual(dec1, dec2) || !reflect.DeepEqual(calls1, calls2) {
			t.Fatalf("seed %d: two runs of the same scenario and schedule differ", seed)
		}
		// Replaying the recorded decisions reproduces the run.
		main, _ := a.Program(newTestAPI())
		r := sim.Run(a.Config(), scheduler.NewReplay(dec1), main)
		if r.Failure != nil || !reflect.DeepEqual(r.Events, ev1) {
			t.Fatalf("seed %d: replay differs from the run (failure: %v)", seed, r.Failure)
		}
	}
	if differ < 90 {
		t.Fatalf("only %d of 99 consecutive seeds gave different scenarios", differ)
	}
}

func TestLimitsAreRespected(t *testing.T) {
	lim := scenario.Limits{MaxWorkers: 2, MaxCycles: 2, MaxTerminators: 2, MaxSteps: 3, MaxEvery: 2,
		MaxSleep: 4, MaxDelay: 5, MaxTimeout: 6}
	sawZeroCycles, sawNull, sawRelease, sawJoin := false, false, false, false
	for seed := range uint64(3000) {
		s := scenario.Generate(seed, lim)
		if s.Faults {
			t.Fatalf("seed %d: faults on although the limits forbid them", seed)
		}
		if len(s.Workers) < 1 || len(s.Workers) > lim.MaxWorkers || len(s.Terminators) > lim.MaxTerminators {
			t.Fatalf("seed %d: out of limits: %v", seed, s)
		}
		for _, w := range s.Workers {
			sawZeroCycles = sawZeroCycles || len(w.Cycles) == 0
			if len(w.Cycles) > lim.MaxCycles {
				t.Fatalf("seed %d: out of limits: %v", seed, s)
			}
			for _, c := range w.Cycles {
				b := c.Behavior
				if c.Delay > lim.MaxDelay || c.OfflineDelay > lim.MaxDelay || b.Steps > lim.MaxSteps ||
					b.Every > lim.MaxEvery || b.Sleep > lim.MaxSleep || !timeoutOK(c.Offline, lim) || !timeoutOK(b.Self, lim) {
					t.Fatalf("seed %d: out of limits: %v", seed, s)
				}
				sawJoin = sawJoin || (c.Offline.WaitOnly && c.Offline.Timeout == sim.Infinite)
			}
		}
		for _, term := range s.Terminators {
			sawNull = sawNull || slices.Contains(term.Workers, scenario.NullWorker)
			sawRelease = sawRelease || term.Release
			sawJoin = sawJoin || (term.WaitOnly && term.Timeout == sim.Infinite)
			if term.Delay > lim.MaxDelay || !timeoutOK(term.Action, lim) {
				t.Fatalf("seed %d: out of limits: %v", seed, s)
			}
		}
	}
	if !sawZeroCycles || !sawNull || !sawRelease || !sawJoin {
		t.Fatalf("3000 scenarios never drew: never-created %v, NULL entry %v, release %v, join %v",
			!sawZeroCycles, !sawNull, !sawRelease, !sawJoin)
	}
}

func timeoutOK(a scenario.Action, lim scenario.Limits) bool {
	return a.Timeout == sim.Infinite || a.Timeout <= lim.MaxTimeout
}

func TestValidateRejects(t *testing.T) {
	base := func() scenario.Scenario {
		return scenario.Scenario{
			Name: "base",
			Workers: []scenario.Worker{
				{Cycles: []scenario.Cycle{
					{Behavior: scenario.Behavior{Kind: scenario.Poll, Every: 1, Sleep: 5},
						Offline: scenario.Action{Call: scenario.CallTerminate}},
					{Behavior: scenario.Behavior{Kind: scenario.Finite, Steps: 2, Sleep: 5}},
				}},
				{Cycles: []scenario.Cycle{{Behavior: scenario.Behavior{Kind: scenario.Poll, Every: 1, Sleep: 5}}}},
			},
			Terminators: []scenario.Terminator{
				{Action: scenario.Action{Call: scenario.CallTerminateEx, Timeout: 10}, Workers: []int{1}},
			},
		}
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("base scenario is invalid: %v", err)
	}
	inf := sim.Infinite
	cases := []struct {
		name   string
		mutate func(s *scenario.Scenario)
		want   string
	}{
		{"unknown behaviour", func(s *scenario.Scenario) { s.Workers[1].Cycles[0].Behavior.Kind = "spin" },
			`w1 cycle 0: unknown behaviour kind "spin"`},
		{"missing behaviour", func(s *scenario.Scenario) { s.Workers[1].Cycles[0].Behavior = scenario.Behavior{} },
			"w1 cycle 0: behaviour kind missing"},
		{"poll never checks", func(s *scenario.Scenario) { s.Workers[1].Cycles[0].Behavior.Every = 0 },
			"w1 cycle 0: poll needs every >= 1"},
		{"poll starves the clock", func(s *scenario.Scenario) { s.Workers[1].Cycles[0].Behavior.Sleep = 0 },
			"w1 cycle 0: poll needs sleep >= 1 ms"},
		{"poll with steps", func(s *scenario.Scenario) { s.Workers[1].Cycles[0].Behavior.Steps = 3 },
			"w1 cycle 0: poll takes no steps"},
		{"negative steps", func(s *scenario.Scenario) { s.Workers[0].Cycles[1].Behavior.Steps = -1 },
			"w0 cycle 1: steps -1 out of range"},
		{"infinite sleep", func(s *scenario.Scenario) { s.Workers[0].Cycles[1].Behavior.Sleep = inf },
			"w0 cycle 1: sleep must be finite"},
		{"infinite delay", func(s *scenario.Scenario) { s.Workers[0].Cycles[1].Delay = inf },
			"w0 cycle 1: delay must be finite"},
		{"release on finite", func(s *scenario.Scenario) { s.Workers[0].Cycles[1].Behavior.UntilRelease = true },
			"w0 cycle 1: untilRelease applies to stubborn workers only"},
		{"self call on poll", func(s *scenario.Scenario) {
			s.Workers[1].Cycles[0].Behavior.Self = scenario.Action{Call: scenario.CallTerminate}
		}, "w1 cycle 0: self applies to self-terminate workers only"},
		{"self-terminate without call", func(s *scenario.Scenario) {
			s.Workers[0].Cycles[1].Behavior.Kind = scenario.SelfTerminate
		}, "w0 cycle 1: self-terminate needs a self call"},
		{"self join", func(s *scenario.Scenario) {
			s.Workers[0].Cycles[1].Behavior = scenario.Behavior{Kind: scenario.SelfTerminate,
				Self: scenario.Action{Call: scenario.CallTerminateEx, Timeout: inf, WaitOnly: true}}
		}, "w0 cycle 1: self: a worker joining itself"},
		{"terminate with timeout", func(s *scenario.Scenario) { s.Workers[0].Cycles[0].Offline.Timeout = 5 },
			"w0 cycle 0: offline: terminate takes no timeout"},
		{"unknown call", func(s *scenario.Scenario) { s.Terminators[0].Call = "kill" },
			`terminator 0: unknown call "kill"`},
		{"terminator without call", func(s *scenario.Scenario) { s.Terminators[0].Call = scenario.CallNone },
			"terminator 0: call missing"},
		{"two targets for terminate-ex", func(s *scenario.Scenario) { s.Terminators[0].Workers = []int{0, 1} },
			"terminator 0: terminate-ex names exactly one struct"},
		{"NULL for terminate-ex", func(s *scenario.Scenario) { s.Terminators[0].Workers = []int{scenario.NullWorker} },
			"terminator 0: terminate-ex names exactly one struct"},
		{"no such struct", func(s *scenario.Scenario) { s.Terminators[0].Workers = []int{7} },
			"terminator 0: names w7, but the scenario has 2 structs"},
		{"no such cycle", func(s *scenario.Scenario) { s.Terminators[0].Cycle = 1 },
			"terminator 0: cycle 1 of w1, which has 1 cycles"},
		{"struct twice", func(s *scenario.Scenario) {
			s.Terminators[0].Call = scenario.CallWorkersTerminate
			s.Terminators[0].Workers = []int{1, 1}
		}, "terminator 0: names w1 twice"},
		{"cycle of never-created", func(s *scenario.Scenario) {
			s.Workers = append(s.Workers, scenario.Worker{})
			s.Terminators[0].Workers = []int{2}
			s.Terminators[0].Cycle = 1
		}, "terminator 0: cycle 1, but no target is ever created"},
		{"unbounded releaser", func(s *scenario.Scenario) { s.Terminators[0].Timeout = inf; s.Terminators[0].Release = true },
			"terminator 0: release needs terminate-ex or workers-terminate with a finite timeout"},
		{"never released", func(s *scenario.Scenario) {
			s.Workers[1].Cycles[0].Behavior = scenario.Behavior{Kind: scenario.Stubborn, Every: 1, Sleep: 5, UntilRelease: true}
		}, "w1 cycle 0: the stubborn worker waits for a release that no terminator with release sets"},
		{"join nobody signals", func(s *scenario.Scenario) {
			s.Terminators[0].Timeout, s.Terminators[0].WaitOnly = inf, true
		}, "terminator 0: joins (INFINITE, WaitOnly) w1 cycle 0, a poll worker that no other thread signals"},
		{"join through a NULL array", func(s *scenario.Scenario) {
			s.Terminators[0].Timeout, s.Terminators[0].WaitOnly = inf, true
			s.Terminators = append(s.Terminators, scenario.Terminator{
				Action:  scenario.Action{Call: scenario.CallWorkersTerminate, Timeout: inf},
				Workers: []int{1, scenario.NullWorker}})
		}, "terminator 0: joins (INFINITE, WaitOnly) w1 cycle 0"},
		{"offline join nobody signals", func(s *scenario.Scenario) {
			s.Workers[1].Cycles[0].Offline = scenario.Action{Call: scenario.CallTerminateEx, Timeout: inf, WaitOnly: true}
			s.Terminators[0].WaitOnly = true
		}, "w1 cycle 0: offline joins (INFINITE, WaitOnly) a poll worker that no other thread signals"},
		{"create on a live struct", func(s *scenario.Scenario) { s.Workers[0].Cycles[0].Offline = scenario.Action{} },
			"w0 cycle 0: the worker may still run (or its handle be open) when cycle 1 creates it again; set reap"},
		{"offline terminate may not be first", func(s *scenario.Scenario) {
			s.Terminators[0].Workers = []int{0}
		}, "w0 cycle 0: the worker may still run"},
		{"timed offline", func(s *scenario.Scenario) {
			s.Workers[0].Cycles[0].Offline = scenario.Action{Call: scenario.CallTerminateEx, Timeout: 100}
		}, "w0 cycle 0: the worker may still run"},
		{"too many structs", func(s *scenario.Scenario) { s.Workers = make([]scenario.Worker, scenario.MaxStructs+1) },
			"65 worker structs, more than the 64 allowed"},
	}
	for _, tc := range cases {
		s := base()
		tc.mutate(&s)
		err := s.Validate()
		if err == nil {
			t.Errorf("%s: Validate accepted %v", tc.name, s)
			continue
		}
		if !strings.HasPrefix(err.Error(), "scenario: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
	// Each precondition error above has a fix the package doc names.
	s := base()
	s.Workers[0].Cycles[0].Offline = scenario.Action{}
	s.Workers[0].Cycles[0].Reap = true
	if err := s.Validate(); err != nil {
		t.Errorf("reap did not fix the live-struct error: %v", err)
	}
}

func TestProgramPanicsOnInvalid(t *testing.T) {
	defer func() {
		r := recover()
		if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "scenario: ") {
			t.Fatalf("Program of an invalid scenario: recovered %v", r)
		}
	}()
	s := scenario.Scenario{Workers: []scenario.Worker{{Cycles: []scenario.Cycle{{}}}}}
	s.Program(newTestAPI())
}

func TestEmptyScenario(t *testing.T) {
	var s scenario.Scenario
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	r, h := runOnce(sim.NewSimulator(s.Config()), s, newTestAPI(), 1)
	if p := problem(s, r, h); p != "" || len(h.Calls()) != 0 {
		t.Fatalf("%s, %d calls", p, len(h.Calls()))
	}
}

// TestDrawCompletes is the rapid property: every drawn scenario is valid
// and completes under a correct implementation, whatever the schedule.
func TestDrawCompletes(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		s := scenario.Draw(rt, scenario.DefaultLimits())
		seed := rapid.Uint64().Draw(rt, "schedule seed")
		if err := s.Validate(); err != nil {
			rt.Fatalf("drawn scenario is invalid: %v", err)
		}
		r, h := runOnce(sim.NewSimulator(s.Config()), s, newTestAPI(), seed)
		if p := problem(s, r, h); p != "" {
			rt.Fatalf("drawn scenario did not complete: %s", p)
		}
	})
}

func TestEveryNamedScenarioHasASummary(t *testing.T) {
	for _, name := range scenario.Names() {
		if d, ok := scenario.Summary(name); !ok || d == "" {
			t.Errorf("named scenario %s has no summary", name)
		}
	}
	if _, ok := scenario.Summary("no-such-scenario"); ok {
		t.Error("Summary of an unknown name reports ok")
	}
}

// TestGeneratorDrawsEveryClass checks that the generator reaches each class
// of situation the named scenarios stand for, often enough to matter: in a
// thousand seeds, each shows up in at least one scenario in fifty.
func TestGeneratorDrawsEveryClass(t *testing.T) {
	const seeds, atLeast = 1000, 20
	lim := scenario.DefaultLimits()
	counts := map[string]int{}
	for seed := range uint64(seeds) {
		s := scenario.Generate(seed, lim)
		seen := map[string]bool{}
		for _, w := range s.Workers {
			for _, c := range w.Cycles {
				b := c.Behavior
				seen["linger"] = seen["linger"] || b.Linger > 0
				seen["check-after"] = seen["check-after"] || b.CheckAfter > 0
				seen["long-stubborn"] = seen["long-stubborn"] || b.Kind == scenario.Stubborn && b.Sleep >= lim.LongSleep && b.Steps > 0
			}
		}
		multis := map[[2]int]int{} // (worker, cycle) -> multi calls naming it
		for _, term := range s.Terminators {
			seen["tiny-timeout"] = seen["tiny-timeout"] || term.Timeout <= 1 && term.Call != scenario.CallTerminate
			if term.Call == scenario.CallWorkersTerminate {
				real := 0
				for _, wi := range term.Workers {
					if wi >= 0 {
						real++
						multis[[2]int{wi, term.Cycle}]++
					}
				}
				seen["multi-2+"] = seen["multi-2+"] || real >= 2
			}
			for _, wi := range term.Workers {
				if wi < 0 || term.Cycle >= len(s.Workers[wi].Cycles) {
					continue
				}
				b := s.Workers[wi].Cycles[term.Cycle].Behavior
				if b.Kind == scenario.Finite && b.Steps > 0 && term.Delay == uint32(b.Steps)*b.Sleep && term.Delay > 0 {
					seen["coincide"] = true
				}
			}
		}
		for _, n := range multis {
			seen["multi-overlap"] = seen["multi-overlap"] || n >= 2
		}
		for k, v := range seen {
			if v {
				counts[k]++
			}
		}
	}
	for _, class := range []string{"linger", "check-after", "long-stubborn", "tiny-timeout", "multi-2+", "coincide", "multi-overlap"} {
		if counts[class] < atLeast {
			t.Errorf("%s: in %d of %d generated scenarios, want at least %d", class, counts[class], seeds, atLeast)
		}
	}
	t.Logf("classes per %d generated scenarios: %v", seeds, counts)
}
