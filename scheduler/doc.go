// Package scheduler runs simulated threads one at a time under a controlled,
// deterministic schedule.
//
// A simulated thread is a [Task]. It runs ordinary Go code until it reaches a
// scheduling point ([Task.Step] or [Task.Block]); there it hands control back
// to the [Engine], which asks a [Strategy] which enabled task runs next. Each
// task is a coroutine (built on iter.Pull), so a scheduling step costs at
// most one coroutine switch and never involves a real goroutine race. When
// the strategy keeps the current task running (most decisions of PCT, DFS,
// replays and shrunk schedules), the decision is made on the task's own
// goroutine and the step costs no switch at all.
//
// The package knows nothing of Win32 or CLUS_WORKER: the operations a task
// performs are opaque names and integer arguments that the engine writes to
// its event log. Package sim builds the simulated kernel on top of it.
//
// # Strategies
//
// One file per strategy, all behind [Strategy]: [Random] (uniform random
// walk), [PCT] (priorities and change points), [POS] (partial order
// sampling), [URW] (uniform over interleavings, learnt from earlier runs),
// [DFS] (every schedule within a preemption bound), [DPOR] (one schedule
// per class of equivalent schedules, within a bound or without one) and
// [Replay]. A strategy that serves several runs owns the policy from one
// run to the next, so a driver is a plain loop of [Engine.Run] calls.
//
// # What a run records
//
// Every step, every block, wake-up, clock jump, thread start and exit, every
// decision of the strategy and every annotation made with [Task.Note] is an
// [Event] in the run's log; its index in the log is its "tick", a logical
// clock that orders everything that happened in the run. Every decision is
// also a [Decision] in a separate list, which is all that [Replay] needs to
// reproduce the run exactly.
//
// # Virtual time
//
// The engine keeps a virtual clock in milliseconds. It advances only when no
// task is enabled and at least one blocked task has a deadline; it then jumps
// to the earliest deadline. Time therefore costs nothing, and a timed wait
// never counts as a deadlock.
//
// # Failures the engine detects
//
// A run ends early with a [Failure] on a deadlock (nothing enabled, no
// deadline pending, some task blocked), when it exceeds the step bound (a
// livelock or an endless loop; the report names the task that was spinning),
// on a panic in simulated code (message and stack), and on an escape:
// simulated code that blocks on real Go primitives or real time, or that
// calls into the simulation from a goroutine of its own. A call from a
// goroutine of its own is caught at the call. The rest is found by a
// watchdog, so the harness never hangs: a run that makes no scheduling step
// for [Config.Watchdog] of real time (DefaultWatchdog, 3s) is suspect, and
// it is reported when, at two looks in a row, the process has meanwhile
// used half that in CPU time (a loop that never calls the simulation) or a
// goroutine dump shows one of the run's tasks blocked on a real primitive
// (the report names the wait, "T3 is blocked in chan receive"); a run that
// makes no step for ten times the period is reported on no such evidence,
// unless the dump shows it waiting for a CPU. A machine so loaded that it
// starves the process slows runs down but does not make them escapes. On
// every path the engine stops every task it started, so nothing is left
// running, with one exception: a run whose goroutine stays stuck on a real
// primitive is abandoned. Go cannot stop that goroutine, nor the engine's
// goroutine parked on its coroutine until it switches back; the watchdog
// stops every other task, and the engine that saw it refuses further runs.
// The [Result] of an abandoned run ([Result.Abandoned]) is built from what
// the run published as it went, one atomic store a step, never from state
// the stuck goroutine still owns: the log and the decisions up to the last
// scheduling point the run reached, its names and operations, and the step
// it was stuck in.
//
// # Replays that must follow a log
//
// A [Replay] repeats a run's decisions; [Config.Expect] also holds the run
// to its recorded log. The engine then compares every event with the
// recorded one as soon as the event is final and fails the run, as
// [Diverged] with an error that wraps [ErrDiverged], at the first one that
// differs: a replay never runs on past the point where it left its
// recording.
//
// # Determinism
//
// Given the same program and the same strategy state, a run produces the same
// log, byte for byte. The engine uses no wall clock (the watchdog, which
// reads the wall clock, the process's CPU time and goroutine dumps, only
// ever turns a hang into a failure), no map iteration and no randomness of
// its own.
package scheduler
