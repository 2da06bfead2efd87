package model

import (
	"math"
	"slices"
)

// step is the sequential specification: it returns every state the system
// may be in after the operation (in, out) applied to st, or nil when the
// operation is illegal in st. It never modifies st, and it never panics,
// whatever it is given: porcupine calls it on its own goroutines, where a
// panic cannot be recovered. One call of step is one model step, the unit
// of [CheckBudget]'s budget.
func step(st, in, out interface{}) []state {
	s, ok := st.(state)
	if !ok {
		return nil
	}
	i, ok := inputOf(in)
	if !ok || !i.Kind.valid() || i.Worker < 0 || i.Worker >= MaxWorkers {
		return nil
	}
	o, ok := outputOf(out)
	if !ok {
		return nil
	}
	switch i.Kind {
	case Create:
		return stepCreate(s, i, o)
	case CheckTerminate:
		return stepCheck(s, i, o)
	case Exit:
		return stepExit(s, i)
	case TerminateSignal:
		return stepTerminateSignal(s, i)
	case TerminateReturn:
		return stepTerminateReturn(s, i, o)
	case ExSignal:
		return stepExSignal(s, i)
	case ExReturn:
		return stepExReturn(s, i, o)
	case MultiReturn:
		return stepMultiReturn(s, i, o)
	}
	return nil
}

// inputOf accepts an Input or a non-nil *Input.
func inputOf(v interface{}) (Input, bool) {
	switch x := v.(type) {
	case Input:
		return x, true
	case *Input:
		if x != nil {
			return *x, true
		}
	}
	return Input{}, false
}

// outputOf accepts an Output, a non-nil *Output, or nil (the zero Output,
// convenient for Exit and signal halves, which have no output).
func outputOf(v interface{}) (Output, bool) {
	switch x := v.(type) {
	case nil:
		return Output{}, true
	case Output:
		return x, true
	case *Output:
		if x != nil {
			return *x, true
		}
	}
	return Output{}, false
}

// one wraps a single next state.
func one(s state) []state { return []state{s} }

// stepCreate: a success starts a new incarnation with the flag FALSE (D1,
// S1); a failure leaves hThread NULL and no routine running (P9). Calls still
// half done on the struct keep their bookkeeping. A Create that never
// returned may have succeeded, failed, or not happened yet.
func stepCreate(s state, i Input, o Output) []state {
	old := s.get(i.Worker)
	ok := s.with(i.Worker, worker{created: true, signaled: old.signaled})
	failed := s.with(i.Worker, worker{signaled: old.signaled})
	switch {
	case o.Unknown:
		return []state{s, ok, failed}
	case o.Code == ErrorSuccess:
		return one(ok)
	default:
		return one(failed)
	}
}

// stepCheck: CheckTerminate reads the flag of a created worker (D3). A check
// by the worker's own routine (Self) also needs the routine not to have
// returned yet, which ties the check to the current incarnation (S1).
func stepCheck(s state, i Input, o Output) []state {
	if o.Unknown {
		return one(s)
	}
	w := s.get(i.Worker)
	if !w.created || (i.Self && w.exited) || o.Flag != w.flag {
		return nil
	}
	return one(s)
}

// stepExit: the routine of a created, running incarnation returns, and not
// before a deadline at which a WAIT_TIMEOUT said it was still running.
//
// exitTick records when the thread was gone (Input.Gone; a thread that
// never finished is gone at the end of time), since that, not the
// routine's return, is what a wait on the thread observes.
func stepExit(s state, i Input) []state {
	w := s.get(i.Worker)
	gone := i.Gone
	if gone <= 0 {
		gone = math.MaxInt64
	}
	if !w.created || w.exited || gone <= w.aliveAt {
		return nil
	}
	w.exited = true
	w.exitTick = gone
	return one(s.with(i.Worker, w))
}

// stepTerminateSignal: the first ClusWorkerTerminate of a created
// incarnation sets the flag and becomes the one that must wait (D5, D7);
// any other call changes nothing but its own bookkeeping (D6).
//
// A call the checker marked cannotWait (see prepare) could not return
// after an Exit or Create of the struct, so as the first call on a running
// routine it would make every continuation fail at its return half; the
// step refuses it at once. That prunes the search, it does not change which
// histories are linearizable.
func stepTerminateSignal(s state, i Input) []state {
	if i.Call <= 0 {
		return nil
	}
	w := s.get(i.Worker)
	if w.created && !w.flag {
		if i.cannotWait && !w.exited {
			return nil
		}
		w.flag = true
		w.first = i.Call
	}
	w.signaled = addCall(w.signaled, i.Call)
	return one(s.with(i.Worker, w))
}

