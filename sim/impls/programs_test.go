package impls

import (
	"fmt"

	"github.com/clussim/clussim/sim"
)

// The programs. Each lists the checks, beyond the generic ones, that a
// correct implementation must pass on it.

// progRace3: three threads call Terminate at once on one polling worker.
var progRace3 = program{
	name: "race3", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		var ths []sim.Handle
		for range 3 {
			ths = append(ths, e.spawn(func(t *sim.Thread) { e.h.Terminate(t, 0) }))
		}
		e.join(ths...)
		e.cleanup()
	},
	checks: []check{checkFirstTerminateWaits},
}

// checkFirstTerminateWaits (D5): the worker exits only once signalled and
// only Terminate signals it, so one of the Terminates is first, and that
// one returns only after the routine exited.
var checkFirstTerminateWaits = check{"first-terminate-waits", "D5", func(o *outcome) string {
	exit := o.exitTick(0, 0)
	if !o.createsOK() || exit < 0 {
		return ""
	}
	terms := o.callsOf(sim.CallTerminate, 0)
	for _, c := range terms {
		if !c.Returned || c.ReturnTick > exit {
			return ""
		}
	}
	return fmt.Sprintf("all %d Terminate calls returned before the routine exited at tick %d", len(terms), exit)
}}

// progStubborn: two Terminates at once on a worker that takes 1000 ms to
// exit after it sees the flag.
var progStubborn = program{
	name: "stubborn", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 1000))
		t1 := e.spawn(func(t *sim.Thread) { e.h.Terminate(t, 0) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.Terminate(t, 0) })
		e.join(t1, t2)
		e.cleanup()
	},
	checks: []check{checkFirstTerminateWaits, checkOneFirst, checkNonFirstNoWait},
}

// oneFirst: both Terminates start long before the exit; exactly one is
// first (D7), so the other returns at once (D6, P5), before the exit.
func oneFirst(o *outcome) string {
	exit := o.exitTick(0, 0)
	if !o.createsOK() || exit < 0 {
		return ""
	}
	terms := o.callsOf(sim.CallTerminate, 0)
	for _, c := range terms {
		if c.Returned && c.ReturnTick < exit {
			return ""
		}
	}
	return fmt.Sprintf("none of the %d Terminate calls returned before the routine exited at tick %d: more than one waited", len(terms), exit)
}

// checkOneFirst (D7) and checkNonFirstNoWait (P5) are the same
// observation, filed under the two rules it shows.
var (
	checkOneFirst       = check{"one-first", "D7", oneFirst}
	checkNonFirstNoWait = check{"non-first-no-wait", "P5", oneFirst}
)

// progSelf: the worker terminates itself with each function; the main
// thread waits until it has done so before the clean-up.
var progSelf = program{
	name: "self", workers: 1,
	body: func(e *env) {
		created := e.t.CreateEvent(true, false)
		done := e.t.CreateEvent(true, false)
		r := e.create(0, func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
			t.WaitForSingleObject(created, sim.Infinite)
			e.o.selfRan = true
			e.h.Terminate(t, 0)
			e.o.selfTermReturned = true
			e.o.selfEx = e.h.TerminateEx(t, 0, 50, false)
			e.o.selfExReturned = true
			e.o.selfMulti = e.h.WorkersTerminate(t, []int{0}, 50, false)
			e.o.selfMultiDone = true
			e.o.selfSawFlag = e.h.CheckTerminate(t, 0)
			t.SetEvent(done)
			return 0
		})
		e.t.SetEvent(created)
		if r == sim.ErrorSuccess {
			e.t.WaitForSingleObject(done, sim.Infinite)
		}
		e.cleanup()
		e.t.CloseHandle(created)
		e.t.CloseHandle(done)
	},
	checks: []check{checkSelfCalls},
}

// checkSelfCalls (P1): the worker's own calls do not wait for it:
// Terminate returns, TerminateEx and WorkersTerminate return
// ERROR_POSSIBLE_DEADLOCK, and the flag is set.
var checkSelfCalls = check{"self-calls", "P1", func(o *outcome) string {
	s := o.obs
	switch {
	case !s.selfRan:
		return ""
	case !s.selfTermReturned:
		return "the worker's Terminate on itself never returned"
	case !s.selfExReturned:
		return "the worker's TerminateEx on itself never returned"
	case s.selfEx != sim.ErrorPossibleDeadlock:
		return "the worker's TerminateEx on itself returned " + sim.ErrorName(s.selfEx)
	case !s.selfMultiDone:
		return "the worker's WorkersTerminate on itself never returned"
	case s.selfMulti != sim.ErrorPossibleDeadlock:
		return "the worker's WorkersTerminate on itself returned " + sim.ErrorName(s.selfMulti)
	case !s.selfSawFlag:
		return "the worker's own Terminate did not set the flag"
	}
	return ""
}}

