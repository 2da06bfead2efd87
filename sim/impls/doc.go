// Package impls holds implementations of the CLUS_WORKER functions
// ([sim.WorkerAPI]) written against the simulated kernel: the reference
// implementation the spec points at, three further correct designs, the
// historical ("literal") logic, and a catalogue of buggy variants, each a
// realistic mistake that breaks one named rule of the spec.
//
// The rules are the ones of package model: D1-D10 and S1-S2 (documented
// tier), P1-P9 (safe tier), plus LIN, DEADLOCK and RACE for what the
// simulator itself checks.
//
// # The implementations
//
//   - [Reference] uses interlocked operations on the two struct members, a
//     reference count ("pins") that protects the stored handle while a call
//     duplicates it, and a small critical section ("the signal gate") that
//     makes ClusWorkersTerminate's signal of all its workers one step (P7).
//   - [Guarded] keeps every member under one critical section owned by the
//     implementation value; all struct accesses are plain loads and stores
//     made while holding it.
//   - [SelfClosing] lets the worker thread close its own handle when its
//     routine returns; terminators only ever wait on duplicates.
//   - [ExitEvent] waits on an auto-reset "exited" event that the worker's
//     wrapper sets when the routine returns, instead of on the thread; each
//     waiter it releases sets it again for the next.
//   - [Literal] is the documented logic written the way it historically
//     was: plain reads and writes, no self-call check. It closes the handle
//     twice when terminators race and deadlocks when a worker terminates
//     itself.
//
// Almost every buggy variant is a copy of one method of [Reference] with
// one mistake in it (marked "BUG:" in the source); a few are whole designs
// with one mistake. [All] lists them with the rules they break.
//
// # Preconditions the implementations rely on
//
// The scenario preconditions of the spec: a terminate function is called on
// a struct only after its Create returned; Create is never called on a
// struct whose routine is still running; CheckTerminate is called by the
// worker on its own struct (P8).
package impls
