package scenario

import "github.com/clussim/clussim/sim"

// Named returns the named scenarios in a stable order. The slice and
// everything in it are fresh on every call, so callers may modify them.
//
//   - resource-dll: a resource DLL's Online, Offline and Terminate entry
//     points sharing one struct over three cycles (D10, S1): Online creates a
//     polling worker and returns "pending", Offline terminates it and
//     creates an offline worker on the same struct, Online comes back; the
//     Terminate entry point calls ClusWorkerTerminate concurrently with a
//     pending Online and a pending Offline.
//   - racing-terminators: three threads call ClusWorkerTerminate at once on
//     one polling worker (D7): exactly one is first and waits.
//   - join: ClusWorkerTerminateEx(INFINITE, WaitOnly=TRUE) as a plain join
//     on a worker that ends on its own.
//   - multi-timeout: ClusWorkersTerminate with a timeout over two fast
//     pollers and two stubborn workers (one released after the call times
//     out) (D9, P7).
//   - self-terminate: a worker calls ClusWorkerTerminate on itself while its
//     owner's Offline races with it, then the struct is reused (P1).
//   - self-terminate-ex: a worker calls ClusWorkerTerminateEx(INFINITE) on
//     itself while a timed TerminateEx races with it (P1).
//   - reuse: one struct over five Online/Offline cycles with different
//     behaviours and Offline calls (S1, S2).
//   - create-fails: fault injection on, so CreateThread (and
//     DuplicateHandle) inside the implementation may fail; Create's result
//     is recorded and later terminate calls must return at once (P9).
//   - terminate-ex-race: two concurrent ClusWorkerTerminateEx callers with
//     timeouts 30 ms and 500 ms on a worker that ignores the flag for 100 ms
//     (P4): the first times out, the second succeeds.
//   - multi-null: ClusWorkersTerminate with a NULL entry (which must touch
//     nothing) and with an empty array, then a real call (P7).
//   - after-exit: terminate calls on a worker whose routine already
//     returned on its own (S2): none blocks, the handle is closed once.
//   - never-created: every terminate call on a struct that was never
//     created, alone and in an array with a live one (S1, P3).
//   - release-join: a join and a timed WaitOnly wait on a stubborn worker
//     that the timed waiter releases and the owner's Offline signals.
//   - self-workers-terminate: a worker calls ClusWorkersTerminate on
//     itself while another thread's ClusWorkersTerminate names it (P1).
//   - reuse-eager: one struct over three cycles whose routines check the
//     flag at their very first step, with no virtual time in between, so a
//     Create that resets the flag too late is seen (S1).
//   - multi-spin: ClusWorkersTerminate(INFINITE) over three workers that
//     check the flag at every step without sleeping, so a worker that sees
//     FALSE after another saw TRUE shows a signal that was not one step (P7).
//   - exit-race: a worker that ends on its own after 10 ms, a join waiting
//     on it from the start, and a TerminateEx and a ClusWorkersTerminate that
//     arrive at the very instant it ends (P2): the late callers read hThread
//     while the join closes it.
//   - stubborn-long: a worker that ignores its flag for four virtual
//     seconds, under every terminate function (D5, D8, D9): the first
//     Terminate must wait all that time, alone for its first 1.5 s.
//   - self-then-poll: three workers that each ask themselves to stop, one
//     with each terminate function, and then poll their flag (P1): every
//     later CheckTerminate must say TRUE.
//   - multi-spin-2: ClusWorkersTerminate(INFINITE) over two workers polling
//     without sleeping (P7).
//   - multi-overlap: two ClusWorkersTerminate calls on the same two workers,
//     in opposite orders, and a timed wait on one of them, all at once (P2,
//     P7).
//   - linger: a worker that takes 50 ms to finish after it sees TRUE, a
//     first Terminate, a second Terminate and a timed TerminateEx while it
//     finishes, and a join (D5, D6, D8).
//   - reuse-fast: one struct over four cycles, each created again the
//     moment the previous Offline call (TerminateEx, ClusWorkersTerminate,
//     Terminate) returned success (P2, S1): a clean-up still running after
//     that return would clear the new incarnation's hThread.
//   - timeout-at-exit: zero and one-millisecond timeouts at the instant a
//     worker ends, one call per worker, and a zero timeout on a worker that
//     has ended and whose handle nobody has closed yet (D8, P3).
func Named() []Scenario {
	return []Scenario{
		{
			Name: "resource-dll",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: poll(1, 10), OfflineDelay: 40, Offline: terminate(), Reap: true},
				{Behavior: finite(4, 10, 1), Reap: true},
				{Delay: 5, Behavior: poll(2, 10), OfflineDelay: 30, Offline: terminate()},
			}}},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 35),
				on(terminate(), 0, 1, 15),
			},
		},
		{
			Name:    "racing-terminators",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: poll(1, 5)}}}},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 10),
				on(terminate(), 0, 0, 10),
				on(terminate(), 0, 0, 12),
			},
		},
		{
			Name:        "join",
			Workers:     []Worker{{Cycles: []Cycle{{Behavior: finite(5, 5, 0)}}}},
			Terminators: []Terminator{on(terminateEx(sim.Infinite, true), 0, 0, 0)},
		},
		{
			Name: "multi-timeout",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: poll(1, 5)}}},
				{Cycles: []Cycle{{Behavior: poll(2, 3)}}},
				{Cycles: []Cycle{{Behavior: stubborn(20, 10, 1, false)}}},
				{Cycles: []Cycle{{Behavior: stubborn(0, 10, 1, true)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(50, false), Workers: []int{0, 1, 2, 3}, Delay: 10, Release: true},
			},
		},
		{
			Name: "self-terminate",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: selfTerminate(3, 5, 0, terminate()), OfflineDelay: 15, Offline: terminate(), Reap: true},
				{Behavior: poll(1, 5), OfflineDelay: 10, Offline: terminate()},
			}}},
		},
		{
			Name:        "self-terminate-ex",
			Workers:     []Worker{{Cycles: []Cycle{{Behavior: selfTerminate(2, 5, 0, terminateEx(sim.Infinite, false))}}}},
			Terminators: []Terminator{on(terminateEx(20, false), 0, 0, 8)},
		},
		{
			Name: "reuse",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: poll(1, 5), OfflineDelay: 20, Offline: terminate()},
				{Delay: 2, Behavior: finite(3, 5, 0), OfflineDelay: 30, Offline: terminate()},
				{Delay: 2, Behavior: stubborn(3, 5, 1, false), OfflineDelay: 5, Offline: terminateEx(sim.Infinite, false)},
				{Delay: 2, Behavior: poll(2, 3), OfflineDelay: 10, Offline: workersTerminate(sim.Infinite, false)},
				{Delay: 2, Behavior: poll(1, 5), OfflineDelay: 10, Offline: terminate()},
			}}},
		},
		{
			Name:   "create-fails",
			Faults: true,
			Workers: []Worker{
				{Cycles: []Cycle{
					{Behavior: poll(1, 5), OfflineDelay: 10, Offline: terminate(), Reap: true},
					{Behavior: finite(2, 5, 1), Offline: terminate(), Reap: true},
					{Behavior: poll(1, 5), OfflineDelay: 10, Offline: terminateEx(15, false)},
				}},
				{Cycles: []Cycle{{Behavior: selfTerminate(1, 5, 0, terminate())}}},
			},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 0),
				on(terminateEx(20, false), 0, 1, 0),
				on(terminate(), 1, 0, 3),
			},
		},
		{
			Name:    "terminate-ex-race",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: stubborn(10, 10, 1, false)}}}},
			Terminators: []Terminator{
				on(terminateEx(30, false), 0, 0, 0),
				on(terminateEx(500, false), 0, 0, 0),
			},
		},
		{
			Name: "multi-null",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: poll(1, 5)}}},
				{Cycles: []Cycle{{Behavior: poll(2, 5)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0, NullWorker, 1}, Delay: 5},
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{}},
				{Action: workersTerminate(100, false), Workers: []int{0, 1}, Delay: 30},
			},
		},
		{
			Name:    "after-exit",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: finite(2, 5, 0)}}}},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 20),
				on(terminateEx(0, false), 0, 0, 25),
				on(terminate(), 0, 0, 25),
				on(terminateEx(sim.Infinite, true), 0, 0, 30),
			},
		},
		{
			Name: "never-created",
			Workers: []Worker{
				{},
				{Cycles: []Cycle{{Behavior: poll(1, 5), OfflineDelay: 20, Offline: terminate()}}},
			},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 0),
				on(terminateEx(10, false), 0, 0, 0),
				on(terminateEx(sim.Infinite, true), 0, 0, 0),
				{Action: workersTerminate(0, false), Workers: []int{0}},
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0, 1}, Delay: 10},
			},
		},
		{
			Name: "release-join",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: stubborn(2, 5, 1, true), OfflineDelay: 5, Offline: terminate()},
			}}},
			Terminators: []Terminator{
				on(terminateEx(sim.Infinite, true), 0, 0, 0),
				{Action: terminateEx(20, true), Workers: []int{0}, Release: true},
			},
		},
		{
			Name: "reuse-eager",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: finite(30, 0, 1), Offline: terminate()},
				{Behavior: finite(30, 0, 1), Offline: terminate()},
				{Behavior: finite(30, 0, 1), Offline: terminateEx(sim.Infinite, false)},
			}}},
		},
		{
			Name: "multi-spin",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: finite(200, 0, 1)}}},
				{Cycles: []Cycle{{Behavior: finite(200, 0, 1)}}},
				{Cycles: []Cycle{{Behavior: finite(200, 0, 1)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0, 1, 2}},
			},
		},
		{
			Name: "self-workers-terminate",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: selfTerminate(2, 5, 0, workersTerminate(sim.Infinite, false))}}},
				{Cycles: []Cycle{{Behavior: poll(1, 5)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(50, false), Workers: []int{0, 1}, Delay: 8},
			},
		},
		{
			Name:    "exit-race",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: finite(1, 10, 0)}}}},
			Terminators: []Terminator{
				on(terminateEx(sim.Infinite, true), 0, 0, 0),
				on(terminateEx(sim.Infinite, false), 0, 0, 10),
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0}, Delay: 10},
			},
		},
		{
			Name:    "stubborn-long",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: stubborn(2, 2000, 1, false)}}}},
			Terminators: []Terminator{
				on(terminate(), 0, 0, 10),
				on(terminateEx(sim.Infinite, false), 0, 0, 1500),
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0}, Delay: 1600},
				on(terminateEx(sim.Infinite, true), 0, 0, 1700),
			},
		},
		{
			Name: "self-then-poll",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: checkAfter(selfTerminate(1, 5, 0, terminate()), 2)}}},
				{Cycles: []Cycle{{Behavior: checkAfter(selfTerminate(1, 5, 0, terminateEx(sim.Infinite, false)), 2)}}},
				{Cycles: []Cycle{{Behavior: checkAfter(selfTerminate(1, 5, 0, workersTerminate(sim.Infinite, false)), 2)}}},
			},
		},
		{
			Name: "multi-spin-2",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: finite(200, 0, 1)}}},
				{Cycles: []Cycle{{Behavior: finite(200, 0, 1)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0, 1}},
			},
		},
		{
			Name: "multi-overlap",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: poll(1, 5)}}},
				{Cycles: []Cycle{{Behavior: poll(1, 5)}}},
			},
			Terminators: []Terminator{
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{0, 1}, Delay: 10},
				{Action: workersTerminate(sim.Infinite, false), Workers: []int{1, 0}, Delay: 10},
				{Action: workersTerminate(20, true), Workers: []int{0}, Delay: 10},
			},
		},
		{
			Name:    "linger",
			Workers: []Worker{{Cycles: []Cycle{{Behavior: linger(poll(1, 10), 5)}}}},
			Terminators: []Terminator{
				on(terminateEx(sim.Infinite, true), 0, 0, 0),
				on(terminate(), 0, 0, 5),
				on(terminate(), 0, 0, 15),
				on(terminateEx(30, false), 0, 0, 20),
			},
		},
		{
			Name: "reuse-fast",
			Workers: []Worker{{Cycles: []Cycle{
				{Behavior: poll(1, 5), OfflineDelay: 7, Offline: terminateEx(sim.Infinite, false)},
				{Behavior: poll(1, 5), OfflineDelay: 7, Offline: workersTerminate(sim.Infinite, false)},
				{Behavior: poll(1, 5), OfflineDelay: 7, Offline: terminate()},
				{Behavior: poll(1, 5), OfflineDelay: 7, Offline: terminateEx(sim.Infinite, false)},
			}}},
		},
		{
			Name: "timeout-at-exit",
			Workers: []Worker{
				{Cycles: []Cycle{{Behavior: finite(1, 10, 0)}}},
				{Cycles: []Cycle{{Behavior: finite(1, 10, 0)}}},
				{Cycles: []Cycle{{Behavior: finite(1, 10, 0)}}},
				{Cycles: []Cycle{{Behavior: finite(1, 5, 0)}}},
			},
			Terminators: []Terminator{
				on(terminateEx(0, false), 0, 0, 10),
				on(terminateEx(1, true), 1, 0, 10),
				{Action: workersTerminate(0, false), Workers: []int{2}, Delay: 10},
				on(terminateEx(0, true), 3, 0, 10),
			},
		},
	}
}