// progMultiTimeout: ClusWorkersTerminate(100 ms) over a fast worker (20 ms
// to exit once signalled) and a stubborn one (1000 ms).
var progMultiTimeout = program{
	name: "multi-timeout", workers: 2,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 5, 20))
		e.create(1, poller(e.h, 1, 5, 1000))
		e.h.WorkersTerminate(e.t, []int{0, 1}, 100, false)
		e.cleanup()
	},
	checks: []check{checkMultiTimeout},
}

// checkMultiTimeout (D9; P3): the call has one overall timeout of 100 ms:
// it returns WAIT_TIMEOUT (the stubborn worker cannot finish in time)
// exactly when the 100 ms are up.
var checkMultiTimeout = check{"multi-one-timeout", "D9", func(o *outcome) string {
	if !o.createsOK() {
		return ""
	}
	for _, c := range o.callsOf(sim.CallWorkersTerminate, -1) {
		if !c.Returned {
			return describe(c) + " never returned"
		}
		if c.Result != sim.WaitTimeout || duration(c) != int64(c.Timeout) {
			return fmt.Sprintf("%s: want WAIT_TIMEOUT after exactly %d ms, took %d ms", describe(c), c.Timeout, duration(c))
		}
	}
	return ""
}}

// progReuse: four Online/Offline cycles of one struct. In even cycles the
// worker polls until terminated; in odd ones its routine ends on its own
// before the Terminate (S2).
var progReuse = program{
	name: "reuse", workers: 1,
	body: func(e *env) {
		for cycle := range 4 {
			checked := e.t.CreateEvent(true, false)
			idx := len(e.o.firstChecks)
			e.o.firstChecks = append(e.o.firstChecks, false)
			r := e.create(0, func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
				e.o.firstChecks[idx] = e.h.CheckTerminate(t, 0)
				t.SetEvent(checked)
				if cycle%2 == 1 {
					return 0
				}
				for !e.h.CheckTerminate(t, 0) {
					t.Sleep(10)
				}
				return 0
			})
			if r == sim.ErrorSuccess {
				e.t.WaitForSingleObject(checked, sim.Infinite)
				if cycle%2 == 1 {
					e.t.Sleep(30)
				}
			}
			e.h.Terminate(e.t, 0)
			e.t.CloseHandle(checked)
		}
		e.cleanup()
	},
	checks: []check{checkFreshFlag, checkReuseCreates, checkLateTerminateNoBlock, checkOfflineWaits},
}

// checkOfflineWaits (D5): in the even cycles the routine runs until it is
// terminated, so the cycle's Terminate is first and returns only after the
// routine of that cycle exited.
var checkOfflineWaits = check{"offline-waits", "D5", func(o *outcome) string {
	creates, terms, exits := o.callsOf(sim.CallCreate, 0), o.callsOf(sim.CallTerminate, 0), o.callsOf(sim.CallExit, 0)
	for i := 0; i < len(creates) && i < len(terms); i += 2 {
		if creates[i].Result != sim.ErrorSuccess || !terms[i].Returned {
			continue
		}
		waited := false
		for _, x := range exits {
			waited = waited || (x.CallTick > creates[i].CallTick && x.CallTick < terms[i].ReturnTick)
		}
		if !waited {
			return fmt.Sprintf("cycle %d: %s returned before the cycle's routine exited", i, describe(terms[i]))
		}
	}
	return ""
}}

// checkFreshFlag (S1): each new routine's first check, made before any
// terminate call of its round, sees FALSE.
var checkFreshFlag = check{"fresh-flag", "S1", func(o *outcome) string {
	for i, v := range o.obs.firstChecks {
		if v {
			return fmt.Sprintf("cycle %d: the new routine's first CheckTerminate returned TRUE", i)
		}
	}
	return ""
}}

