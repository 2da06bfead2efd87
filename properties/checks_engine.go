package properties

// The checks of the run itself: DEADLOCK, STEPBOUND, PANIC and ESCAPE,
// and P1 when a deadlock is a worker waiting on itself.

import (
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// pendingSelfCall returns a self-call (P1) that never returned, or nil.
func (a *analysis) pendingSelfCall() *sim.Call {
	for _, c := range a.callsOf(sim.CallTerminate, sim.CallTerminateEx, sim.CallWorkersTerminate) {
		if c.Self && !c.Returned {
			return c
		}
	}
	return nil
}

// checkEngine turns the engine's failure into a violation. A deadlock in
// which a thread waits in a call on its own worker is rule P1.
func (a *analysis) checkEngine() []Violation {
	f := a.res.Failure
	if f == nil {
		return nil
	}
	tick := int64(len(a.events))
	threads := []scheduler.ThreadID{}
	if f.Thread != scheduler.NoThread {
		threads = append(threads, f.Thread)
	}
	switch f.Kind {
	case scheduler.Deadlock:
		if c := a.pendingSelfCall(); c != nil {
			return []Violation{newViolation(model.P1, tick, f.Step, []scheduler.ThreadID{c.Thread},
				"%s was called by the worker's own thread and never returned: the run deadlocked at step %d waiting for the caller itself to exit (%s)",
				describe(c), f.Step, a.waits(f))}
		}
		return []Violation{newViolation(model.DEADLOCK, tick, f.Step, blockedThreads(f), "%s", f.Error())}
	case scheduler.StepBound:
		return []Violation{newViolation(model.STEPBOUND, tick, f.Step, threads, "%s", f.Error())}
	case scheduler.Panic:
		return []Violation{newViolation(model.PANIC, tick, f.Step, threads, "%s", f.Message)}
	case scheduler.Escape:
		return []Violation{newViolation(model.ESCAPE, tick, f.Step, threads, "%s", f.Message)}
	}
	// A divergence is not the implementation's fault; the caller reports it.
	return nil
}

func (a *analysis) waits(f *scheduler.Failure) string {
	var parts []string
	for _, r := range f.Threads {
		if r.State == "blocked" {
			parts = append(parts, r.String())
		}
	}
	return strings.Join(parts, "; ")
}

func blockedThreads(f *scheduler.Failure) []scheduler.ThreadID {
	var out []scheduler.ThreadID
	for _, r := range f.Threads {
		if r.State == "blocked" {
			out = append(out, r.ID)
		}
	}
	return out
}
