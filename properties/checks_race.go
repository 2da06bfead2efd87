package properties

// Data races on the plain CLUS_WORKER fields (RACE).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
)

// checkRaces: data races the implementation takes part in.
func (a *analysis) checkRaces() []Violation {
	var vs []Violation
	for _, r := range a.res.Races {
		if !r.First.Impl && !r.Second.Impl {
			continue
		}
		tick := int64(len(a.events))
		for i, ev := range a.events {
			if ev.Step == r.Second.Step && ev.Thread == r.Second.Thread && ev.Kind == scheduler.EvStep {
				tick = int64(i)
				break
			}
		}
		vs = append(vs, newViolation(model.RACE, tick, r.Second.Step, []scheduler.ThreadID{r.First.Thread, r.Second.Thread}, "%s", r.String()))
	}
	return vs
}