// checkReuseCreates (S1): Create accepts a struct a Terminate left behind;
// it fails only when fault injection fails CreateThread.
var checkReuseCreates = check{"reuse-creates", "S1", func(o *outcome) string {
	for _, c := range o.callsOf(sim.CallCreate, 0) {
		if c.Returned && c.Result != sim.ErrorSuccess && c.Result != sim.ErrorNotEnoughMemory {
			return describe(c)
		}
	}
	return ""
}}

// checkLateTerminateNoBlock (S2): a Terminate after the routine ended on
// its own does not block.
var checkLateTerminateNoBlock = check{"late-terminate", "S2", func(o *outcome) string {
	for i, c := range o.callsOf(sim.CallTerminate, 0) {
		if i%2 == 1 && (!c.Returned || duration(c) != 0) {
			return describe(c) + " blocked"
		}
	}
	return ""
}}

// progFaults runs with fault injection: CreateThread and DuplicateHandle
// inside the implementation may fail. A routine that ends on its own, a
// Create on the finished struct, then three concurrent terminate calls.
var progFaults = program{
	name: "faults", workers: 1, faults: true,
	body: func(e *env) {
		if e.create(0, poller(e.h, 0, 5, 0)) == sim.ErrorSuccess {
			// Let the first routine see a TerminateEx's flag and end, with
			// no terminate call that observes it: reuse without Terminate.
			e.h.TerminateEx(e.t, 0, 0, false)
			for i := 0; i < 100 && len(historyOf(e).callsOf(sim.CallExit, 0)) == 0; i++ {
				e.t.Sleep(5)
			}
		}
		e.create(0, poller(e.h, 0, 5, 0))
		t1 := e.spawn(func(t *sim.Thread) { e.h.Terminate(t, 0) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, 30, false) })
		e.h.TerminateEx(e.t, 0, sim.Infinite, true)
		e.join(t1, t2)
		e.cleanup()
	},
	checks: []check{checkFailedCreate, checkCreateMeansRun, checkReuseCreates},
}

// historyOf wraps the harness history of a running program as an outcome,
// for a scenario that looks at it mid-run.
func historyOf(e *env) *outcome { return &outcome{calls: e.h.Calls()} }

// checkFailedCreate (P9): a Create that failed because CreateThread did
// returns its ERROR_NOT_ENOUGH_MEMORY and leaves hThread NULL. (A Create
// that fails with another code is checked by checkReuseCreates.)
var checkFailedCreate = check{"failed-create", "P9", func(o *outcome) string {
	for _, f := range o.obs.failedCreates {
		if f.code == sim.ErrorNotEnoughMemory && f.hThread != 0 {
			return fmt.Sprintf("failed Create returned %s and left hThread %v", sim.ErrorName(f.code), f.hThread)
		}
	}
	return ""
}}

// checkCreateMeansRun (P9): every Create that returned ERROR_SUCCESS ran
// its routine (all routines end by the clean-up).
var checkCreateMeansRun = check{"create-means-run", "P9", func(o *outcome) string {
	if o.res.Failure != nil {
		return ""
	}
	ok := 0
	for _, c := range o.callsOf(sim.CallCreate, 0) {
		if c.Returned && c.Result == sim.ErrorSuccess {
			ok++
		}
	}
	if ran := len(o.callsOf(sim.CallExit, 0)); ran != ok {
		return fmt.Sprintf("%d Create calls returned ERROR_SUCCESS but %d routines ran", ok, ran)
	}
	return ""
}}

// progExTimeouts: two TerminateEx (50 ms, 80 ms) at once on a worker that
// takes 1000 ms to exit once signalled, then TerminateEx on a struct that
// was never created.
var progExTimeouts = program{
	name: "ex-timeouts", workers: 2,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 1000))
		t1 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, 50, false) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, 80, false) })
		e.join(t1, t2)
		e.h.TerminateEx(e.t, 1, 10, false)
		e.cleanup()
	},
	checks: []check{checkExNoLater, checkExOwnWait, checkExNull, checkExSuccessMeansExited},
}

// timedEx returns the timed TerminateEx calls on w0 when every Create
// succeeded.
func timedEx(o *outcome) []sim.Call {
	if !o.createsOK() {
		return nil
	}
	var out []sim.Call
	for _, c := range o.callsOf(sim.CallTerminateEx, 0) {
		if c.Timeout != sim.Infinite {
			out = append(out, c)
		}
	}
	return out
}

