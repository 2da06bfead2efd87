package fidelity

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// Exploration bounds. A probe is explored exhaustively when that takes at
// most maxSchedules schedules; a bigger one (a few threads that each take a
// lock in a loop already have millions of interleavings) is explored
// exhaustively within fallbackBound preemptions instead, and the test log
// says so.
const (
	maxSchedules  = 50000
	fallbackBound = 2
	// maxBounded caps the bounded exploration: a probe that needs more is
	// too big.
	maxBounded = 200000
)

// explore runs probe under every schedule (or, when there are too many,
// every schedule within fallbackBound preemptions: bound is then
// fallbackBound, else -1) and returns the distinct outputs with the number
// of schedules.
func explore(t *testing.T, probe func(t *sim.Thread, o *out)) (outs []string, n int, bound int) {
	t.Helper()
	if outs, n, ok := exploreWithin(t, probe, -1, maxSchedules); ok {
		return outs, n, -1
	}
	outs, n, ok := exploreWithin(t, probe, fallbackBound, maxBounded)
	if !ok {
		t.Fatalf("not exhausted in %d schedules within %d preemptions: the probe is too big", maxBounded, fallbackBound)
	}
	return outs, n, fallbackBound
}

// exploreWithin explores probe with a DFS of the given preemption bound for
// at most limit schedules, and reports whether it finished.
func exploreWithin(t *testing.T, probe func(t *sim.Thread, o *out), bound, limit int) ([]string, int, bool) {
	t.Helper()
	seen := map[string]bool{}
	d := scheduler.NewDFS(bound)
	n := 0
	for ; !d.Done(); n++ {
		if n >= limit {
			return nil, n, false
		}
		var o out
		// Windows allows spurious wake-ups of condition variables but Wine
		// never shows one, so the twins run without them (sim's default
		// explores them; see TestSpuriousWakeupsExplored in package sim).
		r := sim.Run(sim.Config{NoSpuriousWakeups: true}, d, func(t *sim.Thread) { probe(t, &o) })
		if f := r.Failure; f != nil {
			t.Fatalf("schedule %d failed: %v", n, f)
		}
		seen[o.b.String()] = true
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	outs := make([]string, 0, len(seen))
	for k := range seen {
		outs = append(outs, k)
	}
	slices.Sort(outs)
	return outs, n, true
}

// TestMatchesWine: every probe, under every schedule sim can produce,
// prints what Wine printed; a listed simplification prints something else
// in every schedule.
func TestMatchesWine(t *testing.T) {
	simple := map[string]string{}
	for _, s := range Simplifications() {
		simple[s.Probe] = s.Why
	}
	table := probes()
	names := goldenNames(t)
	matched, listed, bounded := 0, 0, 0
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			probe, ok := table[name]
			if !ok {
				t.Fatalf("golden %s has no twin in probes_test.go", name)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "wine", name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			outs, n, bound := explore(t, probe)
			if bound >= 0 {
				t.Logf("%s: explored %d schedules within %d preemptions (too many schedules for all)", name, n, bound)
			}
			why, isSimple := simple[name]
			switch {
			case isSimple && slices.Contains(outs, string(want)):
				t.Fatalf("listed as a simplification (%s), but some schedule prints what Wine does:\n%s", why, want)
			case isSimple:
				listed++
			case len(outs) != 1 || outs[0] != string(want):
				t.Fatalf("over %d schedules sim printed %d different outputs:\n%s\nWine printed:\n%s", n, len(outs),
					strings.Join(outs, "--\n"), want)
			default:
				matched++
				if bound >= 0 {
					bounded++
				}
			}
		})
	}
	for name := range table {
		if !slices.Contains(names, name) {
			t.Errorf("twin %s has no golden (run deploy/record-fidelity.sh %s)", name, name)
		}
	}
	for name := range simple {
		if !slices.Contains(names, name) {
			t.Errorf("simplification %s names no probe", name)
		}
	}
	t.Logf("fidelity: %d probes, %d match Wine (%d of them under every schedule, %d within %d preemptions), %d listed simplifications",
		len(names), matched, matched-bounded, bounded, fallbackBound, listed)
}

// goldenNames returns the probes that have both a C file and a golden, and
// fails on a C probe without a golden or a golden without a probe.
func goldenNames(t *testing.T) []string {
	t.Helper()
	list := func(dir, ext string) []string {
		ents, err := os.ReadDir(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range ents {
			if n, ok := strings.CutSuffix(e.Name(), ext); ok && !strings.HasPrefix(n, ".") {
				out = append(out, n)
			}
		}
		return out
	}
	cs, goldens := list("probes", ".c"), list("wine", ".out")
	for _, c := range cs {
		if !slices.Contains(goldens, c) {
			t.Errorf("probe %s.c has no golden (run deploy/record-fidelity.sh %s)", c, c)
		}
	}
	for _, g := range goldens {
		if !slices.Contains(cs, g) {
			t.Errorf("golden %s.out has no probe %s.c", g, g)
		}
	}
	return goldens
}
