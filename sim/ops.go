package sim

import "github.com/clussim/clussim/scheduler"

// opCode indexes the kernel's interned operation names.
type opCode uint8

const (
	cCreateThread opCode = iota
	cWaitSingle
	cWaitMultiple
	cCloseHandle
	cDuplicateHandle
	cGetThreadID
	cCurrentThreadID
	cSleep
	cCreateEvent
	cSetEvent
	cResetEvent
	cEnterCS
	cLeaveCS
	cLoad
	cStore
	cAtomicLoad
	cAtomicStore
	cCAS
	cSwap
	cThreadExit
	cCreateThreadFails
	cDuplicateHandleFails
	cSetEventWakes
	cGetExitCode
	cExchangeAdd
	cTryEnterCS
	cPulseEvent
	cCreateSemaphore
	cReleaseSem
	cCreateMutex
	cReleaseMutex
	cResumeThread
	cExitThread
	cSRWExclusive
	cSRWShared
	cSRWTry
	cSRWRelease
	cCVSleep
	cCVSpurious
	cCVWake
	cCVWakes
	cSignalAndWait
	cInitCS
	cDeleteCS
	cTerminateThread
	numOpCodes
)

// opTable maps opCodes to the engine's OpIDs; a Simulator interns the
// names once, so a kernel call logs its operation without a lookup.
type opTable [numOpCodes]scheduler.OpID

func newOpTable(e *scheduler.Engine) *opTable {
	var t opTable
	for c := range numOpCodes {
		t[c] = e.Intern(c.name())
	}
	return &t
}

// name returns the operation's name as the log records it.
func (c opCode) name() string {
	names := [numOpCodes]string{
		cCreateThread:         OpCreateThread,
		cWaitSingle:           OpWaitSingle,
		cWaitMultiple:         OpWaitMultiple,
		cCloseHandle:          OpCloseHandle,
		cDuplicateHandle:      OpDuplicateHandle,
		cGetThreadID:          OpGetThreadID,
		cCurrentThreadID:      OpCurrentThreadID,
		cSleep:                OpSleep,
		cCreateEvent:          OpCreateEvent,
		cSetEvent:             OpSetEvent,
		cResetEvent:           OpResetEvent,
		cEnterCS:              OpEnterCS,
		cLeaveCS:              OpLeaveCS,
		cLoad:                 OpLoad,
		cStore:                OpStore,
		cAtomicLoad:           OpAtomicLoad,
		cAtomicStore:          OpAtomicStore,
		cCAS:                  OpCAS,
		cSwap:                 OpSwap,
		cThreadExit:           OpThreadExit,
		cCreateThreadFails:    ChoiceCreateThreadFails,
		cDuplicateHandleFails: ChoiceDuplicateHandleFails,
		cSetEventWakes:        ChoiceSetEventWakes,
		cGetExitCode:          OpGetExitCode,
		cExchangeAdd:          OpExchangeAdd,
		cTryEnterCS:           OpTryEnterCS,
		cPulseEvent:           OpPulseEvent,
		cCreateSemaphore:      OpCreateSemaphore,
		cReleaseSem:           OpReleaseSem,
		cCreateMutex:          OpCreateMutex,
		cReleaseMutex:         OpReleaseMutex,
		cResumeThread:         OpResumeThread,
		cExitThread:           OpExitThread,
		cSRWExclusive:         OpSRWExclusive,
		cSRWShared:            OpSRWShared,
		cSRWTry:               OpSRWTry,
		cSRWRelease:           OpSRWRelease,
		cCVSleep:              OpCVSleep,
		cCVSpurious:           ChoiceCVSpurious,
		cCVWake:               OpCVWake,
		cCVWakes:              ChoiceCVWakes,
		cSignalAndWait:        OpSignalAndWait,
		cInitCS:               OpInitCS,
		cDeleteCS:             OpDeleteCS,
		cTerminateThread:      OpTerminateThread,
	}
	if c < numOpCodes {
		return names[c]
	}
	return ""
}
