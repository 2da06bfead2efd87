package scheduler

import (
	"errors"
	"fmt"
)

// ErrNondeterministic is wrapped by every error a [DFS] returns when a run
// does not follow the decisions an earlier run made: the program under test
// does something different given the same decisions.
var ErrNondeterministic = errors.New("nondeterministic program")

// errExplored is returned when a run starts after a DFS is done.
var errExplored = errors.New("scheduler: DFS has explored every schedule; check Done before starting another run")

// DFS explores the tree of decisions of a program systematically, one path
// per run, depth first, until every path has been run. Thread decisions and
// data decisions are both part of the tree, so a data decision with n
// outcomes multiplies the schedules below it by n.
//
// At a thread decision DFS first keeps the current thread running (or, when
// the current thread is not enabled, runs the enabled thread with the lowest
// ThreadID), then tries the other enabled threads in ThreadID order; at a
// data decision it tries the outcomes 0, 1, ... in order. The first run is
// therefore the non-preemptive schedule with the usual outcome everywhere.
//
// Exploration may be bounded by the number of preemptions of a run, as in
// CHESS (Musuvathi and Qadeer, PLDI 2007): a preemption is a decision that
// runs a thread other than the current one while the current one is still
// enabled. Switching away from a thread that blocked or exited is free, and
// data decisions never count. Most concurrency bugs need at most two
// preemptions, and the number of schedules with at most c preemptions grows
// polynomially, not exponentially, with the length of the run. DFS never
// runs a schedule beyond the bound.
//
// Each run replays the decisions of the previous one up to the deepest
// decision that has an option left, and takes that option; below it, it
// takes the first option everywhere. DFS backtracks in [DFS.Finish], which
// the engine calls at the end of every run, failed runs included. Should a
// run end without Finish (a strategy panic that Run re-raises, or a driver
// that does not call it), DFS notices the new run when its first decision
// comes at a step that is not after the last decision seen; with a
// deterministic program that always happens, unless the earlier run made
// nothing but data decisions, all in one step.
//
// The program must be deterministic given the decisions: a run that does
// not match an earlier run with the same decisions (a different number of
// options, a decision of another kind or at another step, other enabled
// threads, or an earlier end) fails with an error that wraps
// [ErrNondeterministic] and names the step, and the exploration stops there.
//
// Use it as
//
//	d := NewDFS(2)
//	for !d.Done() {
//		r := e.Run(d, program)
//		...
//	}
//
// A DFS must not be used by two engines at once.
type DFS struct {
	bound int // maximum preemptions per run; negative means unbounded

	// stack is the path of the current run: its first pos nodes are the
	// decisions taken so far, the others the ones it is to replay.
	stack    []dfsNode
	pos      int
	preempts int   // preemptions taken so far in this run
	lastStep int64 // step of the last decision of this run
	active   bool  // a run has made decisions and has not been backtracked yet

	runs int
	done bool
	err  error // why the exploration stopped, if it stopped early
}

// dfsNode is one decision on the current path.
type dfsNode struct {
	step int64
	kind DecisionKind
	n    int // options
	// cur is, for a thread decision, the index of the current thread in
	// enabled or -1, and for a data decision the deciding thread.
	cur int
	// who is a fingerprint of the enabled threads of a thread decision.
	who uint64
	opt int // the option taken, in exploration order
	pre int // preemptions taken before this decision in the run
}

var (
	_ Strategy = (*DFS)(nil)
	_ Finisher = (*DFS)(nil)
)

// NewDFS returns a DFS that explores every schedule with at most
// maxPreemptions preemptions; a negative maxPreemptions explores every
// schedule.
func NewDFS(maxPreemptions int) *DFS {
	return &DFS{bound: maxPreemptions}
}

// Done reports whether the exploration is over: every schedule within the
// preemption bound has been run, or the exploration stopped on an error
// (see [DFS.Err]). Call it between runs.
func (d *DFS) Done() bool {
	if d.err != nil || d.done {
		return true
	}
	if !d.active {
		return false
	}
	// The last run ended without Finish, so it was not backtracked yet; it
	// was the last one if no decision on its path has an option left.
	for i := range d.stack {
		if d.canAdvance(&d.stack[i]) {
			return false
		}
	}
	return true
}

// Runs returns the number of runs DFS has taken part in. A run that made no
// decision and ended without Finish is not counted.
func (d *DFS) Runs() int { return d.runs }

// Err returns the error that stopped the exploration, or nil.
func (d *DFS) Err() error { return d.err }

// canAdvance reports whether n has an option after the one taken that is
// within the preemption bound. Options after the first one of a thread
// decision are preemptions when the current thread is enabled.
func (d *DFS) canAdvance(n *dfsNode) bool {
	if n.opt+1 >= n.n {
		return false
	}
	return n.kind == DecValue || n.cur < 0 || d.bound < 0 || n.pre < d.bound
}

