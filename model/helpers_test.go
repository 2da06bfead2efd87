package model

import "github.com/anishathalye/porcupine"

// Helpers that build hand-written histories. Each returns a slice so that a
// history reads as hist(create(...), check(...), terminate(...)...). Thread
// ids: T1 creates, T2 is the worker's routine, T3 and up terminate.

// pending is the Return tick used for calls that never returned; every test
// history ends before it.
const pending int64 = 100

// dense builds the state whose worker i is ws[i].
func dense(ws ...worker) state {
	var s state
	for i, w := range ws {
		s = s.with(i, w)
	}
	return s
}

func hist(parts ...[]porcupine.Operation) []porcupine.Operation {
	var out []porcupine.Operation
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func op(in Input, out Output, call, ret int64) porcupine.Operation {
	return porcupine.Operation{ClientId: in.Thread, Input: in, Output: out, Call: call, Return: ret}
}

// retOut is the output of a call that returned at ret with code, or an
// unknown output when ret is pending.
func retOut(ret int64, code uint32) Output {
	return Output{Code: code, Unknown: ret == pending}
}

func create(w int, call, ret int64, code uint32) []porcupine.Operation {
	return []porcupine.Operation{op(Input{Kind: Create, Thread: 1, Call: 1000 + int(call), Worker: w}, retOut(ret, code), call, ret)}
}

// check is a CheckTerminate by the worker's own routine (Self).
func check(w int, call, ret int64, flag bool) []porcupine.Operation {
	return []porcupine.Operation{op(Input{Kind: CheckTerminate, Thread: 2, Call: 2000 + int(call), Worker: w, Self: true},
		Output{Flag: flag, Unknown: ret == pending}, call, ret)}
}

// exit is the routine's return at tick; its thread is gone at once.
func exit(w int, tick int64) []porcupine.Operation {
	return exitGone(w, tick, tick)
}

// exitGone is the routine's return at tick, with its thread gone at gone
// (0: not gone when the run ended).
func exitGone(w int, tick, gone int64) []porcupine.Operation {
	return []porcupine.Operation{op(Input{Kind: Exit, Thread: 2, Worker: w, Tick: tick, Gone: gone}, Output{}, tick, tick)}
}

// terminate is a ClusWorkerTerminate call #id by thread 2+id, split in its
// two halves.
func terminate(w, id int, call, ret int64) []porcupine.Operation {
	return terminateBy(w, id, call, ret, false)
}

func terminateBy(w, id int, call, ret int64, self bool) []porcupine.Operation {
	in := Input{Kind: TerminateSignal, Thread: 2 + id, Call: id, Worker: w, Self: self}
	if self {
		in.Thread = 2
	}
	sig := op(in, Output{}, call, ret)
	in.Kind = TerminateReturn
	return []porcupine.Operation{sig, op(in, Output{Unknown: ret == pending}, call, ret)}
}

// exArgs are the arguments and observations of a TerminateEx or
// WorkersTerminate call.
type exArgs struct {
	timeout  uint32
	deadline int64
	waitOnly bool
	self     bool
	null     bool
	atomic   bool // WorkersTerminate: one ExSignal naming all workers (P7)
}

// terminateEx is a ClusWorkerTerminateEx call #id returning code.
func terminateEx(w, id int, call, ret int64, code uint32, a exArgs) []porcupine.Operation {
	in := Input{Kind: ExSignal, Thread: 2 + id, Call: id, Worker: w, Self: a.self,
		WaitOnly: a.waitOnly, Timeout: a.timeout}
	if a.self {
		in.Thread = 2
	}
	var ops []porcupine.Operation
	if !a.waitOnly {
		ops = append(ops, op(in, Output{}, call, ret))
	}
	in.Kind = ExReturn
	in.DeadlineTick = a.deadline
	return append(ops, op(in, retOut(ret, code), call, ret))
}

// workersTerminate is a ClusWorkersTerminate call #id over ws returning code.
func workersTerminate(ws []int, id int, call, ret int64, code uint32, a exArgs) []porcupine.Operation {
	var ops []porcupine.Operation
	if !a.waitOnly && !a.null {
		if a.atomic && len(ws) > 0 {
			ops = append(ops, op(Input{Kind: ExSignal, Thread: 2 + id, Call: id, Worker: ws[0], Workers: ws,
				Self: a.self, Timeout: a.timeout}, Output{}, call, ret))
		} else {
			for _, w := range ws {
				ops = append(ops, op(Input{Kind: ExSignal, Thread: 2 + id, Call: id, Worker: w,
					Self: a.self, Timeout: a.timeout}, Output{}, call, ret))
			}
		}
	}
	in := Input{Kind: MultiReturn, Thread: 2 + id, Call: id, Workers: ws, NullEntry: a.null, Self: a.self,
		WaitOnly: a.waitOnly, Timeout: a.timeout, DeadlineTick: a.deadline}
	return append(ops, op(in, retOut(ret, code), call, ret))
}