// Summary describes the named scenario called name in one line, with the
// rules it exercises; false when there is no such scenario.
func Summary(name string) (string, bool) {
	switch name {
	case "resource-dll":
		return "Online/Offline/Terminate entry points share one struct over three cycles (D10, S1)", true
	case "dup-fails-race":
		return "benchmark: fault injection, a TerminateEx and a Terminate at once, so one's DuplicateHandle fails while the other closes (P2)", true
	case "racing-terminators":
		return "three threads call ClusWorkerTerminate at once; exactly one is first (D7)", true
	case "join":
		return "ClusWorkerTerminateEx(INFINITE, WaitOnly) as a plain join on a finite worker", true
	case "multi-timeout":
		return "ClusWorkersTerminate with a timeout over fast pollers and stubborn workers (D9, P7)", true
	case "self-terminate":
		return "a worker calls ClusWorkerTerminate on itself while Offline races with it (P1)", true
	case "self-terminate-ex":
		return "a worker calls ClusWorkerTerminateEx(INFINITE) on itself, racing a timed call (P1)", true
	case "reuse":
		return "one struct over five Online/Offline cycles with different calls (S1, S2)", true
	case "create-fails":
		return "fault injection: CreateThread and DuplicateHandle may fail inside the implementation (P9)", true
	case "terminate-ex-race":
		return "two ClusWorkerTerminateEx callers, 30 ms and 500 ms, on a stubborn worker (P4)", true
	case "multi-null":
		return "ClusWorkersTerminate with a NULL entry and with an empty array (P7)", true
	case "after-exit":
		return "terminate calls after the routine returned on its own: none blocks (S2)", true
	case "never-created":
		return "every terminate call on a struct that was never created (S1, P3)", true
	case "release-join":
		return "a join and a timed WaitOnly wait on a stubborn worker released by the waiter", true
	case "reuse-eager":
		return "one struct over three cycles whose routines check the flag at once: a late reset shows (S1)", true
	case "multi-spin":
		return "ClusWorkersTerminate(INFINITE) over three workers polling without sleeping (P7)", true
	case "self-workers-terminate":
		return "a worker calls ClusWorkersTerminate on itself while another call names it (P1)", true
	case "exit-race":
		return "a TerminateEx and a ClusWorkersTerminate arrive as the worker ends, while a join waits (P2)", true
	case "stubborn-long":
		return "every terminate function on a worker that ignores its flag for four virtual seconds (D5)", true
	case "self-then-poll":
		return "workers ask themselves to stop with each function, then poll the flag (P1)", true
	case "multi-spin-2":
		return "ClusWorkersTerminate(INFINITE) over two workers polling without sleeping (P7)", true
	case "multi-overlap":
		return "two ClusWorkersTerminate calls on the same workers at once (P2, P7)", true
	case "linger":
		return "a worker that finishes its work for 50 ms after it sees TRUE, under several calls (D5, D6)", true
	case "reuse-fast":
		return "one struct created again the moment each Offline call returned success (P2, S1)", true
	case "timeout-at-exit":
		return "zero and 1 ms timeouts at the instant a worker ends, and on an ended worker (D8, P3)", true
	}
	return "", false
}

