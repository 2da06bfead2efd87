package sim

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
)

// FaultKind classifies a kernel fault: a misuse of the simulated kernel that
// real Windows would turn into undefined behaviour or a silent error.
type FaultKind uint8

// The kinds of kernel fault.
const (
	// FaultBadHandle: a handle value that was never opened.
	FaultBadHandle FaultKind = iota + 1
	// FaultDoubleClose: CloseHandle on a handle already closed.
	FaultDoubleClose
	// FaultWaitClosed: a wait on a handle already closed.
	FaultWaitClosed
	// FaultUseAfterClose: another use of a closed handle (SetEvent,
	// DuplicateHandle, GetThreadId, ...).
	FaultUseAfterClose
	// FaultCloseWhileWaited: CloseHandle on a handle another thread is
	// blocked waiting on.
	FaultCloseWhileWaited
	// FaultNotOwner: LeaveCriticalSection by a thread that does not own
	// the critical section, a release of an SRW lock that is not held in
	// that mode, a condition-variable sleep without its lock.
	FaultNotOwner
	// FaultDeleteInUse: DeleteCriticalSection while a thread owns it or
	// waits for it, or a use of a deleted one before InitializeCriticalSection.
	FaultDeleteInUse
)

var faultKindNames = [...]string{
	FaultBadHandle: "bad-handle", FaultDoubleClose: "double-close", FaultWaitClosed: "wait-closed",
	FaultUseAfterClose: "use-after-close", FaultCloseWhileWaited: "close-while-waited",
	FaultNotOwner: "not-owner", FaultDeleteInUse: "delete-in-use",
}

// String returns the lower-case name of the kind.
func (k FaultKind) String() string {
	if int(k) < len(faultKindNames) && faultKindNames[k] != "" {
		return faultKindNames[k]
	}
	return fmt.Sprintf("fault(%d)", uint8(k))
}

// ParseFaultKind returns the kind whose String is s.
func ParseFaultKind(s string) (FaultKind, bool) {
	for k, n := range faultKindNames {
		if n != "" && n == s {
			return FaultKind(k), true
		}
	}
	return 0, false
}

// A Fault is one kernel fault.
type Fault struct {
	Kind FaultKind
	// Step and Tick locate the faulting call in the run.
	Step int64
	Tick int64
	// Thread made the faulting call.
	Thread scheduler.ThreadID
	// Impl is true when the call was made inside the implementation under
	// test.
	Impl   bool
	Handle Handle
	// Message says what happened, naming the threads and steps involved.
	Message string
}

// String renders the fault on one line.
func (f Fault) String() string {
	return fmt.Sprintf("%s by T%d at step %d: %s", f.Kind, f.Thread, f.Step, f.Message)
}

func (k *Kernel) fault(t *Thread, kind FaultKind, h Handle, msg string) {
	k.faults = append(k.faults, Fault{Kind: kind, Step: t.task.StepCount(), Tick: t.task.Tick() - 1,
		Thread: t.task.ID(), Impl: t.implDepth > 0, Handle: h, Message: msg})
}
