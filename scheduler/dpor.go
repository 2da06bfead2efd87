package scheduler

import (
	"fmt"
	"slices"
)

// DPOR explores the schedules of a program up to equivalence: it runs at
// least one schedule of every class of schedules that order every pair of
// dependent steps the same way (Mazurkiewicz traces), and far fewer
// schedules than [DFS], which runs every interleaving.
//
// # Dependency
//
// Two steps of different tasks are dependent when they touch the same
// [Object] and one of them writes it (see [Task.Touch]); the layer above
// declares what each step touches. Besides those, a step reads [Global]
// when it blocks, resumes from a block, spawns or ends a task (the layer
// above makes the steps it wants ordered with writers of Global read it
// too), every step of a task reads [ThreadObject] of that task (so a kill or a resume of the task is
// dependent with its steps), a task's exit writes it, and every spawn
// writes one object for the allocation of ThreadIDs. A spawn orders the new
// task's steps after the spawning step. A data decision ([Task.Choose]) is
// a branching point where every outcome is explored; its step touches what
// it touches under each outcome.
//
// # Virtual time
//
// The clock advances only when no task is enabled (see the package doc), so
// the moment of a clock jump is not a scheduling choice: every step before
// it has happened, in every schedule of the class, and no step after it can
// run before any step before it, since every task was blocked at the jump.
// DPOR therefore treats a clock jump as a barrier that orders everything
// before it before everything after it, and never tries to move a step
// across one. Whether a timed wait expires or is satisfied is decided by
// the steps that touch the awaited object: the wait's own steps (the step
// that blocks and the one that resumes, on a wake or on the timeout) touch
// it, so a signal that could come before the timeout is a race with them
// and is explored in both orders. Reading the clock is independent of
// every step: between two jumps it does not change.
//
// # Algorithm
//
// Exploration is stateless and depth first, one schedule per run, like
// [DFS]. At the end of every run DPOR computes the happens-before relation
// of the run with vector clocks over the touches, finds every race (two
// dependent steps of different tasks that nothing else orders) and adds a
// backtrack point before the first step of each race so that a later run
// reverses it.
//
// Without a preemption bound this is source-set DPOR with sleep sets
// (Abdulla, Aronis, Jonsson and Sagonas, "Optimal dynamic partial order
// reduction", POPL 2014, Algorithm 1): for a race between steps e and e'
// the backtrack set before e gets one initial of notdep(e).e' unless it has
// one already, and a task whose step from a state has been explored sleeps
// in the sibling subtrees until a step dependent with that step runs. A run
// in which every enabled task sleeps repeats a class already explored: it
// is finished (a run cannot be cut short) but counted as redundant, and
// nothing is learnt from it past that point. When no initial is enabled
// before e (the dependency did not capture what enables a task), every
// enabled task is added, as in Flanagan and Godefroid's DPOR (POPL 2005).
//
// With a preemption bound k, DPOR explores only schedules with at most k
// preemptions (as [DFS] counts them), and combines the two soundly as
// Coons, Musuvathi and McKinley's bounded partial-order reduction (OOPSLA
// 2013) does: the naive combination loses schedules because a race's
// reversal may cost a preemption at the backtrack point that an earlier
// point would not, so every race also adds its task at the last decision
// before the race's first step where the running task changed (where a
// switch is already paid for). Preemption cost is not the same for
// equivalent schedules, so sleep sets, which would prune the one member of
// a class within the bound, are off under a bound; the backtrack sets are
// Flanagan and Godefroid's (the racing task when it is enabled, else every
// enabled task). "Every class within bound k" then means: every schedule
// with at most k preemptions is equivalent to one DPOR ran.
//
// Use it as DFS is used: run until [DPOR.Done]. The program must be
// deterministic given the decisions; a run that departs from an earlier one
// with the same decisions stops the exploration with an error that wraps
// [ErrNondeterministic]. A DPOR must not be used by two engines at once.
type DPOR struct {
	bound int // maximum preemptions per run; negative: unbounded
	view  View

	stack    []dporNode
	pos      int
	preempts int
	lastStep int64
	active   bool

	// Sleep-set state of the current run (unbounded only).
	sleep     []sleeper
	scanEv    int // events already applied to sleep
	scanTouch int // touches already applied to sleep
	blockedAt int // event index where every enabled task slept; -1: none

	runs      int
	redundant int
	done      bool
	err       error

	an dporAnalysis // scratch of the end-of-run analysis
}