// Names returns the names of the named scenarios, in the order of [Named].
func Names() []string {
	all := Named()
	names := make([]string, len(all))
	for i, s := range all {
		names[i] = s.Name
	}
	return names
}

// Lookup returns a fresh copy of the named or benchmark scenario called
// name, and false when there is none.
func Lookup(name string) (Scenario, bool) {
	for _, s := range append(Named(), Benchmark()...) {
		if s.Name == name {
			return s, true
		}
	}
	return Scenario{}, false
}

// Constructors that keep the table above readable.

func poll(every int, sleep uint32) Behavior {
	return Behavior{Kind: Poll, Every: every, Sleep: sleep}
}

func finite(steps int, sleep uint32, every int) Behavior {
	return Behavior{Kind: Finite, Steps: steps, Sleep: sleep, Every: every}
}

func stubborn(steps int, sleep uint32, every int, untilRelease bool) Behavior {
	return Behavior{Kind: Stubborn, Steps: steps, Sleep: sleep, Every: every, UntilRelease: untilRelease}
}

func selfTerminate(steps int, sleep uint32, every int, self Action) Behavior {
	return Behavior{Kind: SelfTerminate, Steps: steps, Sleep: sleep, Every: every, Self: self}
}

func checkAfter(b Behavior, n int) Behavior { b.CheckAfter = n; return b }

func linger(b Behavior, n int) Behavior { b.Linger = n; return b }

func terminate() Action { return Action{Call: CallTerminate} }

func terminateEx(timeout uint32, waitOnly bool) Action {
	return Action{Call: CallTerminateEx, Timeout: timeout, WaitOnly: waitOnly}
}

func workersTerminate(timeout uint32, waitOnly bool) Action {
	return Action{Call: CallWorkersTerminate, Timeout: timeout, WaitOnly: waitOnly}
}

// on is a terminator making call a on struct wi's cycle ci after delay ms.
func on(a Action, wi, ci int, delay uint32) Terminator {
	return Terminator{Action: a, Workers: []int{wi}, Cycle: ci, Delay: delay}
}
