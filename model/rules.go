package model

import (
	"strconv"
	"strings"
)

// Tier says how firmly a rule is grounded. A failure report names the tier of
// the rule it breaks, so that an implementer can hold an implementation to
// the documented tier alone.
type Tier int

const (
	// Documented rules restate what Microsoft's public pages say, or what
	// its public SDK samples rely on.
	Documented Tier = iota + 1
	// Safe rules are this project's decisions where the pages are silent;
	// each extends the documented tier without contradicting it.
	Safe
)

// String returns "documented" or "safe", or "Tier(N)" for another value.
func (t Tier) String() string {
	switch t {
	case Documented:
		return "documented"
	case Safe:
		return "safe"
	}
	return "Tier(" + strconv.Itoa(int(t)) + ")"
}

// Rule is one entry of the rule table: a rule of the CLUS_WORKER contract or
// one of the checks the simulator makes.
type Rule struct {
	// ID is the rule's identifier, such as D5, P1 or LIN.
	ID RuleID
	// Tier is the rule's tier.
	Tier Tier
	// Title is a one-line name for reports.
	Title string
	// Source is the public page the rule comes from (for a safe rule: the
	// page whose silence it fills), or "clussim" for the simulator's own
	// checks.
	Source string
	// Text states the rule in one or two sentences, in this project's
	// words. The package documentation gives the full account.
	Text string
	// InModel reports that the porcupine model of this package can reject
	// a breach of the rule, which then shows up as a LIN failure. Other
	// rules are checked elsewhere (by the engine or the property harness);
	// the model may still encode what they allow (D6, S2), so that it never
	// rejects a run that keeps them.
	InModel bool
	// Engine reports that the rule stands for a failure of the run itself
	// (a deadlock, a run past its step bound, a panic, an escape) rather
	// than a clause of the contract. Such failures are reported whatever
	// the tier filter, since a crash, a hang or an escape is a defect under
	// any reading of the documents.
	Engine bool
}

// RuleID names a rule of the table: a documented rule (D1..D10, S1, S2), a
// safe rule (P1..P10), or one of the simulator's own checks (LIN, DEADLOCK,
// STEPBOUND, PANIC, RACE, ESCAPE). Its string form is what reports and
// trace files show.
type RuleID string

// The rules of the table, in its order.
const (
	D1        RuleID = "D1"
	D2        RuleID = "D2"
	D3        RuleID = "D3"
	D4        RuleID = "D4"
	D5        RuleID = "D5"
	D6        RuleID = "D6"
	D7        RuleID = "D7"
	D8        RuleID = "D8"
	D9        RuleID = "D9"
	D10       RuleID = "D10"
	S1        RuleID = "S1"
	S2        RuleID = "S2"
	P1        RuleID = "P1"
	P2        RuleID = "P2"
	P3        RuleID = "P3"
	P4        RuleID = "P4"
	P5        RuleID = "P5"
	P6        RuleID = "P6"
	P7        RuleID = "P7"
	P8        RuleID = "P8"
	P9        RuleID = "P9"
	P10       RuleID = "P10"
	LIN       RuleID = "LIN"
	DEADLOCK  RuleID = "DEADLOCK"
	STEPBOUND RuleID = "STEPBOUND"
	PANIC     RuleID = "PANIC"
	RACE      RuleID = "RACE"
	ESCAPE    RuleID = "ESCAPE"
)

// Public pages that the rules cite.
const (
	pageCreate         = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercreate"
	pageCheck          = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkercheckterminate"
	pageTerminate      = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminate"
	pageTerminateEx    = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkerterminateex"
	pageWorkersTerm    = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nf-resapi-clusworkersterminate"
	pageStruct         = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/ns-resapi-clus_worker"
	pageStartRoutine   = "https://learn.microsoft.com/en-us/windows/win32/api/resapi/nc-resapi-pworker_start_routine"
	pagePendingOps     = "https://learn.microsoft.com/en-us/previous-versions/windows/desktop/mscs/implementing-pending-operations"
	pageResDLLExamples = "https://msdn.microsoft.com/library/aa370474"
	pageTerminateThr   = "https://learn.microsoft.com/en-us/windows/win32/api/processthreadsapi/nf-processthreadsapi-terminatethread"
	sourceSim          = "clussim"
)

