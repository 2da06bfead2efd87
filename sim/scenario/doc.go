// Package scenario describes the thread programs that exercise a
// CLUS_WORKER implementation, and turns them into runnable simulated
// programs.
//
// A [Scenario] is plain data: JSON-serialisable with stable field order and
// no functions, so that a trace can record it, a generator can draw it and a
// shrinker can shrink it. [Scenario.Program] turns it into the main function
// of a simulated run over a fresh [sim.Harness], which records every
// CLUS_WORKER call as a history.
//
// # The threads of a run
//
// The main thread creates the scenario's own events, starts one owner
// thread per worker struct that has at least one cycle and one thread per
// [Terminator], waits for all of them, and then performs the clean-up of
// rule P6: ClusWorkerTerminateEx(INFINITE, FALSE) on every struct, in index
// order.
//
// The owner thread of struct s plays the resource DLL's Online and Offline
// entry points. For each [Cycle] (incarnation) in order it sleeps the
// cycle's Delay, calls ClusWorkerCreate, sets the cycle's "created" event
// (whatever Create returned: rule P9 wants a later terminate call on a
// struct whose Create failed to return at once), sleeps OfflineDelay,
// performs the Offline action, waits for every terminator thread of that
// cycle, and, when Reap is set, calls ClusWorkerTerminateEx(INFINITE, FALSE)
// before the next cycle.
//
// The worker thread runs the cycle's [Behavior]; a terminator thread waits
// for the "created" events of its targets, sleeps its Delay, makes its call
// and, when Release is set, sets the release events of its targets. All
// work is virtual: a step of a worker is a Sleep of Behavior.Sleep virtual
// milliseconds, so thousands of runs take seconds.
//
// # Preconditions every valid scenario keeps
//
// The CLUS_WORKER functions have preconditions that the callers, not the
// implementation, must keep. [Scenario.Validate] rejects every scenario
// that could break one, so a failure found with a valid scenario is the
// implementation's fault:
//
//   - A terminate call (ClusWorkerTerminate, ClusWorkerTerminateEx,
//     ClusWorkersTerminate) acts on a struct only after that struct's
//     Create has returned. Terminators wait for the cycle's "created" event;
//     a self-terminating worker waits for it too. A struct with no cycles
//     is never created; calls on it see a zeroed struct.
//   - Create is never called on a live struct, nor concurrently with a
//     terminate call on it: the owner waits for the terminators of a cycle
//     before the next Create, and the worker of the previous cycle has
//     exited and its handle has been closed by then (the Offline action
//     guarantees it, or Reap is required).
//   - ClusWorkerTerminateEx or ClusWorkersTerminate with an INFINITE
//     timeout and WaitOnly TRUE (a join) is made only on a worker that ends
//     on its own (finite, self-terminate) or that another thread signals
//     (the owner's Offline action or a terminator that sets the flag), since
//     otherwise the join would wait forever by the caller's own fault. A
//     worker never joins itself.
//   - A stubborn worker that waits for its release event has at least one
//     terminator that sets it after a call with a finite timeout.
//   - Every behaviour exits once its flag is set (after its stubborn
//     phase, and after the Linger steps of work it finishes first), so a
//     correct implementation always finishes the run. A routine that never
//     exits is outside the contract (nothing could ever terminate it);
//     a long Linger or stubborn phase, which costs no real time, stands
//     for it.
//   - CheckTerminate is only called by a worker on its own struct (rule
//     P8); an array passed to ClusWorkersTerminate names a struct at most
//     once.
//
// # Generated scenarios
//
// [Generate] draws a small valid scenario from a seed and [Draw] draws the
// same space with rapid generators, so that rapid can shrink a failing
// scenario. Besides free draws within [Limits], a few choices aim at the
// edges where real bugs live: a terminator that arrives at the instant its
// target's bounded phase ends (a finite routine returning while another
// call waits), zero and 1 ms timeouts, routines that keep working for a
// while after they see TRUE, self-calls followed by polling, and
// ClusWorkersTerminate arrays of up to four structs, and in one scenario
// in four a single routine that ignores its flag for a step of
// [Limits.LongSleep] (seconds: one such routine with one long step, so
// that the others, polling every virtual ms meanwhile, stay far inside the
// step bound that reports livelocks); each such choice's
// simplest value is the plain one, so shrinking removes it when it is not
// needed. Both draw freely within [Limits] and then repair the few
// parameters that would break a precondition (a join becomes a timed wait,
// a cycle gets Reap), so every scenario they return is valid.
package scenario
