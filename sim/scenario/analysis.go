package scenario

import (
	"slices"

	"github.com/clussim/clussim/sim"
)

// The predicates below decide the preconditions; Validate checks them and
// the generators repair scenarios with them.

// signals reports whether the action sets the Terminate flag of its targets.
func (a Action) signals() bool {
	switch a.Call {
	case CallTerminate:
		return true
	case CallTerminateEx, CallWorkersTerminate:
		return !a.WaitOnly
	}
	return false
}

// bounded reports whether the action returns within a finite timeout
// whatever the worker does.
func (a Action) bounded() bool {
	return (a.Call == CallTerminateEx || a.Call == CallWorkersTerminate) && a.Timeout != sim.Infinite
}

// join reports whether the action waits forever without signalling.
func (a Action) join() bool {
	return (a.Call == CallTerminateEx || a.Call == CallWorkersTerminate) && a.WaitOnly && a.Timeout == sim.Infinite
}

// targets reports whether t acts on struct wi's cycle ci.
func (s Scenario) targets(t Terminator, wi, ci int) bool {
	return t.Cycle == ci && len(s.Workers[wi].Cycles) > 0 && slices.Contains(t.Workers, wi)
}

// checksFlag reports whether a routine with behaviour b ever calls
// CheckTerminate before it is done with its work (so that Linger can
// apply).
func (b Behavior) checksFlag() bool {
	switch b.Kind {
	case Poll, Stubborn:
		return true
	case SelfTerminate:
		return b.Every > 0 || b.CheckAfter > 0
	}
	return b.Every > 0
}

// endsOnOwn reports whether a worker with behaviour b returns without being
// signalled.
func (b Behavior) endsOnOwn() bool { return b.Kind == Finite || b.Kind == SelfTerminate }

// joinable reports whether a join on struct wi's cycle ci ends: the worker
// ends on its own, or a thread other than the joiner surely signals it. The
// owner's Offline action counts unless the owner is the joiner. A
// ClusWorkersTerminate with a NULL entry does not count: rule P7 says it
// touches nothing.
func (s Scenario) joinable(wi, ci int, ownerJoins bool) bool {
	c := s.Workers[wi].Cycles[ci]
	if c.Behavior.endsOnOwn() {
		return true
	}
	if !ownerJoins && c.Offline.signals() {
		return true
	}
	for _, t := range s.Terminators {
		if s.targets(t, wi, ci) && t.signals() && !slices.Contains(t.Workers, NullWorker) {
			return true
		}
	}
	return false
}

// released reports whether some terminator sets the release event of struct
// wi's cycle ci (Validate makes sure every releaser's call is bounded).
func (s Scenario) released(wi, ci int) bool {
	for _, t := range s.Terminators {
		if t.Release && s.targets(t, wi, ci) {
			return true
		}
	}
	return false
}

// mayFlag reports whether a thread other than the owner may set the flag of
// struct wi's cycle ci, so that the owner's ClusWorkerTerminate may not be
// the first call and may return before the worker exits. Arrays with a
// NULL entry count, to be safe.
func (s Scenario) mayFlag(wi, ci int) bool {
	b := s.Workers[wi].Cycles[ci].Behavior
	if b.Kind == SelfTerminate && b.Self.signals() {
		return true
	}
	for _, t := range s.Terminators {
		if s.targets(t, wi, ci) && t.signals() {
			return true
		}
	}
	return false
}

// closedAfterOffline reports whether, once the owner's Offline action of
// struct wi's cycle ci returned, the worker has surely exited and the call
// that observed it has closed its handle (rule P2), so that the struct may
// be created again without Reap.
func (s Scenario) closedAfterOffline(wi, ci int) bool {
	off := s.Workers[wi].Cycles[ci].Offline
	switch off.Call {
	case CallTerminate:
		return !s.mayFlag(wi, ci)
	case CallTerminateEx, CallWorkersTerminate:
		// An INFINITE wait returns only once the worker has exited; a join
		// is valid only when it ends (Validate checks that).
		return off.Timeout == sim.Infinite
	}
	return false
}
