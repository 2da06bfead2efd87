package model

import "strconv"

// Win32 codes that the CLUS_WORKER functions return, as the model knows them.
const (
	// ErrorSuccess (ERROR_SUCCESS, 0): Create started the thread;
	// TerminateEx or WorkersTerminate saw every target thread end.
	ErrorSuccess uint32 = 0
	// ErrorNotEnoughMemory (ERROR_NOT_ENOUGH_MEMORY, 8): the code the
	// simulated kernel uses when it is told to fail CreateThread (P9).
	ErrorNotEnoughMemory uint32 = 8
	// ErrorInvalidParameter (ERROR_INVALID_PARAMETER, 87): WorkersTerminate
	// was given a NULL entry in its array (P7).
	ErrorInvalidParameter uint32 = 87
	// WaitTimeout (WAIT_TIMEOUT, 258): some target thread had not ended
	// when the timeout elapsed (D8, D9).
	WaitTimeout uint32 = 258
	// ErrorPossibleDeadlock (ERROR_POSSIBLE_DEADLOCK, 1131): a worker asked
	// TerminateEx or WorkersTerminate to wait for itself (P1).
	ErrorPossibleDeadlock uint32 = 1131
)

// Infinite is the timeout value INFINITE (0xFFFFFFFF): wait without a limit.
const Infinite uint32 = 0xFFFFFFFF

// CodeName returns the symbolic name of a Win32 code the model knows, such as
// "WAIT_TIMEOUT", or the code in decimal otherwise.
func CodeName(code uint32) string {
	switch code {
	case ErrorSuccess:
		return "ERROR_SUCCESS"
	case ErrorNotEnoughMemory:
		return "ERROR_NOT_ENOUGH_MEMORY"
	case ErrorInvalidParameter:
		return "ERROR_INVALID_PARAMETER"
	case WaitTimeout:
		return "WAIT_TIMEOUT"
	case ErrorPossibleDeadlock:
		return "ERROR_POSSIBLE_DEADLOCK"
	}
	return strconv.FormatUint(uint64(code), 10)
}
