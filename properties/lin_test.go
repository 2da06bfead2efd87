package properties

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/scenario"
)

// TestLinRacingTerminatorsDecided: 24 and 256 terminators racing on one
// worker (256 is the most a valid scenario may have) are a valid scenario
// on reference, and their LIN check is decided, linearizable, in a few
// model steps per terminator, with no violation of any rule. Before the
// checker had a budget and its hint, 24 of them ran for minutes.
func TestLinRacingTerminatorsDecided(t *testing.T) {
	for _, n := range []int{24, 256} {
		s := racingTerminators(t, n)
		r := NewRunner(mustImpl("reference").New, 0, false)
		for _, seed := range []uint64{0, 1, linSeed, 6} {
			o, err := r.Run(s, scheduler.NewRandom(seed))
			if err != nil {
				t.Fatal(err)
			}
			if o.Failed() {
				t.Errorf("%d terminators, seed %d: %v", n, seed, o.Violations)
			}
			if o.Lin.Verdict != model.Linearizable || o.Lin.Budget != model.DefaultBudget || o.Lin.Steps > int64(8*n) {
				t.Errorf("%d terminators, seed %d: %s (%d steps of %d), want linearizable in at most %d steps",
					n, seed, o.Lin, o.Lin.Steps, o.Lin.Budget, 8*n)
			}
		}
	}
}

// TestLinUndecidedIsNeitherViolationNorPass: a valid scenario whose LIN
// check runs out of budget (terminators of every kind coupling four
// workers) stops at exactly the budget, default or not, reports no LIN
// violation, and says it is undecided; so does a budget of 10 steps on a
// history that needs more.
func TestLinUndecidedIsNeitherViolationNorPass(t *testing.T) {
	cases := []struct {
		s      scenario.Scenario
		seed   uint64
		budget int64
	}{
		{coupledTerminators(t, 24), 2, model.DefaultBudget},
		{coupledTerminators(t, 24), 2, 20_000},
		{racingTerminators(t, 3), 1, 10},
	}
	for _, c := range cases {
		r := NewRunner(mustImpl("reference").New, 0, false)
		r.SetLinBudget(c.budget)
		o, err := r.Run(c.s, scheduler.NewRandom(c.seed))
		if err != nil {
			t.Fatal(err)
		}
		if o.Failed() {
			t.Errorf("%s, budget %d: %v", c.s.Name, c.budget, o.Violations)
		}
		if !o.Lin.Undecided() || o.Lin.Steps != c.budget || o.Lin.Budget != c.budget || r.LinUndecided() != 1 {
			t.Errorf("%s, budget %d: %s in %d steps, %d undecided runs; want undecided in exactly the budget, one run",
				c.s.Name, c.budget, o.Lin, o.Lin.Steps, r.LinUndecided())
		}
		if want := fmt.Sprintf("LIN undecided within budget %d model steps", c.budget); o.Lin.String() != want {
			t.Errorf("LinResult.String() = %q, want %q", o.Lin, want)
		}
	}
}

// TestLinViolationStillReported: with the budget, a history that is not
// linearizable is still a LIN violation (bug-no-reset starts a reused
// struct's routine with the old TRUE, which only the model sees here), and
// reference on the same schedule passes.
func TestLinViolationStillReported(t *testing.T) {
	s, _ := scenario.Lookup("reuse-eager")
	const seed = 12
	o, err := NewRunner(mustImpl("bug-no-reset").New, 0, false).Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	if o.First().Rule != "LIN" || o.Lin.Verdict != model.NotLinearizable || o.Lin.Steps > model.DefaultBudget {
		t.Fatalf("bug-no-reset: first violation %q, %s; want LIN, not linearizable within the budget", o.First().Rule, o.Lin)
	}
	if !strings.Contains(o.First().Message, "the history of w0 has no linearization") {
		t.Errorf("LIN message: %s", o.First().Message)
	}
	o, err = NewRunner(mustImpl("reference").New, 0, false).Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	if o.Failed() || o.Lin.Verdict != model.Linearizable {
		t.Fatalf("reference: %v, %s", o.Violations, o.Lin)
	}
}

