package scenario

import (
	"errors"
	"fmt"

	"github.com/clussim/clussim/sim"
)

// Hard limits of a valid scenario. They keep a scenario runnable, not small;
// [Limits] bounds what the generators draw.
const (
	// MaxStructs is the most worker structs a scenario may use; it is also
	// the longest ClusWorkersTerminate array (MAXIMUM_WAIT_OBJECTS).
	MaxStructs = sim.MaximumWaitObjects
	// MaxCyclesPerStruct is the most incarnations of one struct.
	MaxCyclesPerStruct = 1000
	// MaxTerminatorThreads is the most terminator threads.
	MaxTerminatorThreads = 256
	// MaxBehaviorSteps bounds Behavior.Steps and Behavior.Every.
	MaxBehaviorSteps = 100_000
)

// Call names a terminate function of the CLUS_WORKER API.
type Call string

// The terminate functions an [Action] may call.
const (
	// CallNone makes no call; it is only valid as a cycle's Offline action.
	CallNone Call = ""
	// CallTerminate is ClusWorkerTerminate.
	CallTerminate Call = "terminate"
	// CallTerminateEx is ClusWorkerTerminateEx.
	CallTerminateEx Call = "terminate-ex"
	// CallWorkersTerminate is ClusWorkersTerminate.
	CallWorkersTerminate Call = "workers-terminate"
)

// BehaviorKind names what a worker's start routine does.
type BehaviorKind string

// The behaviours of a worker's start routine.
const (
	// Poll calls ClusWorkerCheckTerminate every Every steps and returns when
	// it gets TRUE. It never ends on its own.
	Poll BehaviorKind = "poll"
	// Finite returns on its own after Steps steps; when Every > 0 it also
	// checks the flag every Every steps and returns early on TRUE.
	Finite BehaviorKind = "finite"
	// Stubborn ignores the flag for Steps steps, then, when UntilRelease is
	// set, until its release event is set, and then polls like Poll.
	Stubborn BehaviorKind = "stubborn"
	// SelfTerminate waits for its "created" event, takes Steps steps
	// (checking the flag every Every steps when Every > 0, returning early
	// on TRUE), then makes the Self call on its own struct and returns.
	SelfTerminate BehaviorKind = "self-terminate"
)

// Scenario is one thread program over a set of CLUS_WORKER structs. It is
// plain data; [Scenario.Program] runs it. The zero value is a valid
// scenario with nothing in it.
type Scenario struct {
	// Name identifies the scenario in reports; named scenarios use their
	// name, generated ones "gen-<seed>" or "drawn".
	Name string `json:"name"`
	// Faults says whether the run should switch on fault injection
	// (sim.Config.Faults): CreateThread and DuplicateHandle calls inside
	// the implementation may then fail.
	Faults bool `json:"faults"`
	// Workers holds one entry per CLUS_WORKER struct, w0, w1, ...
	Workers []Worker `json:"workers"`
	// Terminators are threads that terminate workers created by owners.
	Terminators []Terminator `json:"terminators"`
}

// Worker is one CLUS_WORKER struct and the incarnations its owner thread
// creates on it, in order (Online, Offline, Online, ... as the SDK samples
// do). A struct with no cycles is never created.
type Worker struct {
	// Cycles are the incarnations, in the order the owner creates them.
	Cycles []Cycle `json:"cycles"`
}

// Cycle is one incarnation of a struct: the owner's Create, the worker's
// behaviour, and the owner's Offline action.
type Cycle struct {
	// Delay is how long, in virtual ms, the owner sleeps before Create.
	Delay uint32 `json:"delay"`
	// Behavior is what the worker's start routine does.
	Behavior Behavior `json:"behavior"`
	// OfflineDelay is how long the owner sleeps after Create returned
	// before its Offline action.
	OfflineDelay uint32 `json:"offlineDelay"`
	// Offline is the owner's terminate call on its own struct; CallNone
	// leaves the worker to others (and to the final clean-up).
	Offline Action `json:"offline"`
	// Reap makes the owner call ClusWorkerTerminateEx(INFINITE, FALSE)
	// after the cycle's terminators have finished. Validate requires it
	// when the worker could otherwise still be running (or its handle still
	// open) when the next cycle creates it again.
	Reap bool `json:"reap"`
}

