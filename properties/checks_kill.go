package properties

// A worker is never ended with TerminateThread (P10).

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
)

// checkKills: rule P10, the implementation never ends a worker's thread
// with TerminateThread.
func (a *analysis) checkKills() []Violation {
	var vs []Violation
	for _, k := range a.res.Terminations {
		if !k.Impl {
			continue
		}
		for w := range a.incs {
			for _, inc := range a.incs[w] {
				if inc.thread != k.Thread {
					continue
				}
				vs = append(vs, newViolation(model.P10, k.Tick, k.Step, []scheduler.ThreadID{k.By, k.Thread},
					"T%d ended w%d's worker thread T%d with TerminateThread at step %d, inside the implementation: a worker must stop by returning from its routine, which then never finishes its clean-up",
					k.By, w, k.Thread, k.Step))
			}
		}
	}
	return vs
}
