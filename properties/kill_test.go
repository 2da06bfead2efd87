package properties

import (
	"fmt"
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim/impls"
)

// raceKillStride: under the race detector, TestKillSummary judges one
// buggy implementation in this many.
const raceKillStride = 4

// TestKillSummary runs the battery on every built-in implementation and
// judges each report against the catalogue with Judge, as simrun check
// does: each correct one must pass, and each buggy one must fail with a
// rule it is known to break. It prints the kill summary. In a quick run
// (-short, or the race detector) every implementation first gets the quick
// budget, and the full budget only when the quick one's report is not the
// expected one. Under the race detector, whose memory grows with every
// simulated thread a test process starts (past 19 GB for the whole
// catalogue), it judges the correct implementations and every
// raceKillStride-th buggy one: that build looks for data races in the
// library, and the plain build judges the whole catalogue.
func TestKillSummary(t *testing.T) {
	dir := t.TempDir()
	var rows []string
	buggy := 0
	for _, e := range impls.All() {
		if !e.Correct {
			if buggy++; raceEnabled && buggy%raceKillStride != 1 {
				continue
			}
		}
		want := Expectation{Name: e.Name, Correct: e.Correct, Breaks: e.Breaks}
		settled := func(rep *Report) bool { return Judge(want, rep, false).AsExpected }
		rep, err := quickBattery(e.Name, e.New, DefaultBudget, settled, TraceDir(dir))
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		j := Judge(want, rep, false)
		if !j.AsExpected {
			t.Errorf("%s\n%s", j.Why, rep)
		}
		row := fmt.Sprintf("%-30s %-8v %-22s", e.Name, e.Correct, model.JoinRuleIDs(e.Breaks, ","))
		if rep.Failure == nil {
			row += fmt.Sprintf(" passes (%d runs)", rep.Runs)
		} else {
			row += fmt.Sprintf(" fails: %s in %s/%s after %d runs (all: %s)", rep.Failure.First().Rule,
				rep.Failure.Scenario.Name, rep.Strategy.Name, rep.Runs, model.JoinRuleIDs(ruleIDs(rep.Failure.Violations), ","))
		}
		if !j.AsExpected {
			row += " UNEXPECTED"
		}
		rows = append(rows, row)
	}
	t.Logf("kill summary:\n%-30s %-8s %-22s %s\n%s", "implementation", "correct", "breaks", "result", strings.Join(rows, "\n"))
}
