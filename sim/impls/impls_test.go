package impls

import (
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/sim"
)

// Seed budgets. Random(seed) for seed in [0, budget).
const (
	// correctSeeds is how many seeds every correct implementation must
	// pass on every program.
	correctSeeds = 500
	// literalDoubleCloseBudget bounds the search for Literal's double close.
	literalDoubleCloseBudget = 2000
	// bugBudget bounds the search for each buggy variant's failing seed.
	bugBudget = 2000
)

// checksOf returns the generic checks followed by p's own.
func checksOf(p program) []check {
	return append(slices.Clone(generic), p.checks...)
}

func TestCorrectImplementations(t *testing.T) {
	for _, e := range All() {
		if !e.Correct {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for _, p := range programs() {
				for seed := range uint64(correctSeeds) {
					o := run(e.New, p, seed)
					for _, c := range checksOf(p) {
						if msg := c.fn(o); msg != "" {
							t.Fatalf("%s, seed %d: check %s (%s) failed: %s", p.name, seed, c.name, c.rule, msg)
						}
					}
				}
			}
		})
	}
}

// find returns the first seed below budget on which c fails for newAPI on
// p, and the failure, or -1.
func find(newAPI func() sim.WorkerAPI, p program, c check, budget uint64) (int64, string) {
	for seed := range budget {
		if msg := c.fn(run(newAPI, p, seed)); msg != "" {
			return int64(seed), msg
		}
	}
	return -1, ""
}

func TestLiteral(t *testing.T) {
	e, ok := Lookup("literal")
	if !ok {
		t.Fatal("no literal entry")
	}
	t.Run("double-close", func(t *testing.T) {
		t.Parallel()
		seed, msg := find(e.New, progRace3, checkDoubleClose, literalDoubleCloseBudget)
		if seed < 0 {
			t.Fatalf("no double close in %d seeds of %s", literalDoubleCloseBudget, progRace3.name)
		}
		t.Logf("seed %d: %s", seed, msg)
	})
	t.Run("self-deadlock", func(t *testing.T) {
		t.Parallel()
		for seed := range uint64(20) {
			o := run(e.New, progSelf, seed)
			if msg := checkDeadlock.fn(o); msg == "" {
				t.Fatalf("seed %d: self-terminate did not deadlock", seed)
			}
			if msg := checkSelfCalls.fn(o); msg == "" {
				t.Fatalf("seed %d: self-terminate deadlocked elsewhere", seed)
			}
		}
	})
	t.Run("race", func(t *testing.T) {
		t.Parallel()
		seed, msg := find(e.New, progRace3, checkNoRaces, 100)
		if seed < 0 {
			t.Fatal("no race reported")
		}
		t.Logf("seed %d: %s", seed, msg)
	})
	t.Run("one-step", func(t *testing.T) {
		t.Parallel()
		seed, msg := find(e.New, progMultiAtomic, checkOneStepSignal, bugBudget)
		if seed < 0 {
			t.Fatal("no P7 violation found")
		}
		t.Logf("seed %d: %s", seed, msg)
	})
}

// bugCases ties each buggy entry to the program and the check that shows
// its mistake.
var bugCases = []struct {
	name  string
	prog  program
	check check
}{
	{"bug-no-reset", progReuse, checkFreshFlag},
	{"bug-late-reset", progReuse, checkFreshFlag},
	{"bug-reuse-rejected", progReuse, checkReuseCreates},
	{"bug-create-ignores-error", progFaults, checkCreateMeansRun},
	{"bug-create-invalid-handle", progFaults, checkFailedCreate},
	{"bug-plain-flag-load", progRace3, checkNoRaces},
	{"bug-early-return", progRace3, checkFirstTerminateWaits},
	{"bug-non-first-waits", progStubborn, checkNonFirstNoWait},
	{"bug-check-then-set", progStubborn, checkOneFirst},
	{"bug-self-deadlock", progSelf, checkSelfCalls},
	{"bug-handle-not-cleared", progRace3, checkNoFaults},
	{"bug-plain-flag-store", progWaitOnly, checkNoRaces},
	{"bug-ex-double-close", progExRace, checkDoubleClose},
	{"bug-ex-raw-wait", progExRace, checkNoFaults},
	{"bug-ex-self-waits", progSelf, checkSelfCalls},
	{"bug-ex-no-timeout", progExTimeouts, checkExNoLater},
	{"bug-ex-success-on-timeout", progExTimeouts, checkExSuccessMeansExited},
	{"bug-ex-waitonly-signals", progWaitOnly, checkWaitOnlyQuiet},
	{"bug-ex-signal-late", progWaitOnly, checkSignalFirst},
	{"bug-ex-null-error", progExTimeouts, checkExNull},
	{"bug-ex-second-no-wait", progExTimeouts, checkExOwnWait},
	{"bug-ex-leak-duplicate", progWaitOnly, checkNoLeak},
	{"bug-multi-per-worker-timeout", progMultiTimeout, checkMultiTimeout},
	{"bug-multi-one-at-a-time", progMultiAtomic, checkOneStepSignal},
	{"bug-multi-split-signal", progMultiAtomic, checkOneStepSignal},
	{"bug-multi-null-partial", progNullEmpty, checkNullEntry},
	{"bug-multi-empty-error", progNullEmpty, checkEmptyArray},
	{"bug-terminate-gives-up", progStubbornLong, checkFirstTerminateWaits},
	{"bug-terminate-kills", progStubbornLong, checkNoKill},
	{"bug-terminate-grace", progStubborn, checkFirstTerminateWaits},
	{"bug-ex-self-no-signal", progSelfEx, checkSelfExRaises},
	{"bug-ex-read-then-pin", progExitRace, checkNoFaults},
	{"bug-ex-zero-no-test", progZeroAfterExit, checkZeroAfterExit},
	{"bug-multi-double-close", progMultiOverlap, checkDoubleClose},
	{"bug-multi-signal-in-loop", progMultiAtomic, checkOneStepSignal},
	{"bug-multi-static-buffer", progMultiOverlap, checkNoFaults},
	{"bug-done-before-cleanup", progReuseFast, checkClearedOnSuccess},
	{"bug-multi-stale-cleanup", progReuseMulti, checkLastTerminateWaits},
	{"bug-exit-event-no-baton", progExPair, checkExAllSucceed},
}

func TestBugsAreReachable(t *testing.T) {
	for _, bc := range bugCases {
		t.Run(bc.name, func(t *testing.T) {
			t.Parallel()
			e, ok := Lookup(bc.name)
			if !ok {
				t.Fatalf("no entry %q", bc.name)
			}
			if !slices.Contains(e.Breaks, bc.check.rule) {
				t.Fatalf("check %s is about %s, but the entry breaks %v", bc.check.name, bc.check.rule, e.Breaks)
			}
			seed, msg := find(e.New, bc.prog, bc.check, bugBudget)
			if seed < 0 {
				t.Fatalf("check %s never failed on %s in %d seeds", bc.check.name, bc.prog.name, bugBudget)
			}
			t.Logf("%s: %s fails %s (%s) at seed %d: %s", bc.name, bc.prog.name, bc.check.name, bc.check.rule, seed, firstLine(msg))
		})
	}
}

// TestEveryBugHasACase keeps the table above complete.
func TestEveryBugHasACase(t *testing.T) {
	for _, e := range All() {
		if e.Correct || e.Name == "literal" {
			continue
		}
		if !slices.ContainsFunc(bugCases, func(bc struct {
			name  string
			prog  program
			check check
		}) bool {
			return bc.name == e.Name
		}) {
			t.Errorf("buggy entry %s has no reachability case", e.Name)
		}
	}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
