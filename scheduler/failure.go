package scheduler

import (
	"fmt"
	"strings"
)

// FailureKind classifies why a run ended early.
type FailureKind uint8

// The kinds of failure the engine detects.
const (
	// Deadlock: no task is enabled, none has a deadline, and at least one is
	// blocked.
	Deadlock FailureKind = iota + 1
	// StepBound: the run took more steps than [Config.MaxSteps]; a livelock
	// or an endless loop.
	StepBound
	// Panic: simulated code panicked.
	Panic
	// Escape: simulated code blocked on a real Go primitive or on real time,
	// or called into the simulation from a goroutine of its own.
	Escape
	// Diverged: the strategy could not go on, for instance a [Replay] whose
	// recording does not match the run.
	Diverged
)

var failureKindNames = [...]string{
	Deadlock: "deadlock", StepBound: "step-bound", Panic: "panic",
	Escape: "escape", Diverged: "diverged",
}

// String returns the lower-case name of the kind.
func (k FailureKind) String() string {
	if int(k) < len(failureKindNames) && failureKindNames[k] != "" {
		return failureKindNames[k]
	}
	return fmt.Sprintf("failure(%d)", uint8(k))
}

// ParseFailureKind returns the kind whose String is s.
func ParseFailureKind(s string) (FailureKind, bool) {
	for k, n := range failureKindNames {
		if n != "" && n == s {
			return FailureKind(k), true
		}
	}
	return 0, false
}

// ThreadReport describes one task at the moment a run failed.
type ThreadReport struct {
	ID   ThreadID
	Name string
	// State is "runnable", "blocked" or "exited".
	State string
	// Op is the operation the task was performing or waiting in.
	Op string
	// Waiting says what a blocked task waits for, in words.
	Waiting string
	// Steps is how many steps the task took in the whole run.
	Steps int64
}

// String renders the report on one line.
func (r ThreadReport) String() string {
	s := fmt.Sprintf("T%d %s: %s", r.ID, r.Name, r.State)
	if r.Op != "" {
		s += " in " + r.Op
	}
	if r.Waiting != "" {
		s += ", waiting for " + r.Waiting
	}
	return s
}

// A Failure is why a run ended early. Its message is deterministic: it holds
// no pointers, no timings and no temporary paths.
type Failure struct {
	Kind FailureKind
	// Step and Time locate the failure in the run.
	Step int64
	Time int64
	// Thread is the task at fault (the one that panicked, escaped or spun),
	// or NoThread when no single task is (a deadlock).
	Thread ThreadID
	// Message says what happened, in one paragraph.
	Message string
	// Stack is the panicking goroutine's stack, for Panic.
	Stack string
	// Threads describes every task of the run at the moment of failure.
	Threads []ThreadReport
	// Err is the error behind the failure, when there is one: for a
	// [Diverged] run, the strategy's error or the divergence from
	// [Config.Expect], which wrap [ErrDiverged]. [Failure.Unwrap] returns
	// it, so errors.Is(f, ErrDiverged) tells a replay that diverged.
	Err error
}

// Unwrap returns f.Err.
func (f *Failure) Unwrap() error { return f.Err }

// Error renders the failure with one line per task.
func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s at step %d (virtual time %d ms): %s", f.Kind, f.Step, f.Time, f.Message)
	for _, r := range f.Threads {
		b.WriteString("\n  ")
		b.WriteString(r.String())
	}
	return b.String()
}