// Behavior is what a worker's start routine does; see [BehaviorKind]. A
// step of work is a Sleep of Sleep virtual ms (Sleep 0 only yields).
type Behavior struct {
	// Kind says what the routine does.
	Kind BehaviorKind `json:"kind"`
	// Steps counts the steps of the bounded phase: Finite's work, Stubborn's
	// steps that ignore the flag, SelfTerminate's steps before its call.
	// Poll takes none.
	Steps int `json:"steps"`
	// Every is the polling period in steps; 0 (Finite and SelfTerminate
	// only) means the routine never checks the flag.
	Every int `json:"every"`
	// Sleep is the virtual ms of one step.
	Sleep uint32 `json:"sleep"`
	// UntilRelease (Stubborn only) also ignores the flag until the cycle's
	// release event is set by a terminator with Release.
	UntilRelease bool `json:"untilRelease"`
	// Self is SelfTerminate's call on its own struct.
	Self Action `json:"self"`
	// Linger is how many more steps of work the routine takes after a
	// CheckTerminate returned TRUE, before it returns: a routine that
	// finishes what it was doing first. 0 returns at once.
	Linger int `json:"linger,omitempty"`
	// CheckAfter (SelfTerminate only) is how many times the routine calls
	// CheckTerminate after its Self call returned, one step apart, before
	// it returns: a worker that asks itself to stop and then polls.
	CheckAfter int `json:"checkAfter,omitempty"`
}

// Action is one terminate call with its parameters. Timeout and WaitOnly
// apply to CallTerminateEx and CallWorkersTerminate only and must be zero
// otherwise.
type Action struct {
	// Call is the function to call.
	Call Call `json:"call"`
	// Timeout is in virtual ms; sim.Infinite (4294967295) waits forever.
	Timeout uint32 `json:"timeout"`
	// WaitOnly waits without setting the flag.
	WaitOnly bool `json:"waitOnly"`
}

// Terminator is a thread that makes one terminate call on one or more
// structs of one cycle, after their Create returned.
type Terminator struct {
	// Action is the call; its fields appear inline in JSON.
	Action
	// Workers are the struct indices the call names: exactly one for
	// CallTerminate and CallTerminateEx; any number (the array, in order)
	// for CallWorkersTerminate, where -1 passes a NULL entry.
	Workers []int `json:"workers"`
	// Cycle is the incarnation of the targets the call acts on: the thread
	// waits for their Create and their owners wait for it before creating
	// them again. It must be 0 when no target has cycles.
	Cycle int `json:"cycle"`
	// Delay is how long the thread sleeps after the targets were created.
	Delay uint32 `json:"delay"`
	// Release sets the release events of the targets' cycle after the call
	// returned; it needs a call with a finite timeout.
	Release bool `json:"release"`
}

// NullWorker is the Terminator.Workers entry that passes a NULL pointer.
const NullWorker = -1

// Config returns the simulated machine the scenario needs: fault injection
// on when s.Faults is set, default limits otherwise. Callers may adjust the
// engine limits of the result.
func (s Scenario) Config() sim.Config { return sim.Config{Faults: s.Faults} }

// Clone returns a deep copy of s, sharing no slices with it.
func (s Scenario) Clone() Scenario {
	c := s
	if s.Workers != nil {
		c.Workers = make([]Worker, len(s.Workers))
		for i, w := range s.Workers {
			if w.Cycles != nil {
				w.Cycles = append(make([]Cycle, 0, len(w.Cycles)), w.Cycles...)
			}
			c.Workers[i] = w
		}
	}
	if s.Terminators != nil {
		c.Terminators = make([]Terminator, len(s.Terminators))
		for i, t := range s.Terminators {
			if t.Workers != nil {
				t.Workers = append(make([]int, 0, len(t.Workers)), t.Workers...)
			}
			c.Terminators[i] = t
		}
	}
	return c
}

