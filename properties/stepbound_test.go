package properties

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/scenario"
)

// Tuning numbers of TestGeneratedFitTheStepBound.
const (
	// stepBoundSeeds is how many generated scenarios it runs (a tenth
	// under -short).
	stepBoundSeeds = 3000
	// stepBoundMargin: a generated scenario run by a correct design takes
	// at most DefaultMaxSteps/stepBoundMargin steps, so the step bound
	// that reports livelocks never fires on a scenario merely because it
	// is long.
	stepBoundMargin = 2
)

// Generated scenarios fit the step bound with room to spare: a correct
// design never reports STEPBOUND (or anything else) on one. A long
// stubborn worker keeps the others polling for seconds of virtual time, so
// the generator must keep such waits short enough.
func TestGeneratedFitTheStepBound(t *testing.T) {
	n := uint64(stepBoundSeeds)
	if testing.Short() {
		n /= 10
	}
	for _, name := range []string{"reference", "self-closing"} {
		e := mustImpl(name)
		r := NewRunner(e.New, 0, false)
		worst, worstSeed := int64(0), uint64(0)
		for seed := range n {
			s := scenario.Generate(seed, scenario.DefaultLimits())
			o, err := r.Run(s, scheduler.NewRandom(seed))
			if err != nil {
				t.Fatal(err)
			}
			if len(o.Violations) > 0 {
				t.Fatalf("%s on gen-%d: %s", name, seed, o.First())
			}
			if o.Result.Steps > worst {
				worst, worstSeed = o.Result.Steps, seed
			}
		}
		if worst > DefaultMaxSteps/stepBoundMargin {
			t.Errorf("%s: gen-%d took %d steps, more than 1/%d of the step bound %d", name, worstSeed, worst,
				stepBoundMargin, DefaultMaxSteps)
		}
		t.Logf("%s: the longest of %d generated scenarios, gen-%d, took %d steps (bound %d)", name, n, worstSeed, worst, DefaultMaxSteps)
	}
}
