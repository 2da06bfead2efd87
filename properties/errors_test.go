package properties

import (
	"errors"
	"strings"
	"testing"

	"github.com/clussim/clussim/sim"
)

// TestErrorConvention checks the package's error convention: the function
// that makes an error prefixes it with "properties: ", a function that
// wraps one adds context but no second prefix (so it appears once), and a
// kind a caller acts on is matched with errors.Is.
func TestErrorConvention(t *testing.T) {
	nilAPI := func() sim.WorkerAPI { return nil }
	_, errStrategy := ParseStrategy("nope", 0)
	_, errBattery := Battery("nil", nilAPI, Budget(1))
	_, _, errShrink := Shrink(passingTrace(t, "join", 1), mustImpl("reference").New, 5)
	for _, tc := range []struct {
		name string
		err  error
		is   error
	}{
		{"unknown strategy", errStrategy, nil},
		{"newAPI returns nil", errBattery, ErrNewAPI},
		{"nothing to shrink", errShrink, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error")
			}
			msg := tc.err.Error()
			if strings.Count(msg, "properties: ") != 1 || strings.Contains(msg, "clussim: ") {
				t.Errorf("error %q does not carry the package's prefix exactly once", msg)
			}
			if tc.is != nil && !errors.Is(tc.err, tc.is) {
				t.Errorf("error %q is not %v", msg, tc.is)
			}
		})
	}
}