// sleeper is a task asleep, with what its next step touches.
type sleeper struct {
	thread ThreadID
	foot   []access
}

// access is one object a step uses, and how.
type access struct {
	obj Object
	acc Access
}

// dporNode is one decision on the current path.
type dporNode struct {
	step int64
	kind DecisionKind
	n    int
	// cur is, for a thread decision, the index of the current task in
	// enabled or -1, and for a data decision the deciding task.
	cur     int
	who     uint64
	enabled []ThreadID // thread decisions: the enabled tasks
	// opt is the chosen task of a thread decision, the chosen value of a
	// data decision.
	opt       int
	pre       int        // preemptions before this decision
	backtrack []ThreadID // tasks to explore from here, sorted
	explored  []ThreadID // tasks explored or being explored from here, in order
	foot      []sleeper  // what each explored task's step touched
	sleep     []sleeper  // the sleep set on arrival
	dead      bool       // in a redundant run: explores nothing
}

var (
	_ Strategy = (*DPOR)(nil)
	_ Finisher = (*DPOR)(nil)
	_ Observer = (*DPOR)(nil)
)

// NewDPOR returns a DPOR that covers every schedule with at most
// maxPreemptions preemptions; a negative maxPreemptions covers every
// schedule.
func NewDPOR(maxPreemptions int) *DPOR {
	return &DPOR{bound: maxPreemptions, blockedAt: -1}
}

// Observe implements [Observer].
func (d *DPOR) Observe(v View) { d.view = v }

// Bound returns the preemption bound, or -1 when there is none.
func (d *DPOR) Bound() int { return max(d.bound, -1) }

// Done reports whether the exploration is over: every class has been
// covered, or it stopped on an error ([DPOR.Err]). Call it between runs.
func (d *DPOR) Done() bool { return d.err != nil || d.done }

// Runs returns the number of runs DPOR has taken part in.
func (d *DPOR) Runs() int { return d.runs }

// Classes returns the number of runs that were not redundant. Without a
// preemption bound each is a class of schedules of its own. Under a bound,
// where sleep sets are off, two runs may belong to one class, so it only
// bounds the number of classes from above: the exploration covers every
// class within the bound, in at most Classes runs.
func (d *DPOR) Classes() int { return d.runs - d.redundant }

// Redundant returns the number of runs that repeated a class already
// explored (every enabled task was asleep at some decision).
func (d *DPOR) Redundant() int { return d.redundant }

// Err returns the error that stopped the exploration, or nil.
func (d *DPOR) Err() error { return d.err }

// Estimate returns an estimate of the total number of runs the exploration
// will take, from the shape of the current path: the share of the tree
// already explored is summed along the path as in Knuth's estimator, each
// subtree below a node taken to be as large as the one being explored. It
// is 0 before the first run. The estimate grows as backtrack points are
// found, so it is a guide, not a bound.
func (d *DPOR) Estimate() float64 {
	if d.runs == 0 {
		return 0
	}
	if d.done {
		return float64(d.runs)
	}
	frac, w := 0.0, 1.0
	for i := range d.stack {
		n := &d.stack[i]
		if n.dead {
			break
		}
		var b, idx int
		if n.kind == DecValue {
			b, idx = n.n, n.opt
		} else {
			idx = len(n.explored) - 1
			b = len(n.explored)
			for _, t := range n.backtrack {
				if !slices.Contains(n.explored, t) && d.allowed(n, t) && !asleep(n.sleep, t) {
					b++
				}
			}
		}
		if b <= 0 {
			continue
		}
		frac += w * float64(idx) / float64(b)
		w /= float64(b)
	}
	frac += w // the current run's own leaf
	if frac <= 0 {
		return float64(d.runs)
	}
	return max(float64(d.runs), float64(d.runs)/frac)
}