// errorf returns an error prefixed "scenario: ".
func errorf(format string, args ...any) error {
	return errors.New("scenario: " + fmt.Sprintf(format, args...))
}

// Validate reports the first reason s cannot be run as a valid scenario: a
// parameter out of range, or a parameter that would break one of the
// preconditions listed in the package documentation. Its errors start with
// "scenario: " and name the struct, cycle or terminator at fault.
func (s Scenario) Validate() error {
	if len(s.Workers) > MaxStructs {
		return errorf("%d worker structs, more than the %d allowed", len(s.Workers), MaxStructs)
	}
	if len(s.Terminators) > MaxTerminatorThreads {
		return errorf("%d terminators, more than the %d allowed", len(s.Terminators), MaxTerminatorThreads)
	}
	for wi, w := range s.Workers {
		if len(w.Cycles) > MaxCyclesPerStruct {
			return errorf("w%d: %d cycles, more than the %d allowed", wi, len(w.Cycles), MaxCyclesPerStruct)
		}
		for ci, c := range w.Cycles {
			if err := validateCycle(c); err != nil {
				return errorf("w%d cycle %d: %v", wi, ci, err)
			}
		}
	}
	for ti, t := range s.Terminators {
		if err := s.validateTerminator(t); err != nil {
			return errorf("terminator %d: %v", ti, err)
		}
	}
	return s.validatePreconditions()
}

func validateCycle(c Cycle) error {
	if c.Delay == sim.Infinite {
		return errors.New("delay must be finite")
	}
	if c.OfflineDelay == sim.Infinite {
		return errors.New("offline delay must be finite")
	}
	if err := validateBehavior(c.Behavior); err != nil {
		return err
	}
	if err := c.Offline.validate(true); err != nil {
		return fmt.Errorf("offline: %v", err)
	}
	return nil
}

func validateBehavior(b Behavior) error {
	if b.Steps < 0 || b.Steps > MaxBehaviorSteps {
		return fmt.Errorf("steps %d out of range [0, %d]", b.Steps, MaxBehaviorSteps)
	}
	if b.Every < 0 || b.Every > MaxBehaviorSteps {
		return fmt.Errorf("every %d out of range [0, %d]", b.Every, MaxBehaviorSteps)
	}
	if b.Sleep == sim.Infinite {
		return errors.New("sleep must be finite")
	}
	if b.Linger < 0 || b.Linger > MaxBehaviorSteps {
		return fmt.Errorf("linger %d out of range [0, %d]", b.Linger, MaxBehaviorSteps)
	}
	if b.CheckAfter < 0 || b.CheckAfter > MaxBehaviorSteps {
		return fmt.Errorf("checkAfter %d out of range [0, %d]", b.CheckAfter, MaxBehaviorSteps)
	}
	if b.Linger > 0 && !b.checksFlag() {
		return fmt.Errorf("linger needs a routine that checks the flag (%s with every 0 never sees TRUE)", b.Kind)
	}
	switch b.Kind {
	case Poll, Stubborn:
		if b.Every < 1 {
			return fmt.Errorf("%s needs every >= 1, or it would never see the flag", b.Kind)
		}
		if b.Sleep < 1 {
			return fmt.Errorf("%s needs sleep >= 1 ms, or its polling would starve the virtual clock", b.Kind)
		}
		if b.Kind == Poll && b.Steps != 0 {
			return errors.New("poll takes no steps (it runs until signalled)")
		}
	case Finite, SelfTerminate:
	case "":
		return errors.New("behaviour kind missing")
	default:
		return fmt.Errorf("unknown behaviour kind %q", b.Kind)
	}
	if b.UntilRelease && b.Kind != Stubborn {
		return fmt.Errorf("untilRelease applies to stubborn workers only, not %s", b.Kind)
	}
	if b.Kind != SelfTerminate {
		if b.Self != (Action{}) {
			return fmt.Errorf("self applies to self-terminate workers only, not %s", b.Kind)
		}
		if b.CheckAfter != 0 {
			return fmt.Errorf("checkAfter applies to self-terminate workers only, not %s", b.Kind)
		}
		return nil
	}
	if b.Self.Call == CallNone {
		return errors.New("self-terminate needs a self call")
	}
	if err := b.Self.validate(false); err != nil {
		return fmt.Errorf("self: %v", err)
	}
	if b.Self.join() {
		return errors.New("self: a worker joining itself (INFINITE timeout, WaitOnly) waits forever by its own fault")
	}
	return nil
}