// TestLinDeterministic: the same run checked twice, by two runners, gives
// the same LIN verdict and the same number of model steps, decided or not.
func TestLinDeterministic(t *testing.T) {
	for _, c := range []struct {
		s      scenario.Scenario
		seed   uint64
		budget int64
	}{{racingTerminators(t, 64), linSeed, model.DefaultBudget}, {coupledTerminators(t, 24), 2, 30_000}} {
		var got []LinResult
		for range 2 {
			r := NewRunner(mustImpl("reference").New, 0, false)
			r.SetLinBudget(c.budget)
			o, err := r.Run(c.s, scheduler.NewRandom(c.seed))
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, o.Lin)
		}
		if got[0] != got[1] || got[0].Verdict == 0 {
			t.Errorf("%s: %+v, then %+v", c.s.Name, got[0], got[1])
		}
	}
}

// TestLinUndecidedInReports: a battery whose LIN checks all run out of
// budget passes (no rule broken) but says, in its report and in Check's
// log, how many runs were undecided and how to raise the budget.
func TestLinUndecidedInReports(t *testing.T) {
	opts := []Option{Scenarios("racing-terminators"), Budget(2), NoGenerated(), LinBudget(10), TraceDir(t.TempDir())}
	rep, err := Battery("reference", mustImpl("reference").New, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Failure != nil || rep.LinUndecided != rep.Runs || rep.Runs == 0 || rep.LinBudget != 10 {
		t.Fatalf("report %+v: want no failure and every run undecided", rep)
	}
	want := fmt.Sprintf("LIN undecided within budget 10 model steps in %d runs", rep.Runs)
	for _, s := range []string{want, "properties.LinBudget(40)", "--lin-budget 40", "no rule broken"} {
		if !strings.Contains(rep.String(), s) {
			t.Errorf("the report lacks %q:\n%s", s, rep)
		}
	}
	f := runCheck(t, mustImpl("reference").New, opts...)
	if f.failed || !strings.Contains(strings.Join(f.logs, "\n"), want) {
		t.Errorf("Check failed %v, logs %q; want a pass that logs %q", f.failed, f.logs, want)
	}
	rep, err = Battery("reference", mustImpl("reference").New, opts[:len(opts)-2]...)
	if err != nil || rep.LinUndecided != 0 || strings.Contains(rep.String(), "undecided") {
		t.Errorf("with the default budget: %v, %d undecided: %s", err, rep.LinUndecided, rep)
	}
}

// TestReplayLin: a run whose LIN check was undecided replays undecided
// under the same budget and is decided under the default one; Visualize,
// which uses the default budget, draws a history that runs out of it.
func TestReplayLin(t *testing.T) {
	s := racingTerminators(t, 3)
	r := NewRunner(mustImpl("reference").New, 0, false)
	r.SetLinBudget(10)
	o, err := r.Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Keep().Trace("reference", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false)
	path := filepath.Join(t.TempDir(), "undecided.json")
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	o, err = ReplayLin(tr, mustImpl("reference").New, 10)
	if err != nil || !o.Lin.Undecided() || o.Failed() {
		t.Fatalf("ReplayLin with budget 10: %v, %s, %v", err, o.Lin, o.Violations)
	}
	o, err = ReplayLin(tr, mustImpl("reference").New, model.DefaultBudget)
	if err != nil || o.Lin.Verdict != model.Linearizable {
		t.Fatalf("ReplayLin with the default budget: %v, %s", err, o.Lin)
	}
	f := runCheck(t, mustImpl("reference").New, ReplayFile(path), LinBudget(10))
	if f.failed || !strings.Contains(strings.Join(f.logs, "\n"), "LIN undecided within budget 10 model steps in 1 run") {
		t.Errorf("-simrun.replay with budget 10: failed %v, logs %q", f.failed, f.logs)
	}

	c := coupledTerminators(t, 24)
	o, err = NewRunner(mustImpl("reference").New, 0, false).Run(c, scheduler.NewRandom(2))
	if err != nil || !o.Lin.Undecided() {
		t.Fatalf("%s: %v, %s", c.Name, err, o.Lin)
	}
	if err := Visualize(o.Trace("reference", StrategySpec{Name: "random", Seed: 2}, DefaultMaxSteps, false), io.Discard); err != nil {
		t.Fatalf("Visualize: %v", err)
	}
}
