package model

import (
	"fmt"
	"slices"

	"github.com/anishathalye/porcupine"
)

// Validate reports the first way in which history is not a well-formed
// history for this model, or nil. It checks what the harness that builds
// histories promises and the model takes for granted, so that a harness bug
// shows up as an error here rather than as a false LIN failure:
//
//   - every Input is an Input (or *Input) of a known Kind, naming workers in
//     [0, MaxWorkers); every Output is an Output, *Output or nil;
//   - Call <= Return, and an Exit has Call == Return == Input.Tick > 0;
//   - every API call has a positive id, used by no other API call;
//   - a TerminateReturn has exactly one TerminateSignal with its id, worker
//     and interval; an ExReturn with WaitOnly FALSE has exactly one ExSignal
//     with its id, worker and interval, and none with WaitOnly TRUE; a
//     MultiReturn with WaitOnly FALSE and no NULL entry has ExSignals with
//     its id and interval covering exactly its workers, and none otherwise;
//     every signal half has its return half;
//   - Workers appears only on MultiReturn and ExSignal, NullEntry only on
//     MultiReturn;
//   - a call with Output.Unknown returns after every tick of the run, and a
//     DeadlineTick, when set, lies within its call's interval and belongs to
//     a finite timeout.
//
// Validate does not judge the implementation: a history can be valid and
// still not linearizable.
func Validate(history []porcupine.Operation) error {
	type half struct {
		idx int
		in  Input
		op  porcupine.Operation
	}
	signals := make(map[int][]half)
	calls := make(map[int]half) // the one operation that ends each API call
	var lastKnown int64         // the last tick of the run, over known events
	for idx, op := range history {
		in, ok := inputOf(op.Input)
		if !ok {
			return fmt.Errorf("op %d: Input is %T, want model.Input", idx, op.Input)
		}
		out, ok := outputOf(op.Output)
		if !ok {
			return fmt.Errorf("op %d: Output is %T, want model.Output", idx, op.Output)
		}
		// where is built only for an error: valid histories, the common
		// case, format nothing.
		where := func() string { return fmt.Sprintf("op %d (%s)", idx, describeOperation(in, out)) }
		if !in.Kind.valid() {
			return fmt.Errorf("%s: unknown Kind %d", where(), in.Kind)
		}
		if in.Worker < 0 || in.Worker >= MaxWorkers {
			return fmt.Errorf("%s: Worker %d outside [0, MaxWorkers)", where(), in.Worker)
		}
		for _, w := range in.Workers {
			if w < 0 || w >= MaxWorkers {
				return fmt.Errorf("%s: Workers entry %d outside [0, MaxWorkers)", where(), w)
			}
		}
		if len(in.Workers) > 0 && in.Kind != MultiReturn && in.Kind != ExSignal {
			return fmt.Errorf("%s: Workers set on a %v", where(), in.Kind)
		}
		if in.NullEntry && in.Kind != MultiReturn {
			return fmt.Errorf("%s: NullEntry set on a %v", where(), in.Kind)
		}
		if op.Call > op.Return {
			return fmt.Errorf("%s: Call %d after Return %d", where(), op.Call, op.Return)
		}
		if in.Kind == Exit {
			if op.Call != in.Tick || op.Return != in.Tick || in.Tick <= 0 {
				return fmt.Errorf("%s: an Exit needs Call == Return == Tick > 0, have %d, %d, %d", where(), op.Call, op.Return, in.Tick)
			}
			if in.Gone != 0 && in.Gone < in.Tick {
				return fmt.Errorf("%s: an Exit's thread is gone at tick %d, before its routine returned at %d", where(), in.Gone, in.Tick)
			}
		} else if in.Call <= 0 {
			return fmt.Errorf("%s: call id %d is not positive", where(), in.Call)
		}
		if in.Kind == ExReturn || in.Kind == MultiReturn {
			if in.DeadlineTick != 0 && (in.DeadlineTick < op.Call || in.DeadlineTick > op.Return) {
				return fmt.Errorf("%s: DeadlineTick %d outside [%d, %d]", where(), in.DeadlineTick, op.Call, op.Return)
			}
			if in.DeadlineTick != 0 && in.Timeout == Infinite {
				return fmt.Errorf("%s: DeadlineTick %d set for an INFINITE timeout", where(), in.DeadlineTick)
			}
		}
		h := half{idx, in, op}
		switch in.Kind {
		case Exit:
		case TerminateSignal, ExSignal:
			signals[in.Call] = append(signals[in.Call], h)
		default:
			if prev, dup := calls[in.Call]; dup {
				return fmt.Errorf("%s: call id %d already used by op %d", where(), in.Call, prev.idx)
			}
			calls[in.Call] = h
		}
		if !out.Unknown && in.Kind != TerminateSignal && in.Kind != ExSignal {
			// A signal half shares its return half's interval, so it is
			// judged there.
			lastKnown = max(lastKnown, op.Return)
		}
	}
	for idx, op := range history {
		in, _ := inputOf(op.Input)
		out, _ := outputOf(op.Output)
		if out.Unknown && op.Return <= lastKnown {
			return fmt.Errorf("op %d (%s): unknown output but Return %d is not after the run's last tick %d",
				idx, describeOperation(in, out), op.Return, lastKnown)
		}
	}
	ids := make([]int, 0, len(signals))
	for id := range signals {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		sig := signals[id]
		ret, ok := calls[id]
		if !ok {
			return fmt.Errorf("op %d: signal half of call #%d has no return half", sig[0].idx, id)
		}
		var want []int
		switch {
		case sig[0].in.Kind == TerminateSignal && ret.in.Kind == TerminateReturn,
			sig[0].in.Kind == ExSignal && ret.in.Kind == ExReturn && !ret.in.WaitOnly:
			want = []int{ret.in.Worker}
		case sig[0].in.Kind == ExSignal && ret.in.Kind == MultiReturn && !ret.in.WaitOnly && !ret.in.NullEntry:
			want, _ = distinctWorkers(ret.in.Workers)
		default:
			return fmt.Errorf("op %d: call #%d has a %v half but ends with op %d, a %v (WaitOnly %t)",
				sig[0].idx, id, sig[0].in.Kind, ret.idx, ret.in.Kind, ret.in.WaitOnly)
		}
		var got []int
		for _, s := range sig {
			if s.in.Kind != sig[0].in.Kind {
				return fmt.Errorf("op %d: call #%d mixes %v and %v halves", s.idx, id, sig[0].in.Kind, s.in.Kind)
			}
			if s.op.Call != ret.op.Call || s.op.Return != ret.op.Return {
				return fmt.Errorf("op %d: signal half of call #%d spans [%d, %d], its return half (op %d) [%d, %d]",
					s.idx, id, s.op.Call, s.op.Return, ret.idx, ret.op.Call, ret.op.Return)
			}
			if len(s.in.Workers) > 0 {
				ws, _ := distinctWorkers(s.in.Workers)
				got = append(got, ws...)
			} else {
				got = append(got, s.in.Worker)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("op %d: call #%d signals workers %v, its return half (op %d) names %v",
				sig[0].idx, id, got, ret.idx, want)
		}
	}
	cids := make([]int, 0, len(calls))
	for id := range calls {
		cids = append(cids, id)
	}
	slices.Sort(cids)
	for _, id := range cids {
		ret := calls[id]
		if _, has := signals[id]; has {
			continue
		}
		needs := ret.in.Kind == TerminateReturn ||
			(ret.in.Kind == ExReturn && !ret.in.WaitOnly) ||
			(ret.in.Kind == MultiReturn && !ret.in.WaitOnly && !ret.in.NullEntry && len(ret.in.Workers) > 0)
		if needs {
			return fmt.Errorf("op %d: %v of call #%d has no signal half", ret.idx, ret.in.Kind, id)
		}
	}
	return nil
}
