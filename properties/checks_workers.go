package properties

// ClusWorkersTerminate signals every worker in one step (P7).

import (
	"slices"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// checkSignalAll: rule P7, ClusWorkersTerminate signals every worker before
// any of them can see the flag, and a NULL entry touches nothing.
func (a *analysis) checkSignalAll() []Violation {
	var vs []Violation
	checks := a.callsOf(sim.CallCheckTerminate)
	for _, c := range a.callsOf(sim.CallWorkersTerminate) {
		end := a.end(c)
		if slices.Contains(c.Workers, -1) {
			for _, w := range c.Workers {
				if w < 0 {
					continue
				}
				if ws := a.writesBy(w, c.Thread, c.CallTick, end); len(ws) > 0 {
					vs = append(vs, newViolation(model.P7, ws[0].tick, ws[0].step, []scheduler.ThreadID{c.Thread},
						"%s has a NULL entry, so it must fail with ERROR_INVALID_PARAMETER and touch nothing, but it wrote w%d's Terminate flag at step %d",
						describe(c), w, ws[0].step))
					break
				}
			}
			continue
		}
		if c.WaitOnly {
			continue
		}
		// The first TRUE that a worker saw because of this call: its flag
		// was FALSE when the call began and this call raised it (a TRUE
		// raised by another terminator says nothing about this call)...
		var firstTrue *sim.Call
		for _, w := range dedupe(c.Workers) {
			if a.flagAt(w, c.CallTick) {
				continue
			}
			raised := int64(-1)
			for _, f := range a.flags[w] {
				if f.tick > c.CallTick && f.value {
					if f.thread == c.Thread && f.tick < end {
						raised = f.tick
					}
					break
				}
			}
			if raised < 0 {
				continue
			}
			for _, chk := range checks {
				if chk.Worker == w && chk.Self && chk.Returned && chk.CallTick > raised && chk.Result != 0 &&
					(firstTrue == nil || chk.ReturnTick < firstTrue.ReturnTick) {
					firstTrue = chk
				}
			}
		}
		if firstTrue == nil {
			continue
		}
		// ...must not be followed by a FALSE in another worker of the call
		// whose routine was running when the call began.
		for _, w := range dedupe(c.Workers) {
			if w == firstTrue.Worker {
				continue
			}
			inc := a.incarnationAt(w, c.CallTick)
			if inc == nil || inc.start < 0 || inc.start > c.CallTick {
				continue
			}
			for _, chk := range checks {
				if chk.Worker == w && chk.Self && chk.Returned && chk.CallTick > firstTrue.ReturnTick && chk.Result == 0 &&
					a.incarnationAt(w, chk.CallTick) == inc {
					vs = append(vs, newViolation(model.P7, chk.ReturnTick, chk.ReturnStep, []scheduler.ThreadID{c.Thread, firstTrue.Thread, chk.Thread},
						"%s: w%d's routine saw TRUE at step %d, but w%d's routine then saw FALSE at step %d; the call must signal every worker before any can see the flag",
						describe(c), firstTrue.Worker, firstTrue.ReturnStep, w, chk.ReturnStep))
					break
				}
			}
		}
	}
	return vs
}
