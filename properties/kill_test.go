package properties

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/sim/impls"
)

// TestKillSummary runs the battery on every built-in implementation: each
// correct one must pass, and each buggy one must fail with a rule it is
// known to break. It prints the kill summary. In a quick run (-short, or
// the race detector) a correct implementation gets the quick budget, and a
// buggy one the full budget only when the quick one does not kill it with
// a rule it is known to break.
func TestKillSummary(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	for _, e := range impls.All() {
		killed := func(rep *Report) bool {
			return e.Correct || rep.Failure != nil && slices.ContainsFunc(e.Breaks, func(r string) bool {
				return slices.Contains(ruleIDs(rep.Failure.Violations), r)
			})
		}
		rep, err := quickBattery(e.Name, e.New, DefaultBudget, killed, TraceDir(dir))
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		row := fmt.Sprintf("%-30s %-8v %-22s", e.Name, e.Correct, strings.Join(e.Breaks, ","))
		switch {
		case e.Correct && rep.Failure != nil:
			t.Errorf("FALSE ALARM on correct %s:\n%s", e.Name, rep)
			row += " FALSE ALARM " + rep.Failure.First().Rule
		case e.Correct:
			row += fmt.Sprintf(" passes (%d runs)", rep.Runs)
		case rep.Failure == nil:
			t.Errorf("MISSED: %s (breaks %v) passed %d runs", e.Name, e.Breaks, rep.Runs)
			row += " MISSED"
		default:
			found := ruleIDs(rep.Failure.Violations)
			if !slices.ContainsFunc(e.Breaks, func(r string) bool { return slices.Contains(found, r) }) {
				t.Errorf("%s: expected one of %v, found %v:\n%s", e.Name, e.Breaks, found, rep)
			}
			row += fmt.Sprintf(" killed: %s in %s/%s after %d runs (all: %s)", rep.Failure.First().Rule,
				rep.Failure.Scenario.Name, rep.Strategy.Name, rep.Runs, strings.Join(found, ","))
		}
		rows = append(rows, row)
	}
	t.Logf("kill summary:\n%-30s %-8s %-22s %s\n%s", "implementation", "correct", "breaks", "result", strings.Join(rows, "\n"))
}
