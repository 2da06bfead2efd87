package properties

import (
	"testing"

	"clussim/sim/impls"
)

func TestSmokeReference(t *testing.T) {
	for _, e := range impls.All() {
		e := e
		t.Run(e.Name, func(t *testing.T) {
			r := NewRunner(e.New, 0, false)
			fails := map[string]int{}
			for _, s := range namedForSmoke() {
				for seed := range uint64(100) {
					o, err := r.Run(s, schedulerRandom(seed))
					if err != nil {
						t.Fatal(err)
					}
					for _, v := range o.Violations {
						if fails[v.Rule] == 0 {
							t.Logf("%s seed %d: %v", s.Name, seed, v)
						}
						fails[v.Rule]++
					}
				}
			}
			t.Logf("correct=%v breaks=%v found=%v", e.Correct, e.Breaks, fails)
		})
	}
}