// Rules returns the rule table, in the order D1..D10, S1, S2, P1..P10, LIN,
// DEADLOCK, STEPBOUND, PANIC, RACE, ESCAPE. Each call returns a fresh slice
// that the caller may modify.
func Rules() []Rule {
	return []Rule{
		{ID: D1, Tier: Documented, Title: "Create starts the routine on a zeroed struct", Source: pageCreate, InModel: true,
			Text: "ClusWorkerCreate is given a zero-filled CLUS_WORKER, starts a thread that runs the start routine with the struct and the parameter, records the thread handle and a FALSE flag, and returns ERROR_SUCCESS or a Win32 error code."},
		{ID: D2, Tier: Documented, Title: "The routine's return value is not reported", Source: pageStartRoutine,
			Text: "The start routine returns ERROR_SUCCESS or a Win32 code, and no CLUS_WORKER function passes that value on."},
		{ID: D3, Tier: Documented, Title: "CheckTerminate reads the flag", Source: pageCheck, InModel: true,
			Text: "ClusWorkerCheckTerminate returns TRUE exactly when the Terminate member is set, telling the routine it should stop, and FALSE otherwise."},
		{ID: D4, Tier: Documented, Title: "Callers never write the struct", Source: pageStruct,
			Text: "Code outside the CLUS_WORKER functions only reads the struct; only those functions write its members."},
		{ID: D5, Tier: Documented, Title: "The first Terminate signals, then waits for the exit", Source: pageTerminate, InModel: true,
			Text: "A ClusWorkerTerminate that finds hThread non-NULL and the flag FALSE is the first: it sets the flag and does not return until the routine has returned."},
		{ID: D6, Tier: Documented, Title: "Any other Terminate returns at once", Source: pageTerminate,
			Text: "A ClusWorkerTerminate that finds the flag already TRUE, or hThread NULL, does not wait for the thread and may return while the routine still runs."},
		{ID: D7, Tier: Documented, Title: "Exactly one Terminate caller is first", Source: pageStruct, InModel: true,
			Text: "The flag lets several threads call ClusWorkerTerminate on one worker at once; exactly one of them is first and waits, the others return without waiting."},
		{ID: D8, Tier: Documented, Title: "TerminateEx signals unless WaitOnly, then waits up to a timeout", Source: pageTerminateEx, InModel: true,
			Text: "ClusWorkerTerminateEx with WaitOnly FALSE sets the flag before it waits; with WaitOnly TRUE it only waits. It returns ERROR_SUCCESS once the thread has ended, WAIT_TIMEOUT if the thread had not ended when the timeout ran out, or another error code."},
		{ID: D9, Tier: Documented, Title: "WorkersTerminate applies TerminateEx to an array under one timeout", Source: pageWorkersTerm, InModel: true,
			Text: "ClusWorkersTerminate does what ClusWorkerTerminateEx does for each worker of an array of pointers, under a single timeout for the whole call: ERROR_SUCCESS when every thread ended, WAIT_TIMEOUT when at least one had not ended in time."},
		{ID: D10, Tier: Documented, Title: "Resource DLLs run long Online/Offline work on a worker that Terminate cancels", Source: pagePendingOps,
			Text: "An Online or Offline entry point that needs more than about 300 ms starts a worker and returns ERROR_IO_PENDING; the worker checks the flag between long steps, and the Terminate entry point, which may run at the same time as Online or Offline, stops it with ClusWorkerTerminate."},
		{ID: S1, Tier: Documented, Title: "A struct is reused: Terminate, then Create again", Source: pageResDLLExamples, InModel: true,
			Text: "The samples terminate a worker and create it again in the same struct, so Terminate on a zeroed or finished worker is harmless and Create resets the whole struct, flag FALSE, before the new thread can read it."},
		{ID: S2, Tier: Documented, Title: "Terminate after the routine ended on its own", Source: pageTerminate,
			Text: "When the routine has already returned, a later Terminate neither blocks nor closes the handle a second time; callers never close hThread themselves."},
		{ID: P1, Tier: Safe, Title: "A worker terminating itself does not deadlock", Source: pageTerminate, InModel: true,
			Text: "ClusWorkerTerminate called by the worker's own thread sets the flag and returns without waiting. TerminateEx and WorkersTerminate called by a worker on itself set the flag (unless WaitOnly) and return ERROR_POSSIBLE_DEADLOCK at once."},
		{ID: P2, Tier: Safe, Title: "The thread handle is closed exactly once", Source: pageStruct,
			Text: "hThread is closed once over the worker's life, by the call that sees the thread end (or by the implementation when the routine returns), and is NULL when that call returns; no call waits on a closed handle, and none is closed while a thread waits on it."},
		{ID: P3, Tier: Safe, Title: "TerminateEx results are honest and bounded by the timeout", Source: pageTerminateEx, InModel: true,
			Text: "TerminateEx on a NULL hThread returns ERROR_SUCCESS at once. ERROR_SUCCESS means the thread had ended; WAIT_TIMEOUT means it was still running when the timeout had passed on the virtual clock. Neither function returns later than its timeout on that clock."},
		{ID: P4, Tier: Safe, Title: "Concurrent TerminateEx callers each wait their own timeout", Source: pageTerminateEx,
			Text: "Several threads may call TerminateEx on one worker at once; each waits up to its own timeout, none returns early because another is waiting."},
		{ID: P5, Tier: Safe, Title: "A non-first Terminate never blocks on the thread", Source: pageTerminate,
			Text: "A Terminate that is not first finishes in a bounded number of its own steps even when the routine never returns."},
		{ID: P6, Tier: Safe, Title: "Every handle is closed after the final clean-up", Source: pageTerminateEx,
			Text: "Each run ends with ClusWorkerTerminateEx(INFINITE, FALSE) on every struct it used, as a resource DLL's Close would; after that no handle the implementation opened may remain open."},
		{ID: P7, Tier: Safe, Title: "WorkersTerminate signals all workers in one step; empty and NULL arrays", Source: pageWorkersTerm, InModel: true,
			Text: "With WaitOnly FALSE, WorkersTerminate sets every flag of the array in one step, before it waits on any thread. An empty array returns ERROR_SUCCESS; an array holding a NULL pointer returns ERROR_INVALID_PARAMETER and changes nothing."},
		{ID: P8, Tier: Safe, Title: "CheckTerminate is called by the worker on its own struct", Source: pageCheck,
			Text: "The contract covers a worker checking its own flag; checking another thread's struct is outside it."},
		{ID: P9, Tier: Safe, Title: "A failed Create leaves nothing running", Source: pageCreate, InModel: true,
			Text: "When CreateThread fails, Create returns its code (ERROR_NOT_ENOUGH_MEMORY in the simulator), no routine runs, hThread stays NULL and a later Terminate returns at once. ERROR_SUCCESS from Create means the routine will run."},
		{ID: P10, Tier: Safe, Title: "A worker is never ended with TerminateThread", Source: pageTerminateThr,
			Text: "The implementation ends a worker only by raising its flag and waiting for its routine to return; it never calls TerminateThread on a worker's thread, which the TerminateThread page calls dangerous: the routine's clean-up never runs, and the locks it holds stay held."},
		{ID: LIN, Tier: Documented, Title: "The run is linearizable against the model", Source: sourceSim, InModel: true,
			Text: "The history of Create, CheckTerminate, Terminate, TerminateEx and WorkersTerminate calls and routine exits of a run must be linearizable against this package's model."},
		{ID: DEADLOCK, Tier: Safe, Engine: true, Title: "No deadlock", Source: sourceSim,
			Text: "The run never reaches a point where every live thread is blocked with no timed wait left to expire."},
		{ID: STEPBOUND, Tier: Safe, Engine: true, Title: "The run ends within its step bound", Source: sourceSim,
			Text: "The run completes within the engine's bound on scheduling steps; a thread that spins without blocking starves the virtual clock and is reported by name."},
		{ID: PANIC, Tier: Safe, Engine: true, Title: "No panic in simulated code", Source: sourceSim,
			Text: "No simulated thread, implementation or scenario code panics."},
		{ID: RACE, Tier: Safe, Title: "No data race on the plain CLUS_WORKER fields", Source: sourceSim,
			Text: "Unsynchronized conflicting accesses to hThread or Terminate (plain fields, not atomics) by two threads are a data race."},
		{ID: ESCAPE, Tier: Safe, Engine: true, Title: "Simulated code never blocks on real Go primitives", Source: sourceSim,
			Text: "Simulated code must block only through the simulator's own primitives; blocking on a real channel, mutex or sleep escapes the scheduler."},
	}
}

// JoinRuleIDs joins rule IDs with sep, as strings.Join joins strings.
func JoinRuleIDs(ids []RuleID, sep string) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(string(id))
	}
	return b.String()
}

// LookupRule returns the rule with the given ID, and false when there is
// none.
func LookupRule(id RuleID) (Rule, bool) {
	for _, r := range Rules() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
