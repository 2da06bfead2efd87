package names

import "testing"

func TestClosest(t *testing.T) {
	valid := []string{"reference", "guarded", "self-closing", "bug-no-reset", "bug-late-reset"}
	for _, tc := range []struct {
		name, want string
		ok         bool
	}{
		{"referenc", "reference", true},
		{"Reference", "reference", true},
		{"gaurded", "guarded", true},
		{"bug-no-rest", "bug-no-reset", true},
		{"a", "", false},
		{"zzzzzzzz", "", false},
		{"bug-lat-reset", "bug-late-reset", true},
	} {
		got, ok := Closest(tc.name, valid)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Closest(%q) = %q, %v; want %q, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUnknown(t *testing.T) {
	got := Unknown("implementation", "referenc", []string{"reference", "guarded"})
	want := `unknown implementation "referenc"; did you mean "reference"? (valid: reference, guarded)`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if got := Unknown("rule", "QQ", []string{"D1", "P2"}); got != `unknown rule "QQ" (valid: D1, P2)` {
		t.Fatalf("a far name got a hint: %s", got)
	}
}
