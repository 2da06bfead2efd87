package impls

import (
	"fmt"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// This file is a small local test harness: hand-written scenario programs,
// a runner, and direct checks over the harness history, each tied to one
// rule ID. The full property checker lives elsewhere; these checks only
// prove that the correct implementations keep the rules on these programs
// and that each bug is real and reachable.

// outcome is what one run of a program did.
type outcome struct {
	res   *sim.Result
	calls []sim.Call
	obs   observations
}

// observations are what the scenario code itself recorded during a run.
type observations struct {
	// failedCreates lists every Create that failed, with hThread right
	// after it.
	failedCreates []failedCreate
	// firstChecks is, per reuse cycle, what the routine's very first
	// CheckTerminate returned.
	firstChecks []bool
	// self* are the results of the worker's calls on itself.
	selfRan, selfTermReturned     bool
	selfEx, selfMulti             uint32
	selfSawFlag                   bool
	selfExReturned, selfMultiDone bool
	// selfExOnly* are what a worker that calls only TerminateEx on itself
	// got back, and what its next CheckTerminate said.
	selfExOnlyDone, selfExOnlySawFlag bool
	selfExOnly                        uint32
	// afterSuccess is hThread right after each terminate call that
	// returned ERROR_SUCCESS.
	afterSuccess []sim.Handle
}

type failedCreate struct {
	code    uint32
	hThread sim.Handle
}

// env is what a program's main thread works with.
type env struct {
	t *sim.Thread
	h *sim.Harness
	o *observations
}

// program is one scenario.
type program struct {
	name    string
	workers int
	faults  bool
	body    func(e *env)
	checks  []check
}

// check is one direct property check over an outcome. It returns "" when
// the run keeps the rule, or what went wrong.
type check struct {
	name string
	rule model.RuleID
	fn   func(o *outcome) string
}

// run executes p once on a fresh value of newAPI under Random(seed).
func run(newAPI func() sim.WorkerAPI, p program, seed uint64) *outcome {
	return runWith(newAPI, p, scheduler.NewRandom(seed))
}

// runWith executes p once on a fresh value of newAPI under strategy s.
func runWith(newAPI func() sim.WorkerAPI, p program, s scheduler.Strategy) *outcome {
	h := sim.NewHarness(newAPI(), p.workers)
	o := &outcome{}
	o.res = sim.Run(sim.Config{Faults: p.faults}, s, func(t *sim.Thread) {
		p.body(&env{t: t, h: h, o: &o.obs})
	})
	o.calls = h.Calls()
	return o
}

// create calls Create on struct wi and records a failure.
func (e *env) create(wi int, routine sim.StartRoutine) uint32 {
	r := e.h.Create(e.t, wi, routine, nil)
	if r != sim.ErrorSuccess {
		e.o.failedCreates = append(e.o.failedCreates, failedCreate{code: r, hThread: e.h.Worker(wi).HThread.Peek()})
	}
	return r
}

// spawn starts a scenario thread (outside the implementation: no fault
// injection, not counted as the implementation's handle).
func (e *env) spawn(f func(t *sim.Thread)) sim.Handle {
	h, _ := e.t.CreateThread(func(t *sim.Thread) uint32 { f(t); return 0 })
	return h
}

// join waits for scenario threads and closes their handles.
func (e *env) join(hs ...sim.Handle) {
	for _, h := range hs {
		e.t.WaitForSingleObject(h, sim.Infinite)
		e.t.CloseHandle(h)
	}
}

// cleanup is the P6 clean-up: TerminateEx(INFINITE, FALSE) on every struct.
func (e *env) cleanup() {
	for i := range e.h.NumWorkers() {
		e.h.TerminateEx(e.t, i, sim.Infinite, false)
	}
}

// poller returns a routine that checks the flag every pollMs virtual ms
// (0: it only yields between checks) and, once it sees TRUE, lingers for
// linger ms (a stubborn clean-up) before it returns.
func poller(h *sim.Harness, wi int, pollMs, linger uint32) sim.StartRoutine {
	return func(t *sim.Thread, _ *sim.ClusWorker, _ any) uint32 {
		for !h.CheckTerminate(t, wi) {
			t.Sleep(pollMs)
		}
		if linger > 0 {
			t.Sleep(linger)
		}
		return 0
	}
}

// History helpers.

func (o *outcome) callsOf(kind sim.CallKind, wi int) []sim.Call {
	var out []sim.Call
	for _, c := range o.calls {
		if c.Kind == kind && c.Worker == wi {
			out = append(out, c)
		}
	}
	return out
}

// exitTick returns the tick at which struct wi's n-th routine returned, or
// -1.
func (o *outcome) exitTick(wi, n int) int64 {
	if ex := o.callsOf(sim.CallExit, wi); n < len(ex) {
		return ex[n].CallTick
	}
	return -1
}

// createsOK reports whether every Create of the run succeeded.
func (o *outcome) createsOK() bool { return len(o.obs.failedCreates) == 0 }

func duration(c sim.Call) int64 { return c.ReturnTime - c.CallTime }

func describe(c sim.Call) string {
	target := fmt.Sprintf("w%d", c.Worker)
	if c.Kind == sim.CallWorkersTerminate {
		target = fmt.Sprint(c.Workers)
	}
	return fmt.Sprintf("call %d %v(%s, timeout %d, waitOnly %v) by T%d [tick %d..%d, %d..%d ms] = %s",
		c.ID, c.Kind, target, c.Timeout, c.WaitOnly, c.Thread, c.CallTick, c.ReturnTick, c.CallTime, c.ReturnTime,
		sim.ErrorName(c.Result))
}

// Generic checks, run on every program.

var checkNoFailure = check{"no-failure", "DEADLOCK", func(o *outcome) string {
	if o.res.Failure != nil {
		return o.res.Failure.Error()
	}
	return ""
}}

var checkNoFaults = check{"no-faults", "P2", func(o *outcome) string {
	if len(o.res.Faults) > 0 {
		return o.res.Faults[0].String()
	}
	return ""
}}

var checkNoRaces = check{"no-races", "RACE", func(o *outcome) string {
	if len(o.res.Races) > 0 {
		return o.res.Races[0].String()
	}
	return ""
}}

var checkNoLeak = check{"no-leak", "P6", func(o *outcome) string {
	if o.res.Failure != nil {
		return "" // the clean-up did not finish; no-failure reports it
	}
	for _, hi := range o.res.Handles {
		if hi.Impl && hi.Open {
			return fmt.Sprintf("handle %v to %s opened by T%d (%s) is still open after the clean-up",
				hi.Handle, hi.Object, hi.OpenedBy, hi.OpenedOp)
		}
	}
	return ""
}}

var checkDoubleClose = check{"double-close", "P2", func(o *outcome) string {
	for _, f := range o.res.Faults {
		if f.Kind == sim.FaultDoubleClose {
			return f.String()
		}
	}
	return ""
}}

var checkDeadlock = check{"deadlock", "DEADLOCK", func(o *outcome) string {
	if f := o.res.Failure; f != nil && f.Kind == scheduler.Deadlock {
		return f.Message
	}
	return ""
}}

var checkNoKill = check{"no-kill", "P10", func(o *outcome) string {
	for _, k := range o.res.Terminations {
		if k.Impl {
			return fmt.Sprintf("T%d ended T%d with TerminateThread at step %d, inside the implementation", k.By, k.Thread, k.Step)
		}
	}
	return ""
}}

// generic is the list every program carries.
var generic = []check{checkNoFailure, checkNoFaults, checkNoRaces, checkNoLeak, checkNoKill}