// allowed reports whether taking t at n stays within the preemption bound.
func (d *DPOR) allowed(n *dporNode, t ThreadID) bool {
	if d.bound < 0 || n.cur < 0 || n.enabled[n.cur] == t {
		return true
	}
	return n.pre < d.bound
}

// enter starts a run at its first decision, backtracking first when the
// previous run ended without Finish.
func (d *DPOR) enter(kind DecisionKind, step int64) error {
	if d.err != nil {
		return d.err
	}
	if d.active && (step < d.lastStep || step == d.lastStep && kind == DecThread) {
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
		d.sleep = d.sleep[:0]
		d.scanEv, d.scanTouch, d.blockedAt = 0, 0, -1
	}
	d.lastStep = step
	return nil
}

// NextThread implements [Strategy].
func (d *DPOR) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	if err := d.enter(DecThread, step); err != nil {
		return 0, err
	}
	sleeping := d.bound < 0 && d.view.e != nil
	if sleeping {
		d.scan()
	}
	want := dporNode{step: step, kind: DecThread, n: len(enabled), cur: current, who: fingerprint(enabled)}
	var n *dporNode
	if d.pos < len(d.stack) {
		n = &d.stack[d.pos]
		if err := d.check(n, want); err != nil {
			return 0, err
		}
	} else {
		want.enabled = slices.Clone(enabled)
		want.pre = d.preempts
		if sleeping {
			want.sleep = slices.Clone(d.sleep)
		}
		choice, ok := ThreadID(-1), false
		if d.blockedAt < 0 {
			if current >= 0 && !asleep(d.sleep, enabled[current]) {
				choice, ok = enabled[current], true
			} else {
				for _, t := range enabled {
					if !asleep(d.sleep, t) && d.allowed(&want, t) {
						choice, ok = t, true
						break
					}
				}
			}
		}
		if !ok {
			// Every enabled task sleeps: this run repeats an explored
			// class. Finish it without preemptions and learn nothing.
			if d.blockedAt < 0 {
				d.blockedAt = len(d.view.Events())
			}
			want.dead = true
			choice = enabled[0]
			if current >= 0 {
				choice = enabled[current]
			}
		}
		want.opt = int(choice)
		want.backtrack = []ThreadID{choice}
		want.explored = []ThreadID{choice}
		d.stack = append(d.stack, want)
		n = &d.stack[d.pos]
	}
	d.pos++
	if sleeping {
		// The sleep set below n: n's own, and the tasks explored from n
		// before the one taken now.
		d.sleep = append(d.sleep[:0], n.sleep...)
		for _, f := range n.foot {
			if f.thread != ThreadID(n.opt) {
				d.sleep = append(d.sleep, f)
			}
		}
	}
	i := slices.Index(enabled, ThreadID(n.opt))
	if current >= 0 && i != current {
		d.preempts++
	}
	return i, nil
}

// NextValue implements [Strategy].
func (d *DPOR) NextValue(thread ThreadID, n int, step int64) (int, error) {
	if err := d.enter(DecValue, step); err != nil {
		return 0, err
	}
	want := dporNode{step: step, kind: DecValue, n: n, cur: int(thread)}
	if d.pos < len(d.stack) {
		node := &d.stack[d.pos]
		if err := d.check(node, want); err != nil {
			return 0, err
		}
		d.pos++
		return node.opt, nil
	}
	want.dead = d.blockedAt >= 0
	d.stack = append(d.stack, want)
	d.pos++
	return 0, nil
}

// check compares a replayed decision with the one the run makes.
func (d *DPOR) check(have *dporNode, want dporNode) error {
	var msg string
	switch {
	case have.kind != want.kind || have.step != want.step:
		msg = fmt.Sprintf("decision %d is a %s decision, but an earlier run with the same decisions made a %s decision at step %d there",
			d.pos, want.kind, have.kind, have.step)
	case have.n != want.n:
		msg = fmt.Sprintf("decision %d has %d options, but %d in an earlier run with the same decisions", d.pos, want.n, have.n)
	case have.cur != want.cur || have.who != want.who:
		msg = fmt.Sprintf("decision %d is among other tasks than in an earlier run with the same decisions", d.pos)
	default:
		return nil
	}
	d.err = fmt.Errorf("scheduler: %w at step %d: %s", ErrNondeterministic, want.step, msg)
	return d.err
}

