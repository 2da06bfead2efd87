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

// maxSchedules bounds the exhaustive exploration of one probe: a probe is a
// handful of threads and steps, so more means the probe is too big.
const maxSchedules = 50000

// explore runs probe under every schedule and returns the distinct outputs
// with the number of schedules.
func explore(t *testing.T, probe func(t *sim.Thread, o *out)) ([]string, int) {
	t.Helper()
	seen := map[string]bool{}
	d := scheduler.NewDFS(-1)
	n := 0
	for ; !d.Done(); n++ {
		if n >= maxSchedules {
			t.Fatalf("not exhausted in %d schedules: the probe is too big", maxSchedules)
		}
		var o out
		r := sim.Run(sim.Config{}, d, func(t *sim.Thread) { probe(t, &o) })
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
	return outs, n
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
	matched, listed := 0, 0
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
			outs, n := explore(t, probe)
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
	t.Logf("fidelity: %d probes, %d match Wine under every schedule, %d listed simplifications", len(names), matched, listed)
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
