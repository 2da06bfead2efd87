package sim

import "fmt"

// Handle is a simulated Win32 HANDLE. 0 is NULL. Handle values are multiples
// of four and are never reused within a run, so a use after close is always
// visible.
type Handle uintptr

// String renders a handle as Windows tools do, for example 0x1c.
func (h Handle) String() string { return fmt.Sprintf("%#x", uintptr(h)) }

// The pseudo-handles. CurrentProcess is also INVALID_HANDLE_VALUE, which
// is therefore not an invalid handle to the kernel.
const (
	CurrentProcess Handle = ^Handle(0) // (HANDLE)-1, GetCurrentProcess
	CurrentThread  Handle = ^Handle(1) // (HANDLE)-2, GetCurrentThread
	// InvalidHandleValue is INVALID_HANDLE_VALUE.
	InvalidHandleValue = CurrentProcess
)

// StillActive is the exit code GetExitCodeThread reports for a thread that
// is still running (STILL_ACTIVE).
const StillActive uint32 = 259

// Infinite is the INFINITE timeout.
const Infinite uint32 = 0xFFFFFFFF

// Return values of the wait functions.
const (
	WaitObject0 uint32 = 0
	// WaitAbandoned0 (+i) says the wait took a mutex whose owner had ended
	// without releasing it.
	WaitAbandoned0 uint32 = 0x80
	WaitTimeout    uint32 = 258
	WaitFailed     uint32 = 0xFFFFFFFF
)

// Win32 error codes the simulation uses.
const (
	ErrorSuccess          uint32 = 0
	ErrorInvalidHandle    uint32 = 6
	ErrorNotEnoughMemory  uint32 = 8
	ErrorInvalidParameter uint32 = 87
	ErrorTooManyPosts     uint32 = 298
	ErrorNotOwner         uint32 = 288
	ErrorPossibleDeadlock uint32 = 1131
	ErrorTimeout          uint32 = 1460
)

// MaximumWaitObjects is the most handles WaitForMultipleObjects accepts.
const MaximumWaitObjects = 64

// ErrorName returns the symbolic name of a Win32 error or wait code, or the
// number in decimal when it is not one the simulation knows.
func ErrorName(code uint32) string {
	switch code {
	case ErrorSuccess:
		return "ERROR_SUCCESS"
	case ErrorInvalidHandle:
		return "ERROR_INVALID_HANDLE"
	case ErrorNotEnoughMemory:
		return "ERROR_NOT_ENOUGH_MEMORY"
	case ErrorInvalidParameter:
		return "ERROR_INVALID_PARAMETER"
	case ErrorNotOwner:
		return "ERROR_NOT_OWNER"
	case ErrorTooManyPosts:
		return "ERROR_TOO_MANY_POSTS"
	case WaitAbandoned0:
		return "WAIT_ABANDONED"
	case ErrorPossibleDeadlock:
		return "ERROR_POSSIBLE_DEADLOCK"
	case ErrorTimeout:
		return "ERROR_TIMEOUT"
	case WaitTimeout:
		return "WAIT_TIMEOUT"
	case WaitFailed:
		return "WAIT_FAILED"
	}
	return fmt.Sprintf("%d", code)
}

// Names of the kernel operations as the log records them.
const (
	OpCreateThread    = "CreateThread"
	OpWaitSingle      = "WaitForSingleObject"
	OpWaitMultiple    = "WaitForMultipleObjects"
	OpCloseHandle     = "CloseHandle"
	OpDuplicateHandle = "DuplicateHandle"
	OpGetThreadID     = "GetThreadId"
	OpCurrentThreadID = "GetCurrentThreadId"
	OpSleep           = "Sleep"
	OpCreateEvent     = "CreateEvent"
	OpSetEvent        = "SetEvent"
	OpResetEvent      = "ResetEvent"
	OpEnterCS         = "EnterCriticalSection"
	OpLeaveCS         = "LeaveCriticalSection"
	OpLoad            = "Load"
	OpStore           = "Store"
	OpAtomicLoad      = "AtomicLoad"
	OpAtomicStore     = "AtomicStore"
	OpCAS             = "InterlockedCompareExchange"
	OpSwap            = "InterlockedExchange"
	OpThreadExit      = "ThreadExit"
	OpGetExitCode     = "GetExitCodeThread"
	OpExchangeAdd     = "InterlockedExchangeAdd"
	OpTryEnterCS      = "TryEnterCriticalSection"
	OpPulseEvent      = "PulseEvent"
	OpCreateSemaphore = "CreateSemaphore"
	OpReleaseSem      = "ReleaseSemaphore"
	OpCreateMutex     = "CreateMutex"
	OpReleaseMutex    = "ReleaseMutex"
	OpResumeThread    = "ResumeThread"
	OpExitThread      = "ExitThread"
	OpSRWExclusive    = "AcquireSRWLockExclusive"
	OpSRWShared       = "AcquireSRWLockShared"
	OpSRWTry          = "TryAcquireSRWLock"
	OpSRWRelease      = "ReleaseSRWLock"
	OpCVSleep         = "SleepConditionVariable"
	OpCVWake          = "WakeConditionVariable"
	OpSignalAndWait   = "SignalObjectAndWait"
	OpInitCS          = "InitializeCriticalSection"
	OpDeleteCS        = "DeleteCriticalSection"
	OpTerminateThread = "TerminateThread"

	// Data decisions of fault injection.
	ChoiceCreateThreadFails    = "CreateThread fails"
	ChoiceDuplicateHandleFails = "DuplicateHandle fails"

	// The data decision of SetEvent on an auto-reset event with more than
	// one blocked wait it can satisfy: which of them (in the order they
	// blocked) it releases.
	ChoiceSetEventWakes = "SetEvent wakes"

	// The data decisions of condition variables: whether a sleep returns
	// with no wake (a spurious wake-up), and which sleeper a
	// WakeConditionVariable wakes.
	ChoiceCVSpurious = "SleepConditionVariable wakes spuriously"
	ChoiceCVWakes    = "WakeConditionVariable wakes"
)