// validate checks the parameters of one action; none says whether CallNone
// is allowed.
func (a Action) validate(none bool) error {
	switch a.Call {
	case CallNone:
		if !none {
			return errors.New("call missing")
		}
		if a.Timeout != 0 || a.WaitOnly {
			return errors.New("none takes no timeout and no waitOnly")
		}
	case CallTerminate:
		if a.Timeout != 0 || a.WaitOnly {
			return errors.New("terminate takes no timeout and no waitOnly")
		}
	case CallTerminateEx, CallWorkersTerminate:
	default:
		return fmt.Errorf("unknown call %q", a.Call)
	}
	return nil
}

func (s Scenario) validateTerminator(t Terminator) error {
	if err := t.Action.validate(false); err != nil {
		return err
	}
	if t.Delay == sim.Infinite {
		return errors.New("delay must be finite")
	}
	switch t.Call {
	case CallTerminate, CallTerminateEx:
		if len(t.Workers) != 1 || t.Workers[0] < 0 {
			return fmt.Errorf("%s names exactly one struct, got %v", t.Call, t.Workers)
		}
	case CallWorkersTerminate:
		if len(t.Workers) > MaxStructs {
			return fmt.Errorf("array of %d entries, more than the %d allowed", len(t.Workers), MaxStructs)
		}
	}
	withCycles := false
	for i, wi := range t.Workers {
		if wi == NullWorker {
			continue
		}
		if wi < 0 || wi >= len(s.Workers) {
			return fmt.Errorf("names w%d, but the scenario has %d structs", wi, len(s.Workers))
		}
		for _, wj := range t.Workers[:i] {
			if wj == wi {
				return fmt.Errorf("names w%d twice", wi)
			}
		}
		if n := len(s.Workers[wi].Cycles); n > 0 {
			withCycles = true
			if t.Cycle < 0 || t.Cycle >= n {
				return fmt.Errorf("cycle %d of w%d, which has %d cycles", t.Cycle, wi, n)
			}
		}
	}
	if !withCycles && t.Cycle != 0 {
		return fmt.Errorf("cycle %d, but no target is ever created (cycle must be 0)", t.Cycle)
	}
	if t.Release && !t.bounded() {
		return errors.New("release needs terminate-ex or workers-terminate with a finite timeout, " +
			"or the call could wait for the worker it is to release")
	}
	return nil
}

func (s Scenario) validatePreconditions() error {
	for wi, w := range s.Workers {
		for ci, c := range w.Cycles {
			b := c.Behavior
			if b.UntilRelease && !s.released(wi, ci) {
				return errorf("w%d cycle %d: the stubborn worker waits for a release that no terminator with release sets", wi, ci)
			}
			if c.Offline.join() && !s.joinable(wi, ci, true) {
				return errorf("w%d cycle %d: offline joins (INFINITE, WaitOnly) a %s worker that no other thread signals", wi, ci, b.Kind)
			}
			if ci < len(w.Cycles)-1 && !c.Reap && !s.closedAfterOffline(wi, ci) {
				return errorf("w%d cycle %d: the worker may still run (or its handle be open) when cycle %d creates it again; set reap",
					wi, ci, ci+1)
			}
		}
	}
	for ti, t := range s.Terminators {
		if !t.join() {
			continue
		}
		for _, wi := range t.Workers {
			if wi >= 0 && len(s.Workers[wi].Cycles) > 0 && !s.joinable(wi, t.Cycle, false) {
				return errorf("terminator %d: joins (INFINITE, WaitOnly) w%d cycle %d, a %s worker that no other thread signals",
					ti, wi, t.Cycle, s.Workers[wi].Cycles[t.Cycle].Behavior.Kind)
			}
		}
	}
	return nil
}