// asleep reports whether t is in the sleep set s.
func asleep(s []sleeper, t ThreadID) bool {
	for i := range s {
		if s[i].thread == t {
			return true
		}
	}
	return false
}

// scan applies the steps logged since the last scan to the sleep set: a
// sleeper wakes when a step dependent with its own runs; a clock jump wakes
// every sleeper; a sleeper that takes a step (the only task enabled) makes
// the run redundant.
func (d *DPOR) scan() {
	events, touches := d.view.Events(), d.view.Touches()
	for ; d.scanEv < len(events); d.scanEv++ {
		ev := &events[d.scanEv]
		switch ev.Kind {
		case EvClock:
			d.sleep = d.sleep[:0]
		case EvStep, EvWake, EvTimeout:
			if asleep(d.sleep, ev.Thread) && d.blockedAt < 0 {
				d.blockedAt = d.scanEv
			}
			d.wake(access{ThreadObject(ev.Thread), Read})
			if ev.Kind != EvStep {
				d.wake(access{Global, Read})
			}
			for d.scanTouch < len(touches) && int(touches[d.scanTouch].Event) <= d.scanEv {
				tc := touches[d.scanTouch]
				if int(tc.Event) == d.scanEv {
					d.wake(access{tc.Obj, tc.Acc})
				}
				d.scanTouch++
			}
		case EvSpawn:
			d.wake(access{spawnObject, Write})
			d.wake(access{Global, Read})
		case EvExit:
			d.wake(access{ThreadObject(ev.Thread), Write})
			d.wake(access{Global, Read})
		case EvBlock:
			d.wake(access{Global, Read})
		}
	}
}

// wake removes from the sleep set every sleeper whose step is dependent with
// a.
func (d *DPOR) wake(a access) {
	d.sleep = slices.DeleteFunc(d.sleep, func(s sleeper) bool {
		for _, f := range s.foot {
			if f.obj == a.obj && (f.acc == Write || a.acc == Write) {
				return true
			}
		}
		return false
	})
}

// Finish implements [Finisher]: it finds the run's races, adds their
// backtrack points and moves on to the next schedule.
func (d *DPOR) Finish(steps int64) error {
	if d.err != nil {
		return d.err
	}
	if !d.active {
		if d.done {
			return errExplored
		}
		d.runs++
		d.sleep = d.sleep[:0]
		d.scanEv, d.scanTouch, d.blockedAt = 0, 0, -1
	}
	if d.pos == len(d.stack) && d.view.e != nil {
		d.analyze()
	}
	return d.end(steps, true)
}

// end backtracks: the deepest decision with an option left takes it.
func (d *DPOR) end(at int64, exact bool) error {
	made := d.pos
	if d.blockedAt >= 0 {
		d.redundant++
	}
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
		n := &d.stack[i]
		if n.dead {
			continue
		}
		if n.kind == DecValue {
			if n.opt+1 < n.n {
				n.opt++
				d.stack = d.stack[:i+1]
				return nil
			}
			continue
		}
		for _, t := range n.backtrack {
			if !slices.Contains(n.explored, t) && !asleep(n.sleep, t) && d.allowed(n, t) {
				n.opt = int(t)
				n.explored = append(n.explored, t)
				d.stack = d.stack[:i+1]
				return nil
			}
		}
	}
	d.stack = d.stack[:0]
	d.done = true
	return nil
}

// addBacktrack adds t to the backtrack set of n, or every enabled task of n
// when t is not enabled there.
func addBacktrack(n *dporNode, t ThreadID) {
	if slices.Contains(n.enabled, t) {
		if i, found := slices.BinarySearch(n.backtrack, t); !found {
			n.backtrack = slices.Insert(n.backtrack, i, t)
		}
		return
	}
	for _, u := range n.enabled {
		if i, found := slices.BinarySearch(n.backtrack, u); !found {
			n.backtrack = slices.Insert(n.backtrack, i, u)
		}
	}
}
