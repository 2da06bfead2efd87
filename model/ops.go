package model

import (
	"encoding/binary"
	"strconv"
)

// Kind names one operation of the model's vocabulary. Every API call that the
// harness records becomes one or two operations (see the package
// documentation, "Operations and the decomposition"); the worker's exit is an
// operation of its own.
type Kind uint8

const (
	// Create is a call of ClusWorkerCreate on Input.Worker. Output.Code is
	// ErrorSuccess when a thread was started, or the failure code otherwise
	// (then hThread stays NULL and no routine runs, rule P9).
	Create Kind = iota + 1

	// CheckTerminate is a call of ClusWorkerCheckTerminate on
	// Input.Worker; Output.Flag is the BOOL it returned. (It is not called
	// Check because that name belongs to the package's Check function.)
	CheckTerminate

	// Exit is the moment the start routine of Input.Worker returned. It is
	// an instant: Call, Return and Input.Tick are the same tick. It has no
	// output.
	Exit

	// TerminateSignal is the first half of the ClusWorkerTerminate call
	// Input.Call: the moment it tested the flag and, if it was the first
	// caller, set it. It has no output.
	TerminateSignal

	// TerminateReturn is the second half of the ClusWorkerTerminate call
	// Input.Call: the moment it returned (the function returns VOID, so
	// the output carries nothing but Unknown).
	TerminateReturn

	// ExSignal is the signal half of a ClusWorkerTerminateEx call with
	// WaitOnly FALSE on Input.Worker. It is also used for a
	// ClusWorkersTerminate call with WaitOnly FALSE: one ExSignal per
	// worker of the array, all with the call's id. When Input.Workers is
	// not empty, the operation signals all of those workers in one step,
	// which lets the model check rule P7 (see the package documentation).
	// It has no output.
	ExSignal

	// ExReturn is the return of the ClusWorkerTerminateEx call Input.Call on
	// Input.Worker; Output.Code is the DWORD it returned.
	ExReturn

	// MultiReturn is the return of the ClusWorkersTerminate call Input.Call
	// over the array Input.Workers; Output.Code is the DWORD it returned.
	MultiReturn
)

// String returns the name of the kind, such as "TerminateSignal", or
// "Kind(N)" for a value outside the vocabulary.
func (k Kind) String() string {
	switch k {
	case Create:
		return "Create"
	case CheckTerminate:
		return "CheckTerminate"
	case Exit:
		return "Exit"
	case TerminateSignal:
		return "TerminateSignal"
	case TerminateReturn:
		return "TerminateReturn"
	case ExSignal:
		return "ExSignal"
	case ExReturn:
		return "ExReturn"
	case MultiReturn:
		return "MultiReturn"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// valid reports whether k is one of the kinds above.
func (k Kind) valid() bool { return k >= Create && k <= MultiReturn }

// MaxWorkers bounds Input.Worker and the entries of Input.Workers: worker
// indexes must lie in [0, MaxWorkers). The model treats an operation naming a
// worker outside that range as illegal, rather than growing its state without
// bound; Validate reports it as a malformed history.
const MaxWorkers = 1 << 16

// Input is the input of one porcupine operation: which half of which API
// call, by whom, on which CLUS_WORKER structure, with which arguments.
//
// The harness fills every field that applies to the kind and leaves the
// others zero. Call ids must be positive and unique per API call in a run;
// the two halves of one call share the id and the same [Call, Return]
// interval.
type Input struct {
	// Kind says which operation this is.
	Kind Kind
	// Thread is the simulated id of the calling thread. The model uses it
	// only in descriptions.
	Thread int
	// Call is the unique, positive id of the API call; it ties the signal
	// half of a call to its return half.
	Call int
	// Worker is the 0-based index of the CLUS_WORKER structure the call
	// names (for ExSignal of a ClusWorkersTerminate call: the one worker
	// it signals).
	Worker int
	// Workers is the array passed to ClusWorkersTerminate, in the order
	// passed (MultiReturn; optionally ExSignal, see Kind ExSignal). It may
	// be empty. A worker listed twice counts once. When NullEntry is set
	// the model does not read it.
	Workers []int
	// NullEntry reports that the array passed to ClusWorkersTerminate held
	// a NULL pointer (MultiReturn only).
	NullEntry bool
	// Self reports that the caller is the thread currently started by
	// Worker (for MultiReturn: by one of Workers). The harness sets it on
	// every operation, CheckTerminate included: a check with Self set
	// must come from a routine that has not yet returned, which ties it
	// to the current incarnation (rule S1).
	Self bool
	// WaitOnly is the WaitOnly argument of ClusWorkerTerminateEx and
	// ClusWorkersTerminate.
	WaitOnly bool
	// Timeout is the timeout argument in milliseconds; Infinite means no
	// timeout. The model does not read it (it reads DeadlineTick); it is
	// kept for descriptions.
	Timeout uint32
	// DeadlineTick is, for ExReturn and MultiReturn, the tick at which the
	// virtual clock reached the call's start time plus Timeout, or 0 when
	// the clock had not reached it when the call returned.
	DeadlineTick int64
	// Tick is the tick of an Exit, positive and equal to the operation's
	// Call and Return.
	Tick int64
	// Gone is, for an Exit, the tick at which the thread itself finished
	// (its kernel object was signalled), at or after Tick: an
	// implementation may run a few steps of its own after the routine
	// returns. 0 means the thread had not finished when the run ended.
	// WAIT_TIMEOUT results are judged against Gone: a thread that is not
	// gone is still running as far as a wait on it can tell.
	Gone int64

	// The checker's own annotations, which the harness cannot see or set.
	// cannotWait marks a TerminateSignal whose call cannot have waited for
	// an exit (see prepare); the zero value prunes nothing. part is 1 + the
	// index of the operation's part in a verbose check, 0 outside one.
	cannotWait bool
	part       int
}

// Output is the output of one porcupine operation.
type Output struct {
	// Code is the DWORD returned by ClusWorkerCreate,
	// ClusWorkerTerminateEx or ClusWorkersTerminate.
	Code uint32
	// Flag is the BOOL returned by ClusWorkerCheckTerminate.
	Flag bool
	// Unknown reports that the call never returned because the run ended
	// first. The operation's Return is then one tick past the run's last
	// tick, and the model allows the call to have taken no effect.
	Unknown bool
}

// AppendKey appends to b an encoding of in that two inputs share exactly
// when they are equal field by field (unexported annotations included), for
// keys of caches of verdicts.
func (in Input) AppendKey(b []byte) []byte {
	b = append(b, byte(in.Kind))
	for _, v := range [...]int64{int64(in.Thread), int64(in.Call), int64(in.Worker), int64(len(in.Workers))} {
		b = binary.AppendVarint(b, v)
	}
	for _, w := range in.Workers {
		b = binary.AppendVarint(b, int64(w))
	}
	var flags byte
	for i, f := range [...]bool{in.NullEntry, in.Self, in.WaitOnly, in.cannotWait} {
		if f {
			flags |= 1 << i
		}
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(in.Timeout))
	for _, v := range [...]int64{in.DeadlineTick, in.Tick, in.Gone, int64(in.part)} {
		b = binary.AppendVarint(b, v)
	}
	return b
}

// AppendKey appends to b an encoding of out that two outputs share exactly
// when they are equal.
func (out Output) AppendKey(b []byte) []byte {
	var flags byte
	if out.Flag {
		flags |= 1
	}
	if out.Unknown {
		flags |= 2
	}
	return append(binary.AppendUvarint(b, uint64(out.Code)), flags)
}