// checkExNoLater (P3): each timed TerminateEx returns, and no later than
// its timeout.
var checkExNoLater = check{"ex-no-later", "P3", func(o *outcome) string {
	for _, c := range timedEx(o) {
		switch {
		case !c.Returned:
			return describe(c) + " never returned"
		case duration(c) > int64(c.Timeout):
			return describe(c) + " took longer than its timeout"
		}
	}
	return ""
}}

// checkExOwnWait (P4): each timed TerminateEx waits its own timeout even
// though another call signalled: it does not return WAIT_TIMEOUT before
// the timeout is up.
var checkExOwnWait = check{"ex-own-wait", "P4", func(o *outcome) string {
	for _, c := range timedEx(o) {
		if c.Returned && c.Result == sim.WaitTimeout && duration(c) < int64(c.Timeout) {
			return describe(c) + " timed out before its timeout"
		}
	}
	return ""
}}

// checkExNull (P3): TerminateEx on a struct with no thread succeeds at once.
var checkExNull = check{"ex-null", "P3", func(o *outcome) string {
	for _, c := range o.callsOf(sim.CallTerminateEx, 1) {
		if !c.Returned || c.Result != sim.ErrorSuccess || duration(c) != 0 {
			return describe(c)
		}
	}
	return ""
}}

// checkExSuccessMeansExited (D8): ERROR_SUCCESS only once the routine has
// returned.
var checkExSuccessMeansExited = check{"ex-success-means-exited", "D8", func(o *outcome) string {
	exit := o.exitTick(0, 0)
	if !o.createsOK() {
		return "" // no thread: ERROR_SUCCESS at once is right (P3)
	}
	for _, c := range o.callsOf(sim.CallTerminateEx, 0) {
		if c.Returned && c.Result == sim.ErrorSuccess && (exit < 0 || c.ReturnTick < exit) {
			return describe(c) + fmt.Sprintf(" but the routine exited at tick %d", exit)
		}
	}
	return ""
}}

// progMultiAtomic: ClusWorkersTerminate over two workers that poll as fast
// as they can.
var progMultiAtomic = program{
	name: "multi-atomic", workers: 2,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 0, 0))
		e.create(1, poller(e.h, 1, 0, 0))
		e.h.WorkersTerminate(e.t, []int{0, 1}, sim.Infinite, false)
		e.cleanup()
	},
	checks: []check{checkOneStepSignal},
}

// checkOneStepSignal (P7): the call is the only signaller, so no worker may
// read FALSE in a check that starts after another worker's check returned
// TRUE.
var checkOneStepSignal = check{"one-step-signal", "P7", func(o *outcome) string {
	for _, a := range o.calls {
		if a.Kind != sim.CallCheckTerminate || !a.Returned || a.Result != 1 {
			continue
		}
		for _, b := range o.calls {
			if b.Kind == sim.CallCheckTerminate && b.Worker != a.Worker && b.Returned && b.Result == 0 && b.CallTick > a.ReturnTick {
				return fmt.Sprintf("w%d saw TRUE (call %d, returned at tick %d), then w%d saw FALSE (call %d, called at tick %d)",
					a.Worker, a.ID, a.ReturnTick, b.Worker, b.ID, b.CallTick)
			}
		}
	}
	return ""
}}

// progWaitOnly: a WaitOnly TerminateEx (a join that times out), then a
// signalling one, on a worker that polls every 10 ms.
var progWaitOnly = program{
	name: "wait-only", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		e.h.TerminateEx(e.t, 0, 25, true)
		e.h.TerminateEx(e.t, 0, 50, false)
		e.cleanup()
	},
	checks: []check{checkWaitOnlyQuiet, checkSignalFirst},
}

// exCalls returns the program's WaitOnly join and its signalling call.
func exCalls(o *outcome) (join, signal sim.Call, ok bool) {
	ex := o.callsOf(sim.CallTerminateEx, 0)
	if !o.createsOK() || len(ex) < 2 {
		return join, signal, false
	}
	return ex[0], ex[1], true
}

