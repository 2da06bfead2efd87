package model_test

import (
	"fmt"

	"github.com/clussim/clussim/model"

	"github.com/anishathalye/porcupine"
)

// Example checks two runs of the same scenario: thread 1 creates worker 0,
// thread 3 terminates it, and the worker's routine (thread 2) sees the flag
// and returns. In the first run the Terminate returns after the routine has
// exited; in the second it returns before, which D5 forbids for the first
// caller.
func Example() {
	run := func(terminateReturn, exitTick int64) []porcupine.Operation {
		op := func(in model.Input, out model.Output, call, ret int64) porcupine.Operation {
			return porcupine.Operation{ClientId: in.Thread, Input: in, Output: out, Call: call, Return: ret}
		}
		return []porcupine.Operation{
			op(model.Input{Kind: model.Create, Thread: 1, Call: 1, Worker: 0},
				model.Output{Code: model.ErrorSuccess}, 1, 2),
			// ClusWorkerTerminate call #2, split into its two halves over
			// the same interval.
			op(model.Input{Kind: model.TerminateSignal, Thread: 3, Call: 2, Worker: 0},
				model.Output{}, 3, terminateReturn),
			op(model.Input{Kind: model.TerminateReturn, Thread: 3, Call: 2, Worker: 0},
				model.Output{}, 3, terminateReturn),
			op(model.Input{Kind: model.CheckTerminate, Thread: 2, Call: 3, Worker: 0, Self: true},
				model.Output{Flag: true}, 4, 5),
			op(model.Input{Kind: model.Exit, Thread: 2, Worker: 0, Tick: exitTick},
				model.Output{}, exitTick, exitTick),
		}
	}

	good := run(10, 6) // the routine exits at tick 6, Terminate returns at 10
	bad := run(6, 8)   // Terminate returns at 6, the routine exits at 8

	fmt.Println("waits for the exit:", model.Check(good))
	fmt.Println("returns before the exit:", model.Check(bad))
	r, _ := model.LookupRule("D5")
	fmt.Printf("%s (%s): %s\n", r.ID, r.Tier, r.Title)
	// Output:
	// waits for the exit: Ok
	// returns before the exit: Illegal
	// D5 (documented): The first Terminate signals, then waits for the exit
}