// enter starts a run if the decision at step of the given kind is the first
// of one, backtracking first when the previous run ended without Finish.
func (d *DFS) enter(kind DecisionKind, step int64) error {
	if d.err != nil {
		return d.err
	}
	if d.active && (step < d.lastStep || step == d.lastStep && kind == DecThread) {
		// Within a run, thread decisions have increasing steps and data
		// decisions come in the step of the thread decision before them.
		if err := d.end(d.lastStep, false); err != nil {
			return err
		}
	}
	if !d.active {
		if d.done {
			return errExplored
		}
		d.active = true
		d.runs++
	}
	d.lastStep = step
	return nil
}

// end backtracks at the end of a run: the deepest decision with an option
// left takes it, and the decisions below it are forgotten. at is the last
// step of the run when exact, else the step of its last decision.
func (d *DFS) end(at int64, exact bool) error {
	made := d.pos
	d.active, d.pos, d.preempts, d.lastStep = false, 0, 0, 0
	if made < len(d.stack) {
		when := "at step"
		if !exact {
			when = "after its last decision at step"
		}
		d.err = fmt.Errorf("scheduler: %w: the run ended %s %d after %d decisions, "+
			"but an earlier run with the same decisions made at least %d",
			ErrNondeterministic, when, at, made, len(d.stack))
		return d.err
	}
	for i := len(d.stack) - 1; i >= 0; i-- {
		if d.canAdvance(&d.stack[i]) {
			d.stack[i].opt++
			d.stack = d.stack[:i+1]
			return nil
		}
	}
	d.stack = d.stack[:0]
	d.done = true
	return nil
}

// take returns the node of the run's next decision, checking a replayed one
// against want or pushing want as a new one.
func (d *DFS) take(want dfsNode) (dfsNode, error) {
	if d.pos == len(d.stack) {
		d.stack = append(d.stack, want)
		d.pos++
		return want, nil
	}
	have := d.stack[d.pos]
	var msg string
	switch {
	case have.kind != want.kind || have.step != want.step:
		msg = fmt.Sprintf("decision %d is a %s decision, but an earlier run with the same decisions made a %s decision at step %d there",
			d.pos, want.kind, have.kind, have.step)
	case have.n != want.n && want.kind == DecThread:
		msg = fmt.Sprintf("decision %d is among %d enabled threads, but among %d in an earlier run with the same decisions",
			d.pos, want.n, have.n)
	case have.n != want.n:
		msg = fmt.Sprintf("decision %d has %d outcomes, but %d in an earlier run with the same decisions",
			d.pos, want.n, have.n)
	case want.kind == DecThread && (have.cur != want.cur || have.who != want.who):
		msg = fmt.Sprintf("decision %d is among other enabled threads than in an earlier run with the same decisions", d.pos)
	case want.kind == DecValue && have.cur != want.cur:
		msg = fmt.Sprintf("decision %d is made by T%d, but by T%d in an earlier run with the same decisions",
			d.pos, want.cur, have.cur)
	default:
		d.pos++
		return have, nil
	}
	d.err = fmt.Errorf("scheduler: %w at step %d: %s", ErrNondeterministic, want.step, msg)
	return have, d.err
}

// fingerprint hashes a list of thread IDs (FNV-1a).
func fingerprint(ids []ThreadID) uint64 {
	h := uint64(14695981039346656037)
	for _, id := range ids {
		h ^= uint64(uint32(id))
		h *= 1099511628211
	}
	return h
}

// NextThread implements [Strategy].
func (d *DFS) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	if err := d.enter(DecThread, step); err != nil {
		return 0, err
	}
	n, err := d.take(dfsNode{step: step, kind: DecThread, n: len(enabled), cur: current,
		who: fingerprint(enabled), pre: d.preempts})
	if err != nil {
		return 0, err
	}
	switch {
	case current < 0:
		return n.opt, nil
	case n.opt == 0:
		return current, nil
	}
	d.preempts++
	if n.opt <= current {
		return n.opt - 1, nil
	}
	return n.opt, nil
}

// NextValue implements [Strategy].
func (d *DFS) NextValue(thread ThreadID, n int, step int64) (int, error) {
	if err := d.enter(DecValue, step); err != nil {
		return 0, err
	}
	node, err := d.take(dfsNode{step: step, kind: DecValue, n: n, cur: int(thread), pre: d.preempts})
	if err != nil {
		return 0, err
	}
	return node.opt, nil
}

// Finish implements [Finisher]: it backtracks to the next schedule. It fails
// when the run ended before a decision that an earlier run with the same
// decisions reached, or when the run started after the exploration was
// over.
func (d *DFS) Finish(steps int64) error {
	if d.err != nil {
		return d.err
	}
	if !d.active {
		// A run without decisions.
		if d.done {
			return errExplored
		}
		d.runs++
	}
	return d.end(steps, true)
}