// checkWaitOnlyQuiet (D8): a WaitOnly call does not signal: no check before
// the signalling call sees TRUE, and the join times out.
var checkWaitOnlyQuiet = check{"wait-only-quiet", "D8", func(o *outcome) string {
	join, signal, ok := exCalls(o)
	if !ok {
		return ""
	}
	for _, c := range o.callsOf(sim.CallCheckTerminate, 0) {
		if c.Returned && c.Result == 1 && c.ReturnTick < signal.CallTick {
			return fmt.Sprintf("the worker saw TRUE (call %d) before anything signalled it", c.ID)
		}
	}
	if join.Result != sim.WaitTimeout {
		return describe(join)
	}
	return ""
}}

// checkSignalFirst (D8): the signal comes before the wait: a check that
// starts later in virtual time than the signalling call sees TRUE, and
// the call (50 ms; the worker polls every 10) succeeds.
var checkSignalFirst = check{"signal-before-wait", "D8", func(o *outcome) string {
	_, signal, ok := exCalls(o)
	if !ok {
		return ""
	}
	for _, c := range o.callsOf(sim.CallCheckTerminate, 0) {
		if c.Returned && c.Result == 0 && c.CallTime > signal.CallTime {
			return fmt.Sprintf("the worker still saw FALSE (call %d at %d ms) after the signalling call began at %d ms",
				c.ID, c.CallTime, signal.CallTime)
		}
	}
	if signal.Result != sim.ErrorSuccess {
		return describe(signal)
	}
	return ""
}}

// progNullEmpty: ClusWorkersTerminate with an empty array and with a NULL
// entry, neither of which may touch the worker.
var progNullEmpty = program{
	name: "null-empty", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		e.h.WorkersTerminate(e.t, nil, 10, false)
		e.h.WorkersTerminate(e.t, []int{0, -1}, 10, false)
		e.t.Sleep(30)
		e.cleanup()
	},
	checks: []check{checkEmptyArray, checkNullEntry},
}

// checkEmptyArray (P7): an empty array returns ERROR_SUCCESS.
var checkEmptyArray = check{"empty-array", "P7", func(o *outcome) string {
	for _, c := range o.callsOf(sim.CallWorkersTerminate, -1) {
		if len(c.Workers) == 0 && c.Result != sim.ErrorSuccess {
			return describe(c)
		}
	}
	return ""
}}

// checkNullEntry (P7): an array with a NULL entry returns
// ERROR_INVALID_PARAMETER and signals nobody: the worker sees TRUE only
// after the clean-up began.
var checkNullEntry = check{"null-entry", "P7", func(o *outcome) string {
	clean := o.callsOf(sim.CallTerminateEx, 0)
	if !o.createsOK() || len(clean) == 0 {
		return ""
	}
	for _, c := range o.callsOf(sim.CallWorkersTerminate, -1) {
		if len(c.Workers) > 0 && c.Result != sim.ErrorInvalidParameter {
			return describe(c)
		}
	}
	for _, c := range o.callsOf(sim.CallCheckTerminate, 0) {
		if c.Returned && c.Result == 1 && c.ReturnTick < clean[0].CallTick {
			return fmt.Sprintf("the worker saw TRUE (call %d) although only a rejected call could have signalled it", c.ID)
		}
	}
	return ""
}}

// progExRace: two TerminateEx(INFINITE) and a Terminate at once on one
// polling worker.
var progExRace = program{
	name: "ex-race", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		t1 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, sim.Infinite, false) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, sim.Infinite, false) })
		t3 := e.spawn(func(t *sim.Thread) { e.h.Terminate(t, 0) })
		e.join(t1, t2, t3)
		e.cleanup()
	},
	checks: []check{checkExSuccessMeansExited, checkExAllSucceed},
}

// checkExAllSucceed (D8): an INFINITE TerminateEx on a worker that exits
// when signalled returns ERROR_SUCCESS.
var checkExAllSucceed = check{"ex-infinite-succeeds", "D8", func(o *outcome) string {
	for _, c := range o.callsOf(sim.CallTerminateEx, 0) {
		if c.Returned && c.Result != sim.ErrorSuccess {
			return describe(c)
		}
	}
	return ""
}}

// progStubbornLong: one Terminate on a worker that takes 1500 ms to exit
// once it sees the flag, longer than any "surely it has stopped by now".
var progStubbornLong = program{
	name: "stubborn-long", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 1500))
		e.h.Terminate(e.t, 0)
		e.cleanup()
	},
	checks: []check{checkFirstTerminateWaits},
}

