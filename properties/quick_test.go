package properties

import (
	"testing"
	"time"

	"github.com/clussim/clussim/sim"
)

// Tuning numbers of the tests.
const (
	// quickDivisor divides the run budgets of the tests in a quick run (see
	// quick). The quick budget kills most catalogue bugs; quickBattery looks
	// for the others with the full budget.
	quickDivisor = 8
	// rapidShrinkTime is the shrink deadline tests that judge rapid's
	// shrinking set: far more than its shrinker needs to run out of things
	// to try on any machine.
	rapidShrinkTime = time.Hour
	// rapidShrinkSeed is the seed of those tests: one whose failing example
	// rapid shrinks to the minimal scenario in a few dozen runs.
	rapidShrinkSeed = 1
)

// quick reports whether the tests run with quick budgets: under -short, and
// under the race detector, whose purpose (finding data races in the
// library) needs few runs while every run costs ten times more.
func quick() bool { return testing.Short() || raceEnabled }

// testBudget returns full, or full/quickDivisor (at least 1) in a quick
// run.
func testBudget(full int) int {
	if !quick() {
		return full
	}
	return max(1, full/quickDivisor)
}

// quickBattery runs Battery with budget testBudget(full) and, when that is
// smaller than full and its report does not satisfy settled, again with
// budget full, and returns the last report. A quick run thus changes no
// verdict the tests assert on a failure: a failure found with a budget is
// found among the first runs of the full battery's units, and a failure
// the quick budget misses (or one settled rejects) is looked for with the
// full budget before the test judges it.
func quickBattery(name string, newAPI func() sim.WorkerAPI, full int, settled func(*Report) bool, opts ...Option) (*Report, error) {
	budget := testBudget(full)
	for {
		rep, err := Battery(name, newAPI, append(opts, Budget(budget))...)
		if err != nil || budget == full || settled(rep) {
			return rep, err
		}
		budget = full
	}
}
