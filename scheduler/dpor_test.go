package scheduler_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/scheduler"
)

// A toy program for DPOR: tasks that read and write shared variables, take a
// blocking lock (with or without a timeout), branch on what they read and
// on data decisions, and spawn helpers. Every access touches what it uses,
// as package sim does for the kernel.
type toyOp struct {
	kind   int // toyRead, toyWrite, ...
	v      int // variable (or lock) index
	val    int
	timed  bool
	branch []toyOp // toyIfOdd: run when the last read was odd; toyChoose: run on outcome 1
}

const (
	toyRead = iota
	toyWrite
	toyLock
	toyUnlock
	toyIfOdd
	toyChoose
	toySpawn
	toyKinds
)

type toyProgram struct {
	tasks [][]toyOp
	vars  int
	locks int
}

type toyLockWaiter struct{ held *bool }

func (w toyLockWaiter) Ready() bool      { return !*w.held }
func (w toyLockWaiter) Describe() string { return "toy lock" }

// body returns the program's main body and a function that returns what
// its last run observed: every read's value, every lock taken or timed out,
// the final variables.
func (p *toyProgram) body() (func(*scheduler.Task), func() string) {
	var vars []int
	var reads [][]int
	outcome := func() string { return fmt.Sprintf("vars %v reads %v", vars, reads) }
	return func(main *scheduler.Task) {
		vars = make([]int, p.vars)
		held := make([]bool, p.locks)
		reads = make([][]int, len(p.tasks))
		opRead, opWrite, opLock, opUnlock, opChoose := main.Intern("read"), main.Intern("write"), main.Intern("lock"), main.Intern("unlock"), main.Intern("choose")
		varObj := func(v int) scheduler.Object { return scheduler.MakeObject(1, uint64(v)) }
		lockObj := func(v int) scheduler.Object { return scheduler.MakeObject(2, uint64(v)) }
		var exec func(t *scheduler.Task, id int, ops []toyOp)
		exec = func(t *scheduler.Task, id int, ops []toyOp) {
			last := 0
			for _, op := range ops {
				switch op.kind {
				case toyRead:
					t.Step(opRead, int64(op.v), 0, 0)
					t.Touch(varObj(op.v), scheduler.Read)
					last = vars[op.v]
					reads[id] = append(reads[id], last)
				case toyWrite:
					t.Step(opWrite, int64(op.v), int64(op.val), 0)
					t.Touch(varObj(op.v), scheduler.Write)
					vars[op.v] = op.val
				case toyLock:
					t.Step(opLock, int64(op.v), 0, 0)
					t.Touch(lockObj(op.v), scheduler.Write)
					got := true
					for held[op.v] {
						deadline := int64(-1)
						if op.timed {
							deadline = t.Now() + 5
						}
						timedOut := t.Block(toyLockWaiter{&held[op.v]}, deadline, opLock, int64(op.v), 0)
						t.Touch(lockObj(op.v), scheduler.Write)
						if timedOut && held[op.v] {
							got = false
							break
						}
					}
					if got {
						held[op.v] = true
					}
					reads[id] = append(reads[id], 100+b2i(got))
					if !got {
						return // a timed-out lock ends the task
					}
				case toyUnlock:
					t.Step(opUnlock, int64(op.v), 0, 0)
					t.Touch(lockObj(op.v), scheduler.Write)
					held[op.v] = false
				case toyIfOdd:
					if last%2 == 1 {
						exec(t, id, op.branch)
					}
				case toyChoose:
					if t.Choose(opChoose, 2) == 1 {
						exec(t, id, op.branch)
					}
				case toySpawn:
					child := len(reads)
					reads = append(reads, nil)
					body := op.branch
					t.Spawn("helper", func(c *scheduler.Task) { exec(c, child, body) })
				}
			}
		}
		for i, ops := range p.tasks {
			main.Spawn(fmt.Sprintf("T%d", i), func(t *scheduler.Task) { exec(t, i, ops) })
		}
	}, outcome
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// toyOps draws a list of operations; depth limits nesting.
func toyOps(t *rapid.T, label string, vars, locks, depth int) []toyOp {
	n := rapid.IntRange(1, 3).Draw(t, label+".n")
	var ops []toyOp
	heldLocks := []int{}
	for i := range n {
		l := fmt.Sprintf("%s.%d", label, i)
		kind := rapid.IntRange(0, toyKinds-1).Draw(t, l+".kind")
		op := toyOp{kind: kind}
		switch kind {
		case toyRead, toyWrite:
			op.v = rapid.IntRange(0, vars-1).Draw(t, l+".v")
			op.val = rapid.IntRange(1, 3).Draw(t, l+".val")
		case toyLock:
			op.v = rapid.IntRange(0, locks-1).Draw(t, l+".v")
			op.timed = rapid.Bool().Draw(t, l+".timed")
			if slices.Contains(heldLocks, op.v) {
				op.kind = toyUnlock
				heldLocks = slices.DeleteFunc(heldLocks, func(v int) bool { return v == op.v })
			} else {
				heldLocks = append(heldLocks, op.v)
			}
		case toyUnlock:
			if len(heldLocks) == 0 {
				op.kind, op.v = toyRead, 0
				break
			}
			op.v = heldLocks[len(heldLocks)-1]
			heldLocks = heldLocks[:len(heldLocks)-1]
		case toyIfOdd, toyChoose, toySpawn:
			if depth == 0 {
				op.kind, op.v, op.val = toyWrite, 0, 2
				break
			}
			op.branch = toyOps(t, l+".b", vars, locks, depth-1)
		}
		ops = append(ops, op)
	}
	for i := len(heldLocks) - 1; i >= 0; i-- {
		ops = append(ops, toyOp{kind: toyUnlock, v: heldLocks[i]})
	}
	return ops
}

func drawToy(t *rapid.T) *toyProgram {
	p := &toyProgram{vars: rapid.IntRange(1, 2).Draw(t, "vars"), locks: 1}
	tasks := rapid.IntRange(2, 3).Draw(t, "tasks")
	for i := range tasks {
		p.tasks = append(p.tasks, toyOps(t, fmt.Sprintf("t%d", i), p.vars, p.locks, 1))
	}
	return p
}

// observing makes any strategy an Observer, so that the engine records
// touches for it.
type observing struct{ scheduler.Strategy }

func (observing) Observe(scheduler.View) {}

func (o observing) Finish(steps int64) error {
	if f, ok := o.Strategy.(scheduler.Finisher); ok {
		return f.Finish(steps)
	}
	return nil
}

// classOf returns a key of the Mazurkiewicz class of a run: for every
// object, the order of its writes and, for every read, the write it follows.
// Two runs are equivalent exactly when their keys are equal.
func classOf(r *scheduler.Result) string {
	type acc struct {
		thread scheduler.ThreadID
		local  int
	}
	local := map[scheduler.ThreadID]int{}
	stepOf := map[int32]acc{}
	for i, ev := range r.Events {
		switch ev.Kind {
		case scheduler.EvStep, scheduler.EvWake, scheduler.EvTimeout:
			local[ev.Thread]++
			stepOf[int32(i)] = acc{ev.Thread, local[ev.Thread]}
		}
	}
	writes := map[scheduler.Object][]acc{}
	var reads []string
	for _, tc := range r.Touches {
		a := stepOf[tc.Event]
		if tc.Acc == scheduler.Write {
			writes[tc.Obj] = append(writes[tc.Obj], a)
			continue
		}
		reads = append(reads, fmt.Sprintf("%x:%v@%d", tc.Obj, a, len(writes[tc.Obj])))
	}
	slices.Sort(reads)
	var objs []scheduler.Object
	for o := range writes {
		objs = append(objs, o)
	}
	slices.Sort(objs)
	var b strings.Builder
	for _, o := range objs {
		fmt.Fprintf(&b, "%x=%v;", o, writes[o])
	}
	b.WriteString(strings.Join(reads, ","))
	return b.String()
}

// exploreAll runs program until done() and returns the outcomes and classes
// seen, and the number of runs.
func exploreAll(t *rapid.T, s scheduler.Strategy, done func() bool, p *toyProgram, limit int) (outcomes, classes map[string]bool, runs int) {
	outcomes, classes = map[string]bool{}, map[string]bool{}
	e := scheduler.New(scheduler.Config{MaxSteps: 10_000})
	body, outcome := p.body()
	for !done() {
		if runs++; runs > limit {
			t.Skip("too many schedules for this test")
		}
		r := e.Run(s, body)
		if r.Failure != nil && r.Failure.Kind != scheduler.Deadlock {
			t.Fatalf("run %d: %v", runs, r.Failure)
		}
		fail := ""
		if r.Failure != nil {
			fail = " deadlock"
		}
		outcomes[outcome()+fail] = true
		classes[classOf(r)] = true
	}
	return outcomes, classes, runs
}

// TestDPORCoversEveryClass checks DPOR against DFS on generated programs:
// unbounded, DPOR reaches every outcome and every class of schedules DFS
// reaches, in no more runs; bounded by k preemptions, DPOR reaches every
// outcome DFS reaches within k.
func TestDPORCoversEveryClass(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		p := drawToy(t)
		bound := rapid.SampledFrom([]int{-1, 0, 1, 2}).Draw(t, "bound")
		dfs := scheduler.NewDFS(bound)
		// Under the race detector, whose memory grows with every run's
		// goroutines, only the small programs are compared.
		limit := 20_000
		if raceEnabled {
			limit = 60
		}
		wantOut, wantClasses, dfsRuns := exploreAll(t, observing{dfs}, dfs.Done, p, limit)
		if dfs.Err() != nil {
			t.Fatal(dfs.Err())
		}
		dpor := scheduler.NewDPOR(bound)
		gotOut, gotClasses, dporRuns := exploreAll(t, dpor, dpor.Done, p, limit)
		if dpor.Err() != nil {
			t.Fatal(dpor.Err())
		}
		for o := range wantOut {
			if !gotOut[o] {
				t.Fatalf("bound %d: DPOR (%d runs) never reached outcome %q that DFS (%d runs) reached", bound, dporRuns, o, dfsRuns)
			}
		}
		if bound < 0 {
			for c := range wantClasses {
				if !gotClasses[c] {
					t.Fatalf("DPOR (%d runs) never ran class %q that DFS (%d runs) ran", dporRuns, c, dfsRuns)
				}
			}
			if dporRuns > dfsRuns {
				t.Fatalf("DPOR took %d runs, DFS %d", dporRuns, dfsRuns)
			}
			if dpor.Classes() < len(wantClasses) {
				t.Fatalf("DPOR counts %d classes, there are %d", dpor.Classes(), len(wantClasses))
			}
		}
	})
}
