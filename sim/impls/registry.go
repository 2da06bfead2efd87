package impls

import (
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/sim"
)

// Entry describes one implementation in the catalogue.
type Entry struct {
	// Name identifies the implementation, e.g. "reference", "literal" or
	// "bug-early-return".
	Name string
	// Summary says in one line what the implementation is, and for a buggy
	// one what its mistake is.
	Summary string
	// Correct is true for the reference and the correct alternatives.
	Correct bool
	// Breaks lists the IDs of the rules a run of the implementation is
	// expected to break (D1-D10, S1, S2, P1-P9, LIN, DEADLOCK, RACE), the
	// rule the mistake is about first. It is empty for correct entries.
	Breaks []model.RuleID
	// New returns a fresh value of the implementation; call it once per
	// simulated run.
	New func() sim.WorkerAPI
}

// bug wraps a buggy variant's constructor.
func bug(f func(r *Reference) sim.WorkerAPI) func() sim.WorkerAPI {
	return func() sim.WorkerAPI { return f(NewReference()) }
}

// All returns the catalogue, built afresh on every call, in a stable order:
// the correct implementations first, then Literal, then the buggy variants
// grouped by the function they get wrong.
func All() []Entry {
	return []Entry{
		{Name: "reference", Correct: true,
			Summary: "interlocked members, pinned handle reads with deferred close, gated multi-signal; the implementation the spec points at",
			New:     func() sim.WorkerAPI { return NewReference() }},
		{Name: "guarded", Correct: true,
			Summary: "every member access under one critical section owned by the implementation",
			New:     func() sim.WorkerAPI { return NewGuarded() }},
		{Name: "self-closing", Correct: true,
			Summary: "the worker thread clears hThread and closes its own handle when the routine returns; terminators wait on duplicates",
			New:     func() sim.WorkerAPI { return NewSelfClosing() }},
		{Name: "exit-event", Correct: true,
			Summary: "the worker's wrapper sets an auto-reset \"exited\" event that every terminate call waits on, each released waiter setting it again for the next",
			New:     func() sim.WorkerAPI { return NewExitEvent() }},
		{Name: "literal",
			Summary: "the historical logic: plain reads and writes, no self check; racing terminators close twice, a self-terminate deadlocks",
			Breaks:  []model.RuleID{model.P1, model.P2, model.D7, model.RACE, model.P7, model.LIN, model.STEPBOUND},
			New:     func() sim.WorkerAPI { return NewLiteral() }},

		// Create and CheckTerminate.
		{Name: "bug-no-reset", Breaks: []model.RuleID{model.S1, model.D5},
			Summary: "Create never resets Terminate, so a reused struct starts its new routine with the old TRUE",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugNoReset{r} })},
		{Name: "bug-late-reset", Breaks: []model.RuleID{model.S1},
			Summary: "Create resets Terminate only after the thread is started, so the new routine may see the old TRUE",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugLateReset{r} })},
		{Name: "bug-reuse-rejected", Breaks: []model.RuleID{model.S1},
			Summary: "Create insists on a zeroed struct and refuses one that a Terminate left with Terminate TRUE",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugReuseRejected{r} })},
		{Name: "bug-create-ignores-error", Breaks: []model.RuleID{model.P9},
			Summary: "Create returns ERROR_SUCCESS even when CreateThread failed",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugCreateIgnoresError{r} })},
		{Name: "bug-create-invalid-handle", Breaks: []model.RuleID{model.P9, model.P2},
			Summary: "a failed Create stores INVALID_HANDLE_VALUE (the CreateFile convention) in hThread instead of leaving it NULL",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugCreateInvalidHandle{r} })},
		{Name: "bug-plain-flag-load", Breaks: []model.RuleID{model.RACE},
			Summary: "CheckTerminate reads the flag with a plain load",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugPlainFlagLoad{r} })},

		// Terminate.
		{Name: "bug-early-return", Breaks: []model.RuleID{model.D5, model.P2},
			Summary: "the first Terminate sets the flag and returns without waiting for the thread to exit (or closing its handle)",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugEarlyReturn{r} })},
		{Name: "bug-non-first-waits", Breaks: []model.RuleID{model.P5, model.D6},
			Summary: "a Terminate that finds the flag already TRUE still waits for the thread",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugNonFirstWaits{r} })},
		{Name: "bug-check-then-set", Breaks: []model.RuleID{model.D7, model.P5},
			Summary: "Terminate elects the first caller with a load then a store, so two callers can both be first",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugCheckThenSet{r} })},
		{Name: "bug-self-deadlock", Breaks: []model.RuleID{model.P1, model.DEADLOCK},
			Summary: "Terminate has no self-call check; a worker terminating itself waits for itself forever",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugSelfDeadlock{r} })},
		{Name: "bug-handle-not-cleared", Breaks: []model.RuleID{model.P2},
			Summary: "Terminate closes the handle but leaves hThread naming it, so a later call uses and closes it again",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugHandleNotCleared{r} })},
		{Name: "bug-terminate-gives-up", Breaks: []model.RuleID{model.D5},
			Summary: "the first Terminate waits for the thread for one virtual second at most, then returns",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugTerminateGivesUp{r, false} })},
		{Name: "bug-terminate-kills", Breaks: []model.RuleID{model.P10, model.D5, model.D8, model.D9, model.LIN},
			Summary: "the first Terminate waits for the thread for one virtual second, then ends it with TerminateThread",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugTerminateGivesUp{r, true} })},
		{Name: "bug-terminate-grace", Breaks: []model.RuleID{model.D5},
			Summary: "the first Terminate waits until the worker has seen the flag, then only 20 ms more for the thread to end",
			New:     bug(newBugTerminateGrace)},

		// TerminateEx.
		{Name: "bug-plain-flag-store", Breaks: []model.RuleID{model.RACE},
			Summary: "TerminateEx raises the flag with a plain store",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugPlainFlagStore{r} })},
		{Name: "bug-ex-double-close", Breaks: []model.RuleID{model.P2},
			Summary: "TerminateEx closes the handle after a load-compare-store of hThread, so two observers both close it",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExDoubleClose{r} })},
		{Name: "bug-ex-raw-wait", Breaks: []model.RuleID{model.P2},
			Summary: "TerminateEx waits on the stored handle instead of a duplicate, so it is closed while others wait on it",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExRawWait{r} })},
		{Name: "bug-ex-self-waits", Breaks: []model.RuleID{model.P1},
			Summary: "TerminateEx has no self-call check; a worker on itself waits out the timeout instead of returning ERROR_POSSIBLE_DEADLOCK",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExSelfWaits{r} })},
		{Name: "bug-ex-no-timeout", Breaks: []model.RuleID{model.P3},
			Summary: "TerminateEx ignores its timeout and waits until the thread exits",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExNoTimeout{r} })},
		{Name: "bug-ex-success-on-timeout", Breaks: []model.RuleID{model.D8},
			Summary: "TerminateEx returns ERROR_SUCCESS when its wait timed out",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExSuccessOnTimeout{r} })},
		{Name: "bug-ex-waitonly-signals", Breaks: []model.RuleID{model.D8},
			Summary: "TerminateEx raises the flag even with WaitOnly TRUE",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExWaitOnlySignals{r} })},
		{Name: "bug-ex-signal-late", Breaks: []model.RuleID{model.D8},
			Summary: "TerminateEx signals at the end of the timeout, as the 2018 pages said, instead of before the wait",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExSignalLate{r} })},
		{Name: "bug-ex-null-error", Breaks: []model.RuleID{model.P3},
			Summary: "TerminateEx on a struct with no thread returns ERROR_INVALID_HANDLE instead of ERROR_SUCCESS",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExNullError{r} })},
		{Name: "bug-ex-second-no-wait", Breaks: []model.RuleID{model.P4, model.D8, model.P3},
			Summary: "a TerminateEx with a finite timeout that finds the flag already raised only polls and returns WAIT_TIMEOUT early",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExSecondNoWait{r} })},
		{Name: "bug-ex-leak-duplicate", Breaks: []model.RuleID{model.P6},
			Summary: "TerminateEx never closes the duplicate handle it waited on",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExLeakDuplicate{r} })},
		{Name: "bug-ex-self-no-signal", Breaks: []model.RuleID{model.P1},
			Summary: "TerminateEx called by the worker on itself returns ERROR_POSSIBLE_DEADLOCK without raising the flag",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExSelfNoSignal{r} })},
		{Name: "bug-ex-read-then-pin", Breaks: []model.RuleID{model.P2},
			Summary: "TerminateEx reads hThread before pinning it, so a handle closed in between is duplicated or waited on",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExReadThenPin{r} })},
		{Name: "bug-ex-zero-no-test", Breaks: []model.RuleID{model.D8},
			Summary: "TerminateEx with a zero timeout returns WAIT_TIMEOUT without testing the thread, even when it has ended",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugExZeroNoTest{r} })},

		// WorkersTerminate.
		{Name: "bug-multi-per-worker-timeout", Breaks: []model.RuleID{model.D9, model.P3},
			Summary: "ClusWorkersTerminate gives each worker the whole timeout instead of one overall timeout",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiPerWorkerTimeout{r} })},
		{Name: "bug-multi-one-at-a-time", Breaks: []model.RuleID{model.P7},
			Summary: "ClusWorkersTerminate signals and waits for one worker at a time",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiOneAtATime{r} })},
		{Name: "bug-multi-split-signal", Breaks: []model.RuleID{model.P7},
			Summary: "ClusWorkersTerminate raises all flags before waiting, but one store at a time outside the gate, so not as one step",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiSplitSignal{r} })},
		{Name: "bug-multi-null-partial", Breaks: []model.RuleID{model.P7},
			Summary: "ClusWorkersTerminate signals the workers before it notices a NULL entry and returns ERROR_INVALID_PARAMETER",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiNullPartial{r} })},
		{Name: "bug-multi-empty-error", Breaks: []model.RuleID{model.P7},
			Summary: "ClusWorkersTerminate rejects an empty array with ERROR_INVALID_PARAMETER",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiEmptyError{r} })},
		{Name: "bug-multi-double-close", Breaks: []model.RuleID{model.P2},
			Summary: "ClusWorkersTerminate closes each ended thread's handle after a load-compare-store of hThread, so two overlapping calls both close it",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiDoubleClose{r} })},
		{Name: "bug-multi-signal-in-loop", Breaks: []model.RuleID{model.P7},
			Summary: "ClusWorkersTerminate raises each flag in the loop that duplicates the handles, so the flags go up one at a time",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiSignalInLoop{r} })},
		{Name: "bug-multi-static-buffer", Breaks: []model.RuleID{model.P2, model.P6, model.PANIC},
			Summary: "ClusWorkersTerminate keeps its handles in one buffer shared by all calls, like a static array in C",
			New:     bug(func(r *Reference) sim.WorkerAPI { return bugMultiStaticBuffer{r, &multiRef{}} })},

		// A whole design with one mistake.
		{Name: "bug-done-before-cleanup", Breaks: []model.RuleID{model.P2, model.D5, model.D8},
			Summary: "event-based, the worker cleans up after its routine, but it tells waiters it is done before its clean-up, which then clears hThread unchecked",
			New:     newBugDoneBeforeCleanup},
		{Name: "bug-exit-event-no-baton", Breaks: []model.RuleID{model.D8, model.DEADLOCK, model.D9, model.P3, model.LIN},
			Summary: "exit-event, but a waiter released by the auto-reset event does not set it again: of several waiters only one ever wakes",
			New: func() sim.WorkerAPI {
				x := NewExitEvent()
				x.noBaton = true
				return x
			}},
		{Name: "bug-multi-stale-cleanup", Breaks: []model.RuleID{model.D5},
			Summary: "as bug-done-before-cleanup, but only ClusWorkersTerminate returns before the clean-up (and clears hThread itself): a struct created again at once loses its new thread to the stale clean-up",
			New:     newBugMultiStaleCleanup},
	}
}

// Lookup returns the entry called name, in [All] or in [Benchmark].
func Lookup(name string) (Entry, bool) {
	for _, e := range append(All(), Benchmark()...) {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// Names returns the names of all entries, in the order of [All], then of
// [Benchmark].
func Names() []string {
	all := append(All(), Benchmark()...)
	names := make([]string, len(all))
	for i, e := range all {
		names[i] = e.Name
	}
	return names
}
