// Package sim is the simulated Win32 kernel that CLUS_WORKER
// implementations are written against: "Win32 in a bottle".
//
// An implementation of the five functions is a [WorkerAPI]. Its code runs on
// simulated threads: every kernel call is a method of the calling
// [*Thread] (CreateThread, WaitForSingleObject, WaitForMultipleObjects,
// CloseHandle, DuplicateHandle, GetThreadID, CurrentThreadID, Sleep,
// CreateEvent, SetEvent, ResetEvent), critical sections are
// [CriticalSection] values, and shared memory is [Cell] values: one word
// each, with plain (Load, Store) and interlocked (AtomicLoad, AtomicStore,
// CompareAndSwap, Swap) accesses. [ClusWorker] is CLUS_WORKER in that memory.
//
// Every kernel call and every Cell access is a scheduling point: the
// scheduler (package scheduler) may run other threads before it takes
// effect. Between two scheduling points a thread runs alone, so plain Go code
// there is atomic; everything shared between threads must therefore live in
// Cells, critical sections and kernel objects, or the simulation cannot see
// the race.
//
// # What the kernel checks
//
// Handles are multiples of four and never reused within a run, so a use after
// close is always visible. Closing a handle that is not open, waiting on one,
// using one, closing a handle another thread is blocked waiting on, and
// leaving a critical section one does not own are recorded as [Fault]s (the
// call fails as Windows would, and the run goes on). Every Cell access goes
// through a happens-before race detector (vector clocks over thread creation
// and exit, waits, events, critical sections and interlocked operations on
// the same cell); conflicting accesses that nothing orders, at least one plain
// and one a write, are recorded as [Race]s. [Result.Handles] tells which
// handles the implementation left open.
//
// # Time and faults
//
// Time is virtual, in milliseconds: it advances only when every thread is
// blocked, and then jumps to the earliest deadline, so Sleep and timed waits
// cost nothing and never make a test flaky. With [Config.Faults] on,
// CreateThread and DuplicateHandle calls made inside the implementation
// (the harness marks where its calls begin and end) fail with
// ErrorNotEnoughMemory whenever the strategy decides so, which makes the
// failure paths part of the schedule.
//
// # Running a program
//
// [Run] (or a reusable [Simulator]) runs a main function as the first
// simulated thread under a strategy and returns a [Result]: the scheduler's
// log and decisions, the faults, the races and the handles. [Harness] calls a
// WorkerAPI on behalf of test programs and records the history that package
// properties checks. A *Thread must only be used by the code running on it;
// calling into the simulation from a goroutine of one's own, or blocking on
// real Go primitives, is caught and reported as an escape.
package sim
