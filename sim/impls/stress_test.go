package impls

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// The tests in this file are opt-in (CLUSSIM_STRESS=1): they run the
// correct implementations through many more schedules than the default
// tests, with Random, PCT and bounded DFS. They take minutes.

func stressEnabled(t *testing.T) {
	if os.Getenv("CLUSSIM_STRESS") == "" {
		t.Skip("set CLUSSIM_STRESS=1 to run")
	}
}

// spins reports whether p has workers that poll without ever blocking;
// under PCT and DFS a schedule that always prefers them never ends (a
// livelock of the program, not of the implementation).
func spins(p program) bool { return p.name == "multi-atomic" || p.name == "multi-atomic+faults" }

// TestStressCorrect runs 20000 schedules per program: a third under Random,
// the rest under PCT of depth 2 and 3.
func TestStressCorrect(t *testing.T) {
	stressEnabled(t)
	for _, e := range All() {
		if !e.Correct {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for _, p := range programs() {
				for seed := range uint64(20000) {
					var s scheduler.Strategy = scheduler.NewRandom(seed + 1_000_000)
					if seed%3 != 0 {
						if spins(p) {
							continue
						}
						pct, err := scheduler.NewPCT(seed, int(seed%3)+1, 100)
						if err != nil {
							t.Fatal(err)
						}
						s = pct
					}
					o := runWith(e.New, p, s)
					for _, c := range checksOf(p) {
						if msg := c.fn(o); msg != "" {
							t.Fatalf("%s, schedule %d: check %s (%s) failed: %s", p.name, seed, c.name, c.rule, msg)
						}
					}
				}
			}
		})
	}
}

// TestDFSCorrect explores every schedule with at most two preemptions, up
// to 60000 runs per program.
func TestDFSCorrect(t *testing.T) {
	stressEnabled(t)
	for _, e := range All() {
		if !e.Correct {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for _, p := range programs() {
				if spins(p) {
					continue
				}
				d := scheduler.NewDFS(2)
				n := 0
				for ; !d.Done() && n < 60000; n++ {
					o := runWith(e.New, p, d)
					for _, c := range checksOf(p) {
						if msg := c.fn(o); msg != "" {
							t.Fatalf("%s, DFS run %d: check %s (%s) failed: %s", p.name, n, c.name, c.rule, msg)
						}
					}
				}
				if err := d.Err(); err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				t.Logf("%s: %d runs, exhausted %v", p.name, n, d.Done())
			}
		})
	}
}

// TestCatalogueReport runs every incorrect entry through every program and
// logs which checks fail (with -v), so that the Breaks lists can be
// compared with what the checks see, collateral failures included. It
// asserts that the first rule each entry names is among them.
func TestCatalogueReport(t *testing.T) {
	stressEnabled(t)
	for _, e := range All() {
		if e.Correct {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			var keys, firsts []string
			for _, p := range programs() {
				for seed := range uint64(300) {
					o := run(e.New, p, seed)
					for _, c := range checksOf(p) {
						k := string(c.rule) + " " + c.name
						if slices.Contains(keys, k) {
							continue
						}
						if msg := c.fn(o); msg != "" {
							keys = append(keys, k)
							firsts = append(firsts, fmt.Sprintf("%s seed %d: %s", p.name, seed, firstLine(msg)))
						}
					}
				}
			}
			primary := false
			for i, k := range keys {
				t.Logf("%-30s %s", k, firsts[i])
				primary = primary || strings.HasPrefix(k, string(e.Breaks[0])+" ")
			}
			if !primary {
				t.Errorf("no check of %s failed", e.Breaks[0])
			}
		})
	}
}