// stepTerminateReturn: a call returns after its own signal half; the first
// call returns only once the routine has returned (D5), unless the worker
// called it on itself (P1).
func stepTerminateReturn(s state, i Input, o Output) []state {
	if o.Unknown {
		return one(s)
	}
	w := s.get(i.Worker)
	if i.Call <= 0 || !hasCall(w.signaled, i.Call) {
		return nil
	}
	if w.first == i.Call && !i.Self && !w.exited {
		return nil
	}
	w.signaled = removeCall(w.signaled, i.Call)
	return one(s.with(i.Worker, w))
}

// stepExSignal: TerminateEx or WorkersTerminate with WaitOnly FALSE sets the
// flag of a created worker (D8, D9) without becoming a "first" Terminate.
// With Input.Workers set it signals all of them in one step (P7).
func stepExSignal(s state, i Input) []state {
	if i.Call <= 0 {
		return nil
	}
	targets := []int{i.Worker}
	if len(i.Workers) > 0 {
		var ok bool
		if targets, ok = distinctWorkers(i.Workers); !ok {
			return nil
		}
	}
	for _, t := range targets {
		w := s.get(t)
		if w.created {
			w.flag = true
		}
		w.signaled = addCall(w.signaled, i.Call)
		s = s.with(t, w)
	}
	return one(s)
}

// stepExReturn checks the code of ClusWorkerTerminateEx (D8, P1, P3).
func stepExReturn(s state, i Input, o Output) []state {
	if o.Unknown {
		return one(s)
	}
	if i.Call <= 0 {
		return nil
	}
	w := s.get(i.Worker)
	if !i.WaitOnly {
		if !hasCall(w.signaled, i.Call) {
			return nil
		}
		w.signaled = removeCall(w.signaled, i.Call)
	}
	switch o.Code {
	case ErrorSuccess:
		if w.created && !w.exited {
			return nil
		}
	case WaitTimeout:
		if !w.created || i.DeadlineTick <= 0 {
			return nil
		}
		if w.exited {
			if w.exitTick <= i.DeadlineTick {
				return nil
			}
		} else {
			w.aliveAt = max(w.aliveAt, i.DeadlineTick)
		}
	case ErrorPossibleDeadlock:
		if !i.Self {
			return nil
		}
	default:
		return nil
	}
	return one(s.with(i.Worker, w))
}

// stepMultiReturn checks the code of ClusWorkersTerminate (D9, P1, P7).
func stepMultiReturn(s state, i Input, o Output) []state {
	if o.Unknown {
		return one(s)
	}
	if i.NullEntry {
		if o.Code != ErrorInvalidParameter {
			return nil
		}
		return one(s)
	}
	if i.Call <= 0 {
		return nil
	}
	targets, ok := distinctWorkers(i.Workers)
	if !ok {
		return nil
	}
	if !i.WaitOnly {
		for _, t := range targets {
			w := s.get(t)
			if !hasCall(w.signaled, i.Call) {
				return nil
			}
			w.signaled = removeCall(w.signaled, i.Call)
			s = s.with(t, w)
		}
	}
	switch o.Code {
	case ErrorSuccess:
		for _, t := range targets {
			if w := s.get(t); w.created && !w.exited {
				return nil
			}
		}
		return one(s)
	case WaitTimeout:
		return multiTimeout(s, targets, i.DeadlineTick)
	case ErrorPossibleDeadlock:
		if !i.Self {
			return nil
		}
		return one(s)
	}
	return nil
}

// multiTimeout returns the states in which WAIT_TIMEOUT is a correct result
// of a WorkersTerminate whose deadline fell at deadline: at least one created
// target had not exited at that tick. A target already seen to exit after the
// deadline settles it with no further constraint. Otherwise each created
// target still running gives one next state in which it is that target which
// must exit after the deadline.
func multiTimeout(s state, targets []int, deadline int64) []state {
	if deadline <= 0 {
		return nil
	}
	var next []state
	for _, t := range targets {
		w := s.get(t)
		if !w.created {
			continue
		}
		if w.exited {
			if w.exitTick > deadline {
				return one(s)
			}
			continue
		}
		w.aliveAt = max(w.aliveAt, deadline)
		next = append(next, s.with(t, w))
	}
	return next
}

// distinctWorkers returns the sorted, duplicate-free worker indexes of ws,
// or false when one lies outside [0, MaxWorkers).
func distinctWorkers(ws []int) ([]int, bool) {
	out := slices.Clone(ws)
	for _, w := range out {
		if w < 0 || w >= MaxWorkers {
			return nil, false
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}
