package scheduler

import "fmt"

// EventKind tags an [Event] in a run's log.
type EventKind uint8

// The kinds of event in a run's log.
const (
	// EvStep: Thread took a scheduling step; its operation Op with Args
	// takes effect now, and Result is filled in by the caller of Step.
	EvStep EventKind = iota + 1
	// EvBlock: Thread blocked in Op until its wait condition holds or its
	// deadline (Args[2], -1 for none) passes.
	EvBlock
	// EvWake: a blocked Thread resumes because its wait condition holds.
	EvWake
	// EvTimeout: a blocked Thread resumes because its deadline passed.
	EvTimeout
	// EvClock: no task was enabled, so the virtual clock jumped to Time.
	EvClock
	// EvSpawn: Thread created the task Args[0].
	EvSpawn
	// EvExit: Thread finished (returned from its body, or panicked).
	EvExit
	// EvChoice: Thread asked for a data decision Op among Args[0] outcomes;
	// Result holds the outcome.
	EvChoice
	// EvNote: an annotation made by Thread with [Task.Note]; not a
	// scheduling point.
	EvNote
)

var eventKindNames = [...]string{
	EvStep: "step", EvBlock: "block", EvWake: "wake", EvTimeout: "timeout",
	EvClock: "clock", EvSpawn: "spawn", EvExit: "exit", EvChoice: "choice",
	EvNote: "note",
}

// String returns the lower-case name of the kind, as traces spell it.
func (k EventKind) String() string {
	if int(k) < len(eventKindNames) && eventKindNames[k] != "" {
		return eventKindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseEventKind returns the kind whose String is s.
func ParseEventKind(s string) (EventKind, bool) {
	for k, n := range eventKindNames {
		if n != "" && n == s {
			return EventKind(k), true
		}
	}
	return 0, false
}

// OpID names an operation in a run's log compactly; [Engine.Intern] hands
// them out and [Result.Ops] maps them back to names. Keeping names out of
// Event keeps events free of pointers, so logging a step is a plain memory
// write and a long log costs the garbage collector nothing.
type OpID uint16

// An Event is one entry of a run's log. Its index in the log is its tick.
type Event struct {
	Kind   EventKind
	Op     OpID
	Thread ThreadID
	// Step is the number of scheduling steps taken so far, this one
	// included for EvStep, EvWake and EvTimeout.
	Step int64
	// Time is the virtual clock in milliseconds when the event happened.
	Time int64
	// Op (declared above, for compactness) names the operation of EvStep,
	// EvBlock, EvWake, EvTimeout, EvChoice, EvNote and EvSpawn events.
	Args   [3]int64
	Result int64
}

// describeEvent renders ev, whose operation is named op, for messages:
// "step AtomicLoad(3, 0, 0) by T2 = 1", or "exit by T2" without an
// operation.
func describeEvent(ev Event, op string) string {
	if op == "" {
		return fmt.Sprintf("%s by T%d", ev.Kind, ev.Thread)
	}
	return fmt.Sprintf("%s %s(%d, %d, %d) by T%d = %d", ev.Kind, op, ev.Args[0], ev.Args[1], ev.Args[2], ev.Thread, ev.Result)
}

// DecisionKind tells what a [Decision] chose.
type DecisionKind uint8

// The kinds of decision.
const (
	// DecThread chose the task to run next; Value is its ThreadID.
	DecThread DecisionKind = iota + 1
	// DecValue chose the outcome of a data decision; Value is in [0, N).
	DecValue
)

// String returns "thread" or "value".
func (k DecisionKind) String() string {
	switch k {
	case DecThread:
		return "thread"
	case DecValue:
		return "value"
	}
	return fmt.Sprintf("decision(%d)", uint8(k))
}

// A Decision is one answer of the strategy.
type Decision struct {
	Kind DecisionKind
	// Step is the step at which the decision was taken (for DecThread, the
	// step it starts).
	Step int64
	// Value is the chosen ThreadID or outcome.
	Value int64
	// N is the number of options there were: enabled tasks or outcomes.
	N int
}
