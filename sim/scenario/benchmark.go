package scenario

import "github.com/clussim/clussim/sim"

// Benchmark returns the scenarios of the bug benchmark, fresh copies in a
// stable order: shapes that the named scenarios lack and that bugs of the
// benchmark (package impls, Benchmark) need. They are not among [Named], so
// the battery and go test do not run them; "simrun bench" explores them
// with the named ones, and [Lookup] finds them.
//
//   - dup-fails-race: fault injection on, a TerminateEx(INFINITE) and a
//     Terminate at once on a worker that polls, so that one caller's
//     DuplicateHandle may fail while the other observes the exit and closes
//     the stored handle (P2).
func Benchmark() []Scenario {
	return []Scenario{
		{
			Name:    "dup-fails-race",
			Faults:  true,
			Workers: []Worker{{Cycles: []Cycle{{Behavior: poll(1, 5)}}}},
			Terminators: []Terminator{
				on(terminateEx(sim.Infinite, false), 0, 0, 5),
				on(terminate(), 0, 0, 5),
			},
		},
	}
}
