package impls

import (
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
)

func TestRegistry(t *testing.T) {
	all := append(All(), Benchmark()...)
	if len(all) < 4+10 {
		t.Fatalf("only %d entries", len(all))
	}
	names := Names()
	if len(names) != len(all) {
		t.Fatalf("Names has %d names, All %d entries", len(names), len(all))
	}
	seenIncorrect := false
	buggy := 0
	for i, e := range all {
		if names[i] != e.Name {
			t.Errorf("Names()[%d] = %q, All()[%d].Name = %q", i, names[i], i, e.Name)
		}
		if slices.Index(names, e.Name) != i {
			t.Errorf("name %q appears twice", e.Name)
		}
		if got, ok := Lookup(e.Name); !ok || got.Name != e.Name {
			t.Errorf("Lookup(%q) = %q, %v", e.Name, got.Name, ok)
		}
		if e.Summary == "" || strings.Contains(e.Summary, "\n") {
			t.Errorf("%s: summary must be one non-empty line", e.Name)
		}
		if e.Correct {
			if seenIncorrect {
				t.Errorf("%s: correct entries must come first", e.Name)
			}
			if len(e.Breaks) != 0 {
				t.Errorf("%s: a correct entry breaks nothing, got %v", e.Name, e.Breaks)
			}
		} else {
			seenIncorrect = true
			if len(e.Breaks) == 0 {
				t.Errorf("%s: an incorrect entry must name the rules it breaks", e.Name)
			}
			if strings.HasPrefix(e.Name, "bug-") {
				buggy++
			}
		}
		for _, id := range e.Breaks {
			if _, ok := model.LookupRule(id); !ok {
				t.Errorf("%s: %q is not a rule ID", e.Name, id)
			}
		}
		if e.New == nil || e.New() == nil {
			t.Errorf("%s: New returns no implementation", e.Name)
		}
	}
	if buggy < 10 {
		t.Errorf("only %d buggy variants", buggy)
	}
	if _, ok := Lookup("no-such-implementation"); ok {
		t.Error("Lookup found a name that does not exist")
	}
	for _, want := range []string{"reference", "guarded", "self-closing", "literal"} {
		if _, ok := Lookup(want); !ok {
			t.Errorf("no entry %q", want)
		}
	}
	// All builds a fresh slice: changing one does not change the next.
	all[0].Name, all[0].Breaks = "changed", append(all[0].Breaks, "D1")
	if again := All(); again[0].Name != "reference" || len(again[0].Breaks) != 0 {
		t.Error("All returned shared state")
	}
}
