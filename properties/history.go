package properties

import (
	"slices"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// Operations turns a run's history into porcupine operations over the
// model's vocabulary; see the model package documentation for the
// decomposition. Ticks (log positions) are the clock: a call spans
// [CallTick, ReturnTick]; a call that never returned ends one tick past the
// log with an unknown output. Routine starts are not operations.
func Operations(calls []sim.Call, events []scheduler.Event) []porcupine.Operation {
	end := int64(len(events))
	var ops []porcupine.Operation
	add := func(c *sim.Call, in model.Input, out model.Output) {
		ret := c.ReturnTick
		if !c.Returned {
			ret = end
			out.Unknown = true
		}
		in.Thread, in.Call, in.Self, in.WaitOnly, in.Timeout = int(c.Thread), c.ID, c.Self, c.WaitOnly, c.Timeout
		ops = append(ops, porcupine.Operation{ClientId: int(c.Thread), Input: in, Call: c.CallTick, Output: out, Return: ret})
	}
	for i := range calls {
		c := &calls[i]
		switch c.Kind {
		case sim.CallCreate:
			add(c, model.Input{Kind: model.Create, Worker: c.Worker}, model.Output{Code: c.Result})
		case sim.CallCheckTerminate:
			add(c, model.Input{Kind: model.CheckTerminate, Worker: c.Worker}, model.Output{Flag: c.Result != 0})
		case sim.CallExit:
			ops = append(ops, porcupine.Operation{ClientId: int(c.Thread), Call: c.CallTick, Return: c.CallTick,
				Input: model.Input{Kind: model.Exit, Thread: int(c.Thread), Worker: c.Worker, Tick: c.CallTick,
					Gone: goneTick(c.Thread, c.CallTick, events)}, Output: model.Output{}})
		case sim.CallTerminate:
			add(c, model.Input{Kind: model.TerminateSignal, Worker: c.Worker}, model.Output{})
			add(c, model.Input{Kind: model.TerminateReturn, Worker: c.Worker}, model.Output{})
		case sim.CallTerminateEx:
			if !c.WaitOnly {
				add(c, model.Input{Kind: model.ExSignal, Worker: c.Worker}, model.Output{})
			}
			add(c, model.Input{Kind: model.ExReturn, Worker: c.Worker, DeadlineTick: deadlineTick(c, events)},
				model.Output{Code: c.Result})
		case sim.CallWorkersTerminate:
			null, ws := false, make([]int, 0, len(c.Workers))
			for _, w := range c.Workers {
				if w < 0 {
					null = true
					continue
				}
				ws = append(ws, w)
			}
			if !c.WaitOnly && !null {
				// Per worker: the documented tier lets the signals of one
				// call land at different moments; rule P7 is checked apart.
				for _, w := range dedupe(ws) {
					add(c, model.Input{Kind: model.ExSignal, Worker: w}, model.Output{})
				}
			}
			add(c, model.Input{Kind: model.MultiReturn, Worker: -1, Workers: ws, NullEntry: null,
				DeadlineTick: deadlineTick(c, events)}, model.Output{Code: c.Result})
		}
	}
	// The model wants a worker index for MultiReturn too; use the first.
	for i := range ops {
		if in := ops[i].Input.(model.Input); in.Kind == model.MultiReturn && in.Worker < 0 {
			in.Worker = 0
			if len(in.Workers) > 0 {
				in.Worker = in.Workers[0]
			}
			ops[i].Input = in
		}
	}
	return ops
}

// dedupe returns ws without repeats, in first-seen order.
func dedupe(ws []int) []int {
	var out []int
	for _, w := range ws {
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

// deadlineTick returns the first tick within call c at which the virtual
// clock had reached c's start time plus its timeout, or 0 when the timeout
// is infinite or the clock never got there before c returned.
func deadlineTick(c *sim.Call, events []scheduler.Event) int64 {
	if c.Timeout == sim.Infinite {
		return 0
	}
	deadline := c.CallTime + int64(c.Timeout)
	last := int64(len(events)) - 1
	if c.Returned {
		last = c.ReturnTick
	}
	for tick := c.CallTick; tick <= last; tick++ {
		if events[tick].Time >= deadline {
			return tick
		}
	}
	return 0
}

// goneTick returns the tick at which thread th finished (its kernel object
// was signalled) at or after tick, or 0 when it had not finished by the end
// of the log.
func goneTick(th scheduler.ThreadID, tick int64, events []scheduler.Event) int64 {
	for i := max(tick, 0); i < int64(len(events)); i++ {
		if ev := events[i]; ev.Kind == scheduler.EvExit && ev.Thread == th {
			return i
		}
	}
	return 0
}
