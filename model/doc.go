// Package model is the specification of the Windows CLUS_WORKER functions
// (resapi.h, resutils.dll): the rules an implementation must keep, written
// out for the people who implement them, and a porcupine model that checks
// the Terminate-flag part of those rules against recorded histories.
//
// Everything below restates public Microsoft documentation and the public
// SDK samples in this project's own words, plus the project's decisions
// where the documents say nothing. Each rule has an ID, a tier and a source;
// [Rules] returns the same table for reports, and the IDs are the ones a
// failing run cites.
//
// # The API in brief
//
// A CLUS_WORKER is a two-member struct that a resource DLL keeps for a
// background thread:
//
//	typedef struct _CLUS_WORKER {
//	    HANDLE hThread;   // the worker thread, NULL when there is none
//	    BOOL   Terminate; // "please stop", set by the terminate functions
//	} CLUS_WORKER, *PCLUS_WORKER;
//
// Five functions work on it:
//
//	DWORD ClusWorkerCreate(PCLUS_WORKER w, PWORKER_START_ROUTINE routine, PVOID param);
//	BOOL  ClusWorkerCheckTerminate(PCLUS_WORKER w);
//	VOID  ClusWorkerTerminate(PCLUS_WORKER w);
//	DWORD ClusWorkerTerminateEx(PCLUS_WORKER w, DWORD timeoutMs, BOOL waitOnly);   // Server 2016
//	DWORD ClusWorkersTerminate(PCLUS_WORKER *ws, size_t n, DWORD timeoutMs, BOOL waitOnly); // Server 2016
//
// and the routine has the shape
//
//	DWORD WINAPI routine(PCLUS_WORKER w, LPVOID param);
//
// The life of one worker: Create starts a thread running the routine; the
// routine does its work in steps and asks CheckTerminate between steps
// whether it should stop; some other thread (typically the resource DLL's
// Terminate or Offline entry point) calls one of the terminate functions,
// which raise the flag and, depending on the function and on who got there
// first, wait for the thread to end. The struct may then be used again for
// the next Create.
//
// # Tiers
//
// Documented rules (tier "documented", IDs D1-D10 and S1-S2) say what the
// public pages say or what the public samples depend on. Safe rules (tier
// "safe", IDs P1-P10) are decisions of this project where the pages are
// silent; each one only narrows the documented behaviour, never contradicts
// it. A report names the tier of the rule a run breaks, so an implementation
// can be held to the documented tier alone.
//
// # Documented rules
//
// D1 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercreate).
// ClusWorkerCreate expects a struct filled with zeros. It starts a new
// thread that calls routine(w, param), stores that thread's handle in
// hThread and FALSE in Terminate, and returns ERROR_SUCCESS, or a Win32
// error code when it could not start the thread.
//
// D2 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nc-resapi-pworker_start_routine).
// The routine returns ERROR_SUCCESS or a Win32 error code. Nothing in the
// CLUS_WORKER family hands that value back to anyone.
//
// D3 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercheckterminate).
// ClusWorkerCheckTerminate answers TRUE when the thread has been asked to
// stop, which is to say when the Terminate member is set, and FALSE when it
// is not.
//
// D4 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/ns-resapi-clus_worker).
// Code that uses the functions never writes to the struct; to it the struct
// is read-only, and only the functions change its members.
//
// D5 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate).
// A ClusWorkerTerminate call that finds hThread non-NULL and Terminate FALSE
// is the first one. It sets Terminate to TRUE and then waits until the
// thread has exited; only after that does it return.
//
// D6 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate).
// Every other ClusWorkerTerminate call, one that finds Terminate already
// TRUE or hThread NULL, does not wait for the thread. It may return while
// the thread is still running.
//
// D7 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/ns-resapi-clus_worker).
// The flag is there so that several threads can call ClusWorkerTerminate on
// the same worker at the same time without harm: exactly one of them is the
// first caller of D5, and all the others are callers of D6.
//
// D8 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminateex).
// ClusWorkerTerminateEx with WaitOnly FALSE first raises the flag and then
// waits for the thread, for at most the timeout. With WaitOnly TRUE it only
// waits, leaving the flag alone. It returns ERROR_SUCCESS when the thread
// has ended, WAIT_TIMEOUT (258) when the thread did not end within the
// timeout, and some other Win32 code when it fails. (Versions of the page
// from 2018 placed the signal at the end of the timeout; the current page
// places it before the wait, and the current page is what this project
// follows.)
//
// D9 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkersterminate).
// ClusWorkersTerminate takes an array of pointers to CLUS_WORKER structs and
// does what D8 says for each of them, with one timeout that covers the whole
// call rather than one per worker. It returns ERROR_SUCCESS when every
// thread ended and WAIT_TIMEOUT when at least one of them had not ended when
// the timeout ran out.
//
// D10 (documented; sources: https://learn.microsoft.com/en-us/previous-versions/windows/desktop/mscs/implementing-pending-operations,
// https://learn.microsoft.com/en-us/previous-versions/windows/desktop/mscs/implementing-online,
// https://learn.microsoft.com/en-us/previous-versions/windows/desktop/mscs/implementing-terminate).
// This is the use the functions were made for. A resource DLL's Online or
// Offline entry point that needs more than about 300 ms hands its work to a
// worker made with ClusWorkerCreate and returns ERROR_IO_PENDING at once.
// The worker calls ClusWorkerCheckTerminate between its long steps. The
// DLL's Terminate entry point may be called while Online or Offline is still
// running, and it cancels the pending work with ClusWorkerTerminate.
//
// # Rules the SDK samples depend on
//
// S1 (documented; sources: the Resource DLL Examples, https://msdn.microsoft.com/library/aa370474,
// and https://learn.microsoft.com/en-us/previous-versions/windows/desktop/mscs/implementing-pending-operations).
// The samples terminate a worker and then create it again in the very same
// struct, over and over, as a resource goes online, offline and online
// again. Two things follow. Terminate on a struct that is all zeros, or
// whose thread has already finished, must be a harmless no-op. And Create
// must initialize the whole struct again, Terminate back to FALSE, before
// the new thread can look at it: the new routine must never see the flag
// left over from the previous round.
//
// S2 (documented; source: https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate).
// When the routine has returned by itself, a Terminate that comes later does
// not block and does not close the thread handle a second time. Callers
// never close hThread themselves; the functions own it.
//
// # Safe-tier decisions
//
// P1 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate).
// A worker may terminate itself without hanging. ClusWorkerTerminate called
// from the worker's own thread sets the flag and returns without waiting
// (a thread waiting for its own exit would wait forever; the historical
// behaviour does exactly that). ClusWorkerTerminateEx and
// ClusWorkersTerminate called by a worker on itself set the flag, unless
// WaitOnly is TRUE, and return ERROR_POSSIBLE_DEADLOCK (1131) immediately.
//
// P2 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/ns-resapi-clus_worker).
// The handle in hThread is closed exactly once in the worker's life. The
// call that sees the thread end, the first Terminate or a TerminateEx or
// WorkersTerminate that returns ERROR_SUCCESS for it, closes the handle and
// sets hThread to NULL, unless the implementation already did so when the
// routine returned: when such a call returns, every struct it names has
// hThread NULL (a handle left behind would be closed again, or a stale
// clean-up would clear the next incarnation's). No call waits on a handle
// after it has been closed, and no handle is closed while some thread is
// blocked waiting on it; a waiter that does not own the handle waits on a
// duplicate of its own.
//
// P3 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminateex).
// ClusWorkerTerminateEx on a struct whose hThread is NULL (never created, or
// already terminated) returns ERROR_SUCCESS at once. ERROR_SUCCESS always
// means the thread has exited. WAIT_TIMEOUT means the thread was still
// running at a moment when at least the timeout had passed on the virtual
// clock. Neither TerminateEx nor WorkersTerminate returns later than its
// timeout on that clock.
//
// P4 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminateex).
// Several TerminateEx calls on one worker at the same time each wait up to
// their own timeout. Unlike the non-first callers of Terminate, none of them
// returns early just because another call is already waiting.
//
// P5 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate).
// A Terminate that is not the first returns within a bounded number of its
// own steps even if the routine never ends: it never blocks on the thread.
//
// P6 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminateex).
// Every simulated run ends, once all other threads are done, with
// ClusWorkerTerminateEx(INFINITE, FALSE) on every struct the run used, the
// way a resource DLL's Close entry point would clean up. After that, every
// handle the implementation opened must be closed; a handle still open is a
// leak.
//
// P7 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkersterminate).
// ClusWorkersTerminate with WaitOnly FALSE raises the flags of all its
// workers before it waits on any of them, and does so as one step: once one
// worker of the call has seen TRUE, no other worker of the call may still
// see FALSE. An empty array returns ERROR_SUCCESS. An array that holds a
// NULL pointer returns ERROR_INVALID_PARAMETER (87) and changes nothing.
//
// P8 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercheckterminate).
// ClusWorkerCheckTerminate is called by the worker's routine on its own
// struct. Checking some other thread's struct is not covered by the
// contract.
//
// P9 (safe; extends https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercreate).
// When CreateThread fails (the simulated kernel can be told to fail it with
// ERROR_NOT_ENOUGH_MEMORY, 8), ClusWorkerCreate returns that code, no thread
// runs, hThread stays NULL, and a later Terminate on the struct returns at
// once. Conversely, ERROR_SUCCESS from Create promises that the routine will
// run.
//
// P10 (safe; https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminatethread).
// The implementation never ends a worker's thread with TerminateThread: a
// worker stops only by returning from its routine once its flag is raised.
// The TerminateThread page calls the function dangerous: the routine's
// clean-up never runs and the locks it holds stay held. A Terminate that
// gives up waiting and kills the thread breaks this rule.
//
// # Precise meanings
//
// "The thread has exited" means its routine has returned; the harness sees
// that moment directly and records it as an Exit operation. The
// implementation may run a few more steps of its own on that thread after
// the routine returns (say, a wrapper that closes its handle) before the
// kernel thread object becomes signalled. That is allowed; the rules speak
// about the routine's return.
//
// WAIT_TIMEOUT is a correct answer when some target thread had not yet
// exited at the moment the timeout ran out on the virtual clock, even if
// the thread exits afterwards and before the call returns.
//
// Time is virtual. The clock moves only when every simulated thread is
// blocked, and then it jumps to the next timed wake-up. A routine's "work"
// is therefore a Sleep of some virtual milliseconds between checks of the
// flag. A thread that spins without ever blocking stops the clock; the
// engine reports that as a livelock that names the spinning thread, and it
// is not counted against the implementation.
//
// Fault injection, such as a failing CreateThread or DuplicateHandle,
// applies only to kernel calls made inside the implementation under test,
// never to the scenario's own threads and events. When DuplicateHandle
// fails, a waiter may wait on the stored handle itself; a correct
// implementation then puts off closing that handle until such waiters are
// done. WaitForMultipleObjects refuses the same handle twice in one array.
//
// # Preconditions
//
// Scenarios keep these, so an implementation may rely on them, and a run
// that breaks one is a scenario bug, not an implementation bug:
//
//   - Terminate (of any flavour) is called on a struct only after that
//     struct's Create has returned. This includes a worker terminating
//     itself: the routine first waits for a "created" event that the
//     creating thread sets after Create returns.
//   - Create is not called on a struct whose thread is still live.
//   - TerminateEx(INFINITE, WaitOnly TRUE) is used only on a worker that ends
//     by itself or that some other thread signals; otherwise the join would
//     wait forever, by the caller's own fault.
//   - The array passed to ClusWorkersTerminate names each struct at most
//     once. The page of ClusWorkersTerminate is silent; this project makes
//     it a precondition because the function is documented as waiting on
//     the workers' threads under one timeout, and WaitForMultipleObjects,
//     the documented way to do that, refuses an array that "contain[s]
//     multiple copies of the same handle"
//     (https://learn.microsoft.com/en-us/windows/win32/api/synchapi/nf-synchapi-waitformultipleobjects).
//     A caller that names a struct twice is outside the contract, so the
//     rules define no result for it and the scenarios never do it (an
//     implementation may treat the repeat as one struct, as the reference
//     does, or fail the call).
//   - ClusWorkerCheckTerminate is called by a worker on its own struct
//     (rule P8).
//
// # Simulator rules
//
// Besides the contract, each run is checked for these; they too carry IDs:
//
//   - LIN (documented): the history of the run is linearizable against the
//     model of this package ([New]).
//   - DEADLOCK (safe): the run never reaches a state where every live
//     thread is blocked with no timed wait left that could wake one.
//   - STEPBOUND (safe): the run finishes within the engine's step bound.
//   - PANIC (safe): no simulated code panics.
//   - RACE (safe): no data race on the plain fields hThread and Terminate.
//   - ESCAPE (safe): simulated code never blocks on a real Go primitive
//     (channel, mutex, time.Sleep) behind the scheduler's back.
//
// # What the model checks
//
// The porcupine model returned by [New] rejects breaches of the rules that
// can be judged from what each call returned and when: D1, D3, D5, D7, D8,
// D9, S1, P1 (ERROR_POSSIBLE_DEADLOCK only for self calls), P3 (the meaning
// of the codes), P7 (empty and NULL arrays; the one-step signal when the
// harness marks it, see below) and P9. A breach of one of these shows up as
// a LIN failure, and porcupine's visualization shows which operation could
// not be placed.
//
// D6 and S2 are encoded as permissions: the model accepts a non-first
// Terminate that returns while the routine runs, and a Terminate after the
// routine ended. Their breaches are a call that waits when it should not, or
// a handle closed twice; a linearizability check cannot see those (returning
// later is always allowed), so P5, DEADLOCK and P2 catch them. Likewise a
// worker's own Terminate that waits for itself (against P1) never returns
// and shows up as DEADLOCK.
//
// The model does not look at D2, D4, D10, P2, P4, P5, P6, P8 or the "no
// later than the timeout" half of P3: those are about handles, step counts
// and memory accesses, and the engine and the property harness check them,
// under the IDs above. [Rule.InModel] marks the rules the model rejects
// breaches of.
//
// # The model's state
//
// For every CLUS_WORKER struct, by index, the model keeps:
//
//   - created: the current incarnation comes from a successful Create, so
//     hThread was non-NULL (false for a zeroed struct and after a failed
//     Create);
//   - flag: the Terminate member;
//   - exited, exitTick: the current incarnation's routine has returned, and
//     the tick at which its thread was gone (Input.Gone: the thread may run
//     a few steps of the implementation's own after the routine returns);
//   - first: the id of the ClusWorkerTerminate call that raised the flag in
//     this incarnation (0 if none did);
//   - aliveAt: the latest deadline at which a WAIT_TIMEOUT result already
//     placed said the routine was still running (see "Virtual time in the
//     model");
//   - signaled: the ids of calls whose signal half has been placed and
//     whose return half has not.
//
// A struct the history never names is all zeros, and states that differ only
// in trailing all-zero structs are equal.
//
// # Operations and the decomposition
//
// Porcupine checks that the operations of a history can be put in one
// sequence, each at a single point inside its own [Call, Return] interval,
// such that the sequence obeys a sequential specification. Most calls fit
// that picture: Create, CheckTerminate, an Exit (an instant), a non-first
// Terminate. The first ClusWorkerTerminate does not. It raises the flag, the
// worker must be able to see TRUE and finish, and only then does the call
// return. Put the whole call at one point and that point must come before
// the worker's CheckTerminate that saw TRUE (which needs the flag) and after
// the worker's Exit (which the call waits for); but the CheckTerminate
// happens before the Exit in the worker's own program order. No single point
// works. The same holds for TerminateEx and WorkersTerminate with WaitOnly
// FALSE when they return ERROR_SUCCESS.
//
// So the harness splits each of these calls into two operations over the
// same interval [callTick, returnTick], tied by the call's id:
//
//   - a signal half (TerminateSignal, or ExSignal for TerminateEx and for
//     each worker of WorkersTerminate) that stands for the moment the call
//     tests and raises the flag;
//   - a return half (TerminateReturn, ExReturn, MultiReturn) that stands for
//     the moment it decides what to return.
//
// The model lets a return half be placed only after its own signal half
// (the call's id is in signaled), so each call's two points come in order,
// and checks the return's conditions against the state at that point. The
// rules then read:
//
//   - Create: success starts a fresh incarnation, created with the flag
//     FALSE, not exited, no first call (D1, S1); failure leaves a struct
//     with no thread (P9).
//   - CheckTerminate: needs a created struct and returns the flag (D3). If
//     the caller is the worker itself (Self), the routine must not have
//     returned yet; this ties the check to the current incarnation, so a
//     new routine that reads the previous round's flag during Create is
//     caught (S1).
//   - Exit: needs a created struct whose routine has not already returned;
//     it must come after any aliveAt deadline.
//   - TerminateSignal: on a created struct with the flag FALSE it raises the
//     flag and records the call as first (D5, D7); otherwise it changes
//     nothing (D6, S1, S2, P9).
//   - TerminateReturn: the first call may return only once the routine has
//     returned (D5), unless it is the worker's own call (P1); any other call
//     may return at any time (D6).
//   - ExSignal: raises the flag of a created struct (D8, D9). It never makes
//     the call "first": a later Terminate finds the flag TRUE and is not
//     first either.
//   - ExReturn: ERROR_SUCCESS needs a struct with no running thread, never
//     created or routine returned (D8, P3); WAIT_TIMEOUT needs a created
//     struct, a deadline reached before the return, and a routine that had
//     not returned by that deadline (D8, P3); ERROR_POSSIBLE_DEADLOCK needs a
//     call by the worker on itself (P1). Any other code is wrong.
//   - MultiReturn: a NULL entry needs ERROR_INVALID_PARAMETER and changes
//     nothing (P7). Otherwise ERROR_SUCCESS needs every listed struct free of
//     a running thread, which an empty array trivially is (D9, P7);
//     WAIT_TIMEOUT needs a reached deadline and at least one listed, created
//     struct whose routine had not returned by then (D9, P3);
//     ERROR_POSSIBLE_DEADLOCK needs a self call (P1). Any other code is
//     wrong.
//
// P7 asks that WorkersTerminate raise all its flags in one step. With one
// ExSignal per worker the model cannot see that (each may be placed at its
// own point). If the harness also fills Input.Workers on the ExSignal
// operations of a WorkersTerminate call, the first of them raises all the
// flags at one point and the rest change nothing, so a worker of the call
// that reads FALSE after another worker of the call read TRUE makes the
// history illegal.
//
// # Virtual time in the model
//
// Porcupine's Call and Return are logical ticks: one counter over the whole
// run that increases at every recorded event, so each event has its own
// tick. The virtual clock in milliseconds is a separate thing; the model
// never sees milliseconds. What it needs from the clock is one tick per
// timed call: Input.DeadlineTick, the tick at which the virtual clock first
// reached the call's start time plus its timeout, or 0 if that did not
// happen before the call returned (always 0 for INFINITE).
//
// WAIT_TIMEOUT is then judged against ticks. A thread gone at an exitTick
// after the deadline tick was still running when time ran out, as far as a
// wait on it can tell, even if its routine had already returned (an
// implementation's thread wrapper may close its own handle first); one gone
// at or before the deadline was not, and WAIT_TIMEOUT is wrong even though
// the exit falls inside the call's interval. ERROR_SUCCESS, on the other
// hand, only needs the routine to have returned. When WAIT_TIMEOUT is placed
// before the worker's Exit, the model cannot yet tell, so it records the
// deadline in aliveAt and only accepts an Exit whose thread is gone later. For
// WorkersTerminate, where one late worker suffices, the model keeps one
// candidate state for each worker that could be the late one.
//
// # Calls that never returned
//
// A run may end with calls still blocked. The harness closes each of them
// with Return one tick after the run's last tick and Output.Unknown set, and
// the model accepts such a call as having taken no effect: an unknown
// CheckTerminate, TerminateReturn, ExReturn or MultiReturn leaves the state
// as it was. An unknown Create may have taken effect as a success, as a
// failure, or not at all, and the model keeps all three possibilities.
// Signal halves have no output and always apply; one whose call never got
// as far as the flag can be placed last, where it affects nothing.
//
// # Partitioning
//
// The history is split into parts that share no struct: two structs fall in
// one part when an operation names both (a MultiReturn, or an ExSignal with
// Workers), directly or through other structs; see [Partition]. Each part
// is checked on its own, which is exact (P-compositionality) because the
// model's state is a product of per-struct states and every operation
// reads and writes only the structs it names. A WorkersTerminate over w0
// and w1 thus couples those two and leaves every other struct a part of
// its own.
//
// # Checking with a budget
//
// Porcupine's search can take time exponential in the number of calls that
// overlap, so [CheckBudget] gives it a budget in model steps (one step is
// one application of the specification to one state), never in wall time:
// the same history and budget give the same verdict and the same step
// counts on any machine. The parts are checked one after the other, the
// smallest first, each with an equal share of what the others left; a
// part whose share runs out is [Undecided], which is neither a failure nor
// a pass. [DefaultBudget] keeps a check that runs out within a few tenths
// of a second.
//
// The checker also prunes the search where it can prove a branch dead. A
// ClusWorkerTerminate that returned, not by the worker on itself, and that
// no Exit or Create of its struct overlaps cannot have been the first call
// on a running routine (D5: the first waits for the exit). Told so, the
// model refuses it as the first at once, instead of letting porcupine try
// every order of the other calls before the call's return shows the dead
// end; with it, racing terminators are checked in a few steps per call.
// The pruning never changes a verdict.
//
// # Using the package
//
// Build a []porcupine.Operation whose Input is an [Input] and whose Output is
// an [Output], check it with [Validate] in harness tests, and call
// [CheckBudget], or [CheckVerboseBudget], whose linearization information
// goes to porcupine.Visualize with [New] as the model. [Check] and
// [CheckVerbose] are the same without a budget, so their answer is always
// porcupine.Ok or porcupine.Illegal, but they may run for a long time.
package model