// progSelfEx: the worker calls TerminateEx (not WaitOnly) on itself, and
// nothing else, then looks at its flag.
var progSelfEx = program{
	name: "self-ex", workers: 1,
	body: func(e *env) {
		created := e.t.CreateEvent(true, false)
		done := e.t.CreateEvent(true, false)
		r := e.create(0, func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
			t.WaitForSingleObject(created, sim.Infinite)
			e.o.selfExOnly = e.h.TerminateEx(t, 0, 50, false)
			e.o.selfExOnlySawFlag = e.h.CheckTerminate(t, 0)
			e.o.selfExOnlyDone = true
			t.SetEvent(done)
			return 0
		})
		e.t.SetEvent(created)
		if r == sim.ErrorSuccess {
			e.t.WaitForSingleObject(done, sim.Infinite)
		}
		e.cleanup()
		e.t.CloseHandle(created)
		e.t.CloseHandle(done)
	},
	checks: []check{checkSelfExRaises},
}

// checkSelfExRaises (P1): a worker's TerminateEx on itself returns
// ERROR_POSSIBLE_DEADLOCK and raises the flag: its next CheckTerminate
// says TRUE.
var checkSelfExRaises = check{"self-ex-raises", "P1", func(o *outcome) string {
	s := o.obs
	switch {
	case !s.selfExOnlyDone:
		return ""
	case s.selfExOnly != sim.ErrorPossibleDeadlock:
		return "the worker's TerminateEx on itself returned " + sim.ErrorName(s.selfExOnly)
	case !s.selfExOnlySawFlag:
		return "the worker's TerminateEx on itself returned without raising the flag"
	}
	return ""
}}

// progExitRace: a worker that returns on its own after 10 ms, a WaitOnly
// join waiting for it from the start, and a second join that arrives just
// as the thread ends.
var progExitRace = program{
	name: "exit-race", workers: 1,
	body: func(e *env) {
		e.create(0, func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
			t.Sleep(10)
			return 0
		})
		t1 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, sim.Infinite, true) })
		t2 := e.spawn(func(t *sim.Thread) {
			t.Sleep(10)
			e.h.TerminateEx(t, 0, sim.Infinite, false)
		})
		e.join(t1, t2)
		e.cleanup()
	},
	checks: []check{checkExAllSucceed},
}

// progZeroAfterExit: a worker that returns on its own after 5 ms, and a
// TerminateEx with a zero timeout 50 ms later.
var progZeroAfterExit = program{
	name: "zero-after-exit", workers: 1,
	body: func(e *env) {
		e.create(0, func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
			t.Sleep(5)
			return 0
		})
		e.t.Sleep(50)
		e.h.TerminateEx(e.t, 0, 0, false)
		e.cleanup()
	},
	checks: []check{checkZeroAfterExit},
}

// checkZeroAfterExit (D8): a TerminateEx that starts after the routine has
// returned finds the thread ended, even with a zero timeout: it returns
// ERROR_SUCCESS.
var checkZeroAfterExit = check{"zero-after-exit", "D8", func(o *outcome) string {
	exit := o.exitTick(0, 0)
	if !o.createsOK() || exit < 0 {
		return ""
	}
	for _, c := range o.callsOf(sim.CallTerminateEx, 0) {
		if c.Timeout == 0 && c.CallTick > exit && c.Returned && c.Result != sim.ErrorSuccess {
			return describe(c) + fmt.Sprintf(", but the routine returned at tick %d", exit)
		}
	}
	return ""
}}

// progMultiOverlap: two ClusWorkersTerminate calls at once over the same
// two polling workers.
var progMultiOverlap = program{
	name: "multi-overlap", workers: 2,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		e.create(1, poller(e.h, 1, 10, 0))
		t1 := e.spawn(func(t *sim.Thread) { e.h.WorkersTerminate(t, []int{0, 1}, sim.Infinite, false) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.WorkersTerminate(t, []int{1, 0}, sim.Infinite, false) })
		e.join(t1, t2)
		e.cleanup()
	},
	checks: []check{checkMultiSucceeds},
}

