package properties

import "pgregory.net/rapid"

// failRule fails a rapid check with v. rapid keeps a shrunk case only when
// it fails at the same file and line, so each rule has its own call site:
// shrinking then keeps the rule that failed first, instead of wandering to
// whichever rule a smaller case happens to break.
func failRule(t *rapid.T, v Violation, replay string) {
	const f = "%s\nreplay the last failing run: %s"
	switch v.Rule {
	case "D1":
		t.Fatalf(f, v, replay)
	case "D2":
		t.Fatalf(f, v, replay)
	case "D3":
		t.Fatalf(f, v, replay)
	case "D4":
		t.Fatalf(f, v, replay)
	case "D5":
		t.Fatalf(f, v, replay)
	case "D6":
		t.Fatalf(f, v, replay)
	case "D7":
		t.Fatalf(f, v, replay)
	case "D8":
		t.Fatalf(f, v, replay)
	case "D9":
		t.Fatalf(f, v, replay)
	case "D10":
		t.Fatalf(f, v, replay)
	case "S1":
		t.Fatalf(f, v, replay)
	case "S2":
		t.Fatalf(f, v, replay)
	case "P1":
		t.Fatalf(f, v, replay)
	case "P2":
		t.Fatalf(f, v, replay)
	case "P3":
		t.Fatalf(f, v, replay)
	case "P4":
		t.Fatalf(f, v, replay)
	case "P5":
		t.Fatalf(f, v, replay)
	case "P6":
		t.Fatalf(f, v, replay)
	case "P7":
		t.Fatalf(f, v, replay)
	case "P8":
		t.Fatalf(f, v, replay)
	case "P9":
		t.Fatalf(f, v, replay)
	case "LIN":
		t.Fatalf(f, v, replay)
	case "DEADLOCK":
		t.Fatalf(f, v, replay)
	case "STEPBOUND":
		t.Fatalf(f, v, replay)
	case "PANIC":
		t.Fatalf(f, v, replay)
	case "RACE":
		t.Fatalf(f, v, replay)
	case "ESCAPE":
		t.Fatalf(f, v, replay)
	default:
		t.Fatalf(f, v, replay)
	}
}