// checkMultiSucceeds (D9): an INFINITE ClusWorkersTerminate over workers
// that exit when signalled returns ERROR_SUCCESS.
var checkMultiSucceeds = check{"multi-infinite-succeeds", "D9", func(o *outcome) string {
	if !o.createsOK() {
		return ""
	}
	for _, c := range o.callsOf(sim.CallWorkersTerminate, -1) {
		if c.Returned && c.Result != sim.ErrorSuccess {
			return describe(c)
		}
	}
	return ""
}}

// progReuseFast: a TerminateEx that ends the worker, a Create of the same
// struct at once, and a Terminate of the new incarnation.
var progReuseFast = program{
	name: "reuse-fast", workers: 1,
	body: func(e *env) {
		for range 2 {
			e.create(0, poller(e.h, 0, 10, 0))
			if e.h.TerminateEx(e.t, 0, sim.Infinite, false) == sim.ErrorSuccess {
				e.o.afterSuccess = append(e.o.afterSuccess, e.h.Worker(0).HThread.Peek())
			}
		}
		e.h.Terminate(e.t, 0)
		e.cleanup()
	},
	checks: []check{checkClearedOnSuccess, checkFirstTerminateWaits},
}

// checkClearedOnSuccess (P2): a TerminateEx that returned ERROR_SUCCESS
// leaves hThread NULL.
var checkClearedOnSuccess = check{"cleared-on-success", "P2", func(o *outcome) string {
	for i, h := range o.obs.afterSuccess {
		if h != 0 {
			return fmt.Sprintf("TerminateEx %d returned ERROR_SUCCESS and left hThread %v", i, h)
		}
	}
	return ""
}}

// progReuseMulti: a struct created again the moment each of two
// ClusWorkersTerminate calls returned success, then a Terminate of its
// third incarnation.
var progReuseMulti = program{
	name: "reuse-multi", workers: 1,
	body: func(e *env) {
		for range 2 {
			e.create(0, poller(e.h, 0, 5, 0))
			e.h.WorkersTerminate(e.t, []int{0}, sim.Infinite, false)
		}
		e.create(0, poller(e.h, 0, 5, 0))
		e.h.Terminate(e.t, 0)
		e.cleanup()
	},
	checks: []check{checkLastTerminateWaits},
}

// checkLastTerminateWaits (D5): the last incarnation runs until it is
// terminated, so the one Terminate, made after its Create returned, is
// first and returns only after a routine exit that follows that Create.
var checkLastTerminateWaits = check{"last-terminate-waits", "D5", func(o *outcome) string {
	creates, terms := o.callsOf(sim.CallCreate, 0), o.callsOf(sim.CallTerminate, 0)
	if !o.createsOK() || len(creates) == 0 || len(terms) == 0 {
		return ""
	}
	last, term := creates[len(creates)-1], terms[len(terms)-1]
	if !term.Returned {
		return ""
	}
	for _, x := range o.callsOf(sim.CallExit, 0) {
		if x.CallTick > last.CallTick && x.CallTick < term.ReturnTick {
			return ""
		}
	}
	return describe(term) + " returned before the routine of the last incarnation exited"
}}

// progExPair: two TerminateEx calls with a generous timeout at once on a
// worker that exits within 10 ms of its flag: both see it exit.
var progExPair = program{
	name: "ex-pair", workers: 1,
	body: func(e *env) {
		e.create(0, poller(e.h, 0, 10, 0))
		t1 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, 100, false) })
		t2 := e.spawn(func(t *sim.Thread) { e.h.TerminateEx(t, 0, 100, false) })
		e.join(t1, t2)
		e.cleanup()
	},
	checks: []check{checkExAllSucceed},
}

// withFaults returns p with fault injection on, under a new name.
func withFaults(p program) program {
	p.name += "+faults"
	p.faults = true
	return p
}

// programs is every program the correct implementations must pass.
func programs() []program {
	base := []program{progRace3, progStubborn, progSelf, progMultiTimeout, progReuse, progFaults,
		progExTimeouts, progMultiAtomic, progWaitOnly, progNullEmpty, progExRace,
		progStubbornLong, progSelfEx, progExitRace, progZeroAfterExit, progMultiOverlap, progReuseFast, progReuseMulti, progExPair}
	out := append([]program(nil), base...)
	for _, p := range []program{progRace3, progStubborn, progSelf, progMultiTimeout, progReuse, progExRace, progMultiAtomic,
		progExitRace, progMultiOverlap, progReuseFast, progReuseMulti} {
		out = append(out, withFaults(p))
	}
	return out
}
