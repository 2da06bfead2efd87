package model

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
)

const (
	ok      = porcupine.Ok
	illegal = porcupine.Illegal
)

type historyCase struct {
	rules string // the rules the case exercises
	name  string
	h     []porcupine.Operation
	want  porcupine.CheckResult
}

// reuseCycles builds n Online/Offline rounds on worker 0: Create, the routine
// checks FALSE, a first Terminate raises the flag, the routine sees TRUE and
// exits, the Terminate returns.
func reuseCycles(n int) []porcupine.Operation {
	var h []porcupine.Operation
	for i := 0; i < n; i++ {
		t := int64(i * 10)
		h = hist(h,
			create(0, t+1, t+3, ErrorSuccess),
			check(0, t+2, t+4, false), // overlaps Create: must see the new round's FALSE
			terminate(0, i+1, t+5, t+9),
			check(0, t+6, t+7, true),
			exit(0, t+8),
		)
	}
	return h
}

func historyCases() []historyCase {
	tmo := func(timeout uint32, deadline int64) exArgs { return exArgs{timeout: timeout, deadline: deadline} }
	inf := exArgs{timeout: Infinite}
	return []historyCase{
		// D1, D3: Create starts the routine with the flag FALSE; Check reads it.
		{"D1 D3", "created routine sees FALSE then exits", hist(
			create(0, 1, 2, ErrorSuccess), check(0, 3, 4, false), exit(0, 5)), ok},
		{"D1 D3", "check overlapping Create sees FALSE", hist(
			create(0, 1, 4, ErrorSuccess), check(0, 2, 3, false)), ok},
		{"D3", "check TRUE with nobody terminating", hist(
			create(0, 1, 2, ErrorSuccess), check(0, 3, 4, true)), illegal},
		{"D1 D3", "check on a struct that was never created", hist(
			check(0, 1, 2, false)), illegal},
		{"D3 D8", "flag stays TRUE after TerminateEx timed out", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 6, WaitTimeout, tmo(10, 5)),
			check(0, 7, 8, true)), ok},
		{"D3 D8", "check FALSE after TerminateEx raised the flag", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 6, WaitTimeout, tmo(10, 5)),
			check(0, 7, 8, false)), illegal},

		// S1: reuse of one struct across rounds.
		{"S1", "three reuse rounds", reuseCycles(3), ok},
		{"S1", "new routine reads the previous round's flag during Create", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 8), check(0, 4, 5, true), exit(0, 6),
			create(0, 11, 14, ErrorSuccess), check(0, 12, 13, true)), illegal},
		{"S1", "stale flag after the new Create returned", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 8), check(0, 4, 5, true), exit(0, 6),
			create(0, 11, 14, ErrorSuccess), check(0, 15, 16, true)), illegal},
		{"S1 D5", "first Terminate of the new round returns before its exit", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 8), check(0, 4, 5, true), exit(0, 6),
			create(0, 11, 14, ErrorSuccess), terminate(0, 2, 15, 17), exit(0, 18)), illegal},
		{"S1 D6", "Terminate on a zeroed struct returns at once", hist(
			terminate(0, 1, 1, 2)), ok},

		// D5: the first Terminate raises the flag and waits for the exit.
		{"D5", "first Terminate waits for the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 10), check(0, 4, 5, true), exit(0, 6)), ok},
		{"D5", "first Terminate returns before the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 6), check(0, 4, 5, true), exit(0, 8)), illegal},
		{"D5", "first Terminate returns and the routine never exits", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 6)), illegal},
		{"D5 S2", "Terminate after the routine returned on its own", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3), terminate(0, 1, 4, 5)), ok},

		// D6, D7: exactly one caller is first; the others return at once.
		{"D6 D7", "second Terminate returns before the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 20), terminate(0, 2, 4, 6),
			check(0, 7, 8, true), exit(0, 10)), ok},
		{"D6 D7", "the caller that came later is the first", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 5), terminate(0, 2, 4, 12), exit(0, 10)), ok},
		{"D6 D7", "two Terminates both return before the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 6), terminate(0, 2, 4, 7), exit(0, 10)), illegal},
		{"D7", "three Terminates, one waits", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 12), terminate(0, 2, 4, 6),
			terminate(0, 3, 5, 7), exit(0, 10)), ok},
		{"D7", "three Terminates, none waits", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 8), terminate(0, 2, 4, 6),
			terminate(0, 3, 5, 7), exit(0, 10)), illegal},
		{"D6 D8", "Terminate after TerminateEx raised the flag is not first", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 6, WaitTimeout, tmo(10, 5)),
			terminate(0, 2, 7, 8), exit(0, 10)), ok},

		// D8, P3: TerminateEx.
		{"D8", "TerminateEx signals then succeeds after the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, ErrorSuccess, inf),
			check(0, 4, 5, true), exit(0, 6)), ok},
		{"D8 P3", "TerminateEx succeeds before the exit", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 6, ErrorSuccess, inf), exit(0, 8)), illegal},
		{"D8 P3", "TerminateEx times out, exit after the call", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, WaitTimeout, tmo(250, 8)), exit(0, 12)), ok},
		{"D8 P3", "TerminateEx times out, exit inside the call after the deadline", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, WaitTimeout, tmo(250, 7)), exit(0, 8)), ok},
		{"D8 P3", "TerminateEx times out although the exit came before the deadline", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, WaitTimeout, tmo(250, 8)), exit(0, 6)), illegal},
		{"D8 P3", "TerminateEx times out before the deadline was reached", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, WaitTimeout, inf)), illegal},
		{"D8 P3", "TerminateEx times out after the routine had exited", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3), terminateEx(0, 1, 4, 6, WaitTimeout, tmo(0, 5))), illegal},
		{"D8 P3", "TerminateEx times out while the routine has returned but its thread is still closing up", hist(
			create(0, 1, 2, ErrorSuccess), exitGone(0, 3, 7), terminateEx(0, 1, 4, 6, WaitTimeout, tmo(0, 5))), ok},
		{"D8 P3", "TerminateEx times out although the thread was gone before the deadline", hist(
			create(0, 1, 2, ErrorSuccess), exitGone(0, 3, 4), terminateEx(0, 1, 3, 6, WaitTimeout, tmo(0, 5))), illegal},
		{"D8 P3", "TerminateEx times out on a thread that never finished", hist(
			create(0, 1, 2, ErrorSuccess), exitGone(0, 3, 0), terminateEx(0, 1, 4, 6, WaitTimeout, tmo(0, 5))), ok},
		{"P3", "TerminateEx on a zeroed struct succeeds at once", hist(
			terminateEx(0, 1, 1, 2, ErrorSuccess, tmo(0, 0))), ok},
		{"P3", "TerminateEx on a zeroed struct times out", hist(
			terminateEx(0, 1, 1, 3, WaitTimeout, tmo(0, 2))), illegal},
		{"D8", "TerminateEx returns an unexpected code", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3), terminateEx(0, 1, 4, 5, ErrorInvalidParameter, inf)), illegal},
		{"D8 P4", "two TerminateEx callers, one times out, one succeeds", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 12, WaitTimeout, tmo(100, 9)),
			terminateEx(0, 2, 4, 14, ErrorSuccess, inf), exit(0, 11)), ok},
		{"D8", "wait-only join leaves the flag FALSE", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true}),
			check(0, 4, 5, false), exit(0, 6)), ok},
		{"D8", "wait-only join raises the flag", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 10, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true}),
			check(0, 4, 5, true), exit(0, 6)), illegal},

		// D9, P7: WorkersTerminate.
		{"D9", "WorkersTerminate succeeds after both exits", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 12, ErrorSuccess, inf),
			check(0, 6, 7, true), check(1, 8, 9, true), exit(0, 10), exit(1, 11)), ok},
		{"D9", "WorkersTerminate succeeds while one worker runs", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 12, ErrorSuccess, inf), exit(0, 10), exit(1, 14)), illegal},
		{"D9 P3", "WorkersTerminate times out, one worker late", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 12, WaitTimeout, tmo(300, 10)), exit(0, 8), exit(1, 13)), ok},
		{"D9 P3", "WorkersTerminate times out, the late worker exits inside the call", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 12, WaitTimeout, tmo(300, 10)), exit(0, 7), exit(1, 11)), ok},
		{"D9 P3", "WorkersTerminate times out although both exited before the deadline", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 12, WaitTimeout, tmo(300, 10)), exit(0, 8), exit(1, 9)), illegal},
		{"D9", "wait-only WorkersTerminate leaves the flag FALSE", hist(
			create(0, 1, 2, ErrorSuccess),
			workersTerminate([]int{0}, 1, 3, 10, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true}),
			check(0, 4, 5, false), exit(0, 6)), ok},
		{"P7", "empty array succeeds", hist(
			workersTerminate([]int{}, 1, 1, 2, ErrorSuccess, tmo(0, 0))), ok},
		{"P7", "empty array times out", hist(
			workersTerminate([]int{}, 1, 1, 3, WaitTimeout, tmo(0, 2))), illegal},
		{"P7", "NULL entry returns ERROR_INVALID_PARAMETER and touches nothing", hist(
			create(0, 1, 2, ErrorSuccess),
			workersTerminate([]int{0}, 1, 3, 4, ErrorInvalidParameter, exArgs{timeout: Infinite, null: true}),
			check(0, 5, 6, false)), ok},
		{"P7", "NULL entry returns ERROR_SUCCESS", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3),
			workersTerminate([]int{0}, 1, 4, 5, ErrorSuccess, exArgs{timeout: Infinite, null: true})), illegal},
		{"P7", "one-step signal: a worker sees FALSE after another saw TRUE", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 20, ErrorSuccess, exArgs{timeout: Infinite, atomic: true}),
			check(1, 6, 7, true), check(0, 8, 9, false), exit(0, 10), exit(1, 11)), illegal},
		{"P7", "one-step signal: both workers see TRUE", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 20, ErrorSuccess, exArgs{timeout: Infinite, atomic: true}),
			check(1, 6, 7, true), check(0, 8, 9, true), exit(0, 10), exit(1, 11)), ok},
		{"P7", "per-worker signals cannot show the one-step rule", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 20, ErrorSuccess, inf),
			check(1, 6, 7, true), check(0, 8, 9, false), exit(0, 10), exit(1, 11)), ok},
		{"D9", "a worker listed twice counts once", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3),
			workersTerminate([]int{0, 0}, 1, 4, 5, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true})), ok},

		// P1: a worker terminating itself.
		{"P1", "self Terminate returns without waiting", hist(
			create(0, 1, 2, ErrorSuccess), terminateBy(0, 1, 3, 4, true), check(0, 5, 6, true), exit(0, 7)), ok},
		{"P1 D5", "the same Terminate from another thread must wait", hist(
			create(0, 1, 2, ErrorSuccess), terminateBy(0, 1, 3, 4, false), check(0, 5, 6, true), exit(0, 7)), illegal},
		{"P1", "self TerminateEx returns ERROR_POSSIBLE_DEADLOCK with the flag raised", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 4, ErrorPossibleDeadlock, exArgs{timeout: Infinite, self: true}),
			check(0, 5, 6, true), exit(0, 7)), ok},
		{"P1", "self wait-only TerminateEx leaves the flag FALSE", hist(
			create(0, 1, 2, ErrorSuccess),
			terminateEx(0, 1, 3, 4, ErrorPossibleDeadlock, exArgs{timeout: Infinite, self: true, waitOnly: true}),
			check(0, 5, 6, false), exit(0, 7)), ok},
		{"P1", "ERROR_POSSIBLE_DEADLOCK for another thread's call", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, 4, ErrorPossibleDeadlock, inf), exit(0, 7)), illegal},
		{"P1", "self WorkersTerminate returns ERROR_POSSIBLE_DEADLOCK", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			workersTerminate([]int{0, 1}, 1, 5, 6, ErrorPossibleDeadlock, exArgs{timeout: Infinite, self: true}),
			check(0, 7, 8, true)), ok},
		{"P1", "ERROR_POSSIBLE_DEADLOCK from another thread's WorkersTerminate", hist(
			create(0, 1, 2, ErrorSuccess),
			workersTerminate([]int{0}, 1, 3, 4, ErrorPossibleDeadlock, inf)), illegal},

		// P9: a failed Create.
		{"P9", "failed Create: Terminate and TerminateEx return at once", hist(
			create(0, 1, 2, ErrorNotEnoughMemory), terminate(0, 1, 3, 4),
			terminateEx(0, 2, 5, 6, ErrorSuccess, inf)), ok},
		{"P9", "failed Create but the routine runs", hist(
			create(0, 1, 2, ErrorNotEnoughMemory), exit(0, 3)), illegal},
		{"P9", "failed Create but a check happens", hist(
			create(0, 1, 2, ErrorNotEnoughMemory), check(0, 3, 4, false)), illegal},
		{"P9 P3", "failed Create but TerminateEx times out", hist(
			create(0, 1, 2, ErrorNotEnoughMemory), terminateEx(0, 1, 3, 5, WaitTimeout, tmo(0, 4))), illegal},
		{"P9 S1", "failed Create after a finished round", hist(
			create(0, 1, 2, ErrorSuccess), exit(0, 3), create(0, 4, 5, ErrorNotEnoughMemory),
			terminate(0, 1, 6, 7), terminateEx(0, 2, 8, 9, ErrorSuccess, inf)), ok},

		// Calls that never returned (Output.Unknown).
		{"unknown", "pending Create whose routine ran", hist(
			create(0, 1, pending, 0), check(0, 2, 3, false), exit(0, 4)), ok},
		{"unknown", "pending Create that never took effect", hist(
			create(0, 1, pending, 0), terminate(0, 1, 2, 3)), ok},
		{"unknown", "pending Create does not excuse a wrong check", hist(
			create(0, 1, pending, 0), check(0, 2, 3, true)), illegal},
		{"unknown", "pending Check on a struct never created", hist(
			check(0, 1, pending, false)), ok},
		{"unknown", "pending first Terminate while the routine runs", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, pending), check(0, 4, 5, true)), ok},
		{"unknown", "pending first Terminate and a non-first that returned", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, pending), terminate(0, 2, 4, 5)), ok},
		{"unknown", "a later pending Terminate cannot take the first's place", hist(
			create(0, 1, 2, ErrorSuccess), terminate(0, 1, 3, 5), exit(0, 8), terminate(0, 2, 9, pending)), illegal},
		{"unknown", "pending TerminateEx still raised the flag", hist(
			create(0, 1, 2, ErrorSuccess), terminateEx(0, 1, 3, pending, 0, inf), check(0, 4, 5, true)), ok},
		{"unknown", "pending WorkersTerminate", hist(
			create(0, 1, 2, ErrorSuccess), workersTerminate([]int{0}, 1, 3, pending, 0, inf),
			check(0, 4, 5, true)), ok},
		{"unknown", "pending Check does not excuse a known wrong one", hist(
			create(0, 1, 2, ErrorSuccess), check(0, 3, pending, true), check(0, 4, 5, true)), illegal},

		// Independent workers.
		{"partition", "two workers, each correct", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			terminate(0, 1, 5, 9), terminate(1, 2, 6, 10), exit(0, 7), exit(1, 8)), ok},
		{"partition", "two workers, one wrong", hist(
			create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
			terminate(0, 1, 5, 9), terminate(1, 2, 6, 10), exit(0, 7), exit(1, 11)), illegal},
	}
}

func TestHistories(t *testing.T) {
	for _, c := range historyCases() {
		t.Run(c.rules+"/"+c.name, func(t *testing.T) {
			if err := Validate(c.h); err != nil {
				t.Fatalf("test history is malformed: %v", err)
			}
			if got := Check(c.h); got != c.want {
				t.Fatalf("Check = %v, want %v", got, c.want)
			}
		})
	}
}

// TestEveryCoveredRuleHasBothOutcomes keeps the table honest: each rule the
// model covers has at least one accepted and one rejected history.
func TestEveryCoveredRuleHasBothOutcomes(t *testing.T) {
	seen := map[RuleID]map[porcupine.CheckResult]bool{}
	for _, c := range historyCases() {
		for _, f := range strings.Fields(c.rules) {
			id := RuleID(f)
			if seen[id] == nil {
				seen[id] = map[porcupine.CheckResult]bool{}
			}
			seen[id][c.want] = true
		}
	}
	for _, r := range Rules() {
		if !r.InModel || r.ID == LIN {
			continue
		}
		if !seen[r.ID][ok] || !seen[r.ID][illegal] {
			t.Errorf("rule %s: accepted case %t, rejected case %t", r.ID, seen[r.ID][ok], seen[r.ID][illegal])
		}
	}
	for _, extra := range []RuleID{"unknown", "partition"} {
		if !seen[extra][ok] || !seen[extra][illegal] {
			t.Errorf("%s: need an accepted and a rejected case", extra)
		}
	}
}

// TestVisualize replays every case through CheckVerbose and porcupine's
// visualizer, which panics if Step is not deterministic or a description
// breaks.
func TestVisualize(t *testing.T) {
	for _, c := range historyCases() {
		res, info := CheckVerbose(c.h)
		if res != c.want {
			t.Errorf("%s: CheckVerbose = %v, want %v", c.name, res, c.want)
		}
		if err := porcupine.Visualize(New(), info, io.Discard); err != nil {
			t.Errorf("%s: Visualize: %v", c.name, err)
		}
	}
}

func TestPartition(t *testing.T) {
	perWorker := hist(create(1, 1, 2, 0), create(0, 3, 4, 0), exit(1, 5), terminate(0, 1, 6, 7))
	parts := Partition(perWorker)
	if len(parts) != 2 {
		t.Fatalf("got %d partitions, want 2", len(parts))
	}
	for i, p := range parts {
		for _, o := range p {
			if w := o.Input.(Input).Worker; w != i {
				t.Errorf("partition %d holds an op on worker %d", i, w)
			}
		}
	}
	if len(parts[1]) != 2 || parts[1][0].Call != 1 || parts[1][1].Call != 5 {
		t.Errorf("partition 1 lost history order: %v", parts[1])
	}
	multi := hist(perWorker, workersTerminate([]int{0, 1}, 9, 8, 9, 0, exArgs{waitOnly: true}))
	if got := len(Partition(multi)); got != 1 {
		t.Errorf("with a MultiReturn: %d partitions, want 1", got)
	}
	atomic := hist(perWorker, []porcupine.Operation{op(Input{Kind: ExSignal, Call: 9, Workers: []int{0, 1}}, Output{}, 8, 9)})
	if got := len(Partition(atomic)); got != 1 {
		t.Errorf("with a many-worker ExSignal: %d partitions, want 1", got)
	}
}

// TestPartitionComponents: a MultiReturn couples only the structs it names
// (and, through other MultiReturns, the structs those name); the others
// keep partitions of their own. A MultiReturn that names no struct joins
// the part of its Worker without coupling anything.
func TestPartitionComponents(t *testing.T) {
	var h []porcupine.Operation
	for w := 0; w < 6; w++ {
		h = hist(h, create(w, int64(10*w+1), int64(10*w+2), ErrorSuccess), exit(w, int64(10*w+3)))
	}
	h = hist(h,
		workersTerminate([]int{4, 1}, 91, 70, 71, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true}),
		workersTerminate([]int{1, 5}, 92, 72, 73, ErrorSuccess, exArgs{timeout: Infinite}),
		[]porcupine.Operation{op(Input{Kind: MultiReturn, Call: 93, Worker: 2, Workers: []int{2, 3}, NullEntry: true},
			Output{Code: ErrorInvalidParameter}, 74, 75)},
		[]porcupine.Operation{op(Input{Kind: MultiReturn, Call: 94, Worker: 3}, Output{Code: ErrorSuccess}, 76, 77)},
	)
	if err := Validate(h); err != nil {
		t.Fatal(err)
	}
	idx, workers := partitionIndex(h)
	want := [][]int{{0}, {1, 4, 5}, {2}, {3}}
	if fmt.Sprint(workers) != fmt.Sprint(want) {
		t.Fatalf("partition structs %v, want %v", workers, want)
	}
	seen := 0
	for i, part := range idx {
		for j, k := range part {
			seen++
			if j > 0 && part[j-1] >= k {
				t.Errorf("partition %d is not in history order: %v", i, part)
			}
			in := h[k].Input.(Input)
			ws := touched(in)
			if len(ws) == 0 {
				ws = []int{in.Worker}
			}
			for _, w := range ws {
				if !slices.Contains(workers[i], w) {
					t.Errorf("partition %d %v holds %s, which names w%d", i, workers[i], describeOperation(in, h[k].Output), w)
				}
			}
		}
	}
	if seen != len(h) {
		t.Errorf("partitions hold %d operations, the history %d", seen, len(h))
	}
	if v, st := CheckBudget(h, DefaultBudget); v != Linearizable || len(st.Partitions) != 4 {
		t.Errorf("CheckBudget = %v over %d partitions, want linearizable over 4", v, len(st.Partitions))
	}
}

// TestStepIsPure applies every operation of every case to every state
// reached along the way and checks that the state it was given is unchanged.
func TestStepIsPure(t *testing.T) {
	for _, c := range historyCases() {
		states := []state{nil}
		for _, o := range c.h {
			var next []state
			for _, s := range states {
				before := describeState(s)
				clone := deepClone(s)
				next = append(next, step(s, o.Input, o.Output)...)
				if describeState(s) != before || !equalStates(s, clone) || !deepEqual(s, clone) {
					t.Fatalf("%s: step(%s) changed its input state %s", c.name, describeOperation(o.Input, o.Output), before)
				}
			}
			if len(next) > 0 {
				states = next
			}
		}
	}
}

func deepClone(s state) state {
	out := make(state, len(s))
	for i, sl := range s {
		sl.w.signaled = append([]int(nil), sl.w.signaled...)
		out[i] = sl
	}
	return out
}

func deepEqual(a, b state) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].idx != b[i].idx || !a[i].w.equal(b[i].w) {
			return false
		}
	}
	return true
}

func TestEqualAndHash(t *testing.T) {
	w := worker{created: true, flag: true, first: 5, signaled: []int{5, 7}}
	a := dense(w)
	b := dense(w, worker{}, worker{})
	if !equalStates(a, b) || !equalStates(b, a) {
		t.Fatal("trailing zero workers must not make states differ")
	}
	if hashState(a) != hashState(b) {
		t.Fatal("equal states must hash equal")
	}
	if !equalStates(state(nil), dense(worker{})) || hashState(state(nil)) != hashState(dense(worker{})) {
		t.Fatal("the empty state and a zero worker must be equal with equal hashes")
	}
	if c := dense(w, worker{created: true}).with(1, worker{}); !equalStates(a, c) || hashState(a) != hashState(c) {
		t.Fatal("a worker set back to zero must leave the state equal to one that never had it")
	}
	variants := []worker{
		{created: true, flag: true, first: 5, signaled: []int{5}},
		{created: true, flag: true, first: 5, signaled: []int{5, 8}},
		{created: true, flag: true, first: 6, signaled: []int{5, 7}},
		{created: true, first: 5, signaled: []int{5, 7}},
		{flag: true, first: 5, signaled: []int{5, 7}},
		{created: true, flag: true, exited: true, exitTick: 3, first: 5, signaled: []int{5, 7}},
		{created: true, flag: true, aliveAt: 9, first: 5, signaled: []int{5, 7}},
	}
	for _, v := range variants {
		if equalStates(a, dense(v)) {
			t.Errorf("%s equals %s", describeState(dense(v)), describeState(a))
		}
		if hashState(a) == hashState(dense(v)) {
			t.Errorf("%s and %s hash equal", describeState(dense(v)), describeState(a))
		}
	}
	if equalStates(a, dense(worker{}, w)) || hashState(a) == hashState(dense(worker{}, w)) {
		t.Error("the same worker at another index must differ")
	}
	if hashState(a) != hashState(deepClone(a)) {
		t.Error("hash is not deterministic")
	}
}

func TestStepRejectsMalformedInputs(t *testing.T) {
	good := Input{Kind: TerminateSignal, Call: 1}
	cases := []struct {
		name    string
		st, in  interface{}
		out     interface{}
		wantAny bool
	}{
		{"valid signal", state(nil), good, nil, true},
		{"pointer input and output", state(nil), &Input{Kind: Create, Call: 1}, &Output{}, true},
		{"wrong state type", 3, good, nil, false},
		{"wrong input type", state(nil), "Terminate", nil, false},
		{"nil input pointer", state(nil), (*Input)(nil), nil, false},
		{"wrong output type", state(nil), good, 42, false},
		{"zero kind", state(nil), Input{Call: 1}, nil, false},
		{"kind out of range", state(nil), Input{Kind: MultiReturn + 1, Call: 1}, nil, false},
		{"negative worker", state(nil), Input{Kind: TerminateSignal, Call: 1, Worker: -1}, nil, false},
		{"worker beyond MaxWorkers", state(nil), Input{Kind: TerminateSignal, Call: 1, Worker: MaxWorkers}, nil, false},
		{"call id 0", state(nil), Input{Kind: TerminateSignal}, nil, false},
		{"bad Workers entry", state(nil), Input{Kind: ExSignal, Call: 1, Workers: []int{0, -2}}, nil, false},
		{"bad Workers entry in MultiReturn", state(nil), Input{Kind: MultiReturn, Call: 1, Workers: []int{MaxWorkers}, WaitOnly: true}, Output{}, false},
	}
	for _, c := range cases {
		got := step(c.st, c.in, c.out)
		if (len(got) > 0) != c.wantAny {
			t.Errorf("%s: step returned %d states", c.name, len(got))
		}
	}
}

func TestUnknownCreateKeepsAllOutcomes(t *testing.T) {
	prev := dense(worker{created: true, flag: true, exited: true, exitTick: 3, first: 1})
	got := step(prev, Input{Kind: Create, Call: 9}, Output{Unknown: true})
	var descs []string
	for _, s := range got {
		descs = append(descs, describeState(s))
	}
	want := []string{"w0{created flag exited@3 first=#1}", "w0{created}", "(all zero)"}
	if fmt.Sprint(descs) != fmt.Sprint(want) {
		t.Fatalf("unknown Create gives %q, want %q", descs, want)
	}
}

func TestCheckResultIsNeverUnknown(t *testing.T) {
	// A larger history: eight reuse rounds on each of four workers, all
	// interleaved into one partition by a final WorkersTerminate.
	var h []porcupine.Operation
	for w := 0; w < 4; w++ {
		for _, o := range reuseCycles(8) {
			in := o.Input.(Input)
			in.Worker = w
			if in.Kind != Exit {
				in.Call += 10000 * w
			}
			o.Input = in
			h = append(h, o)
		}
	}
	h = append(h, workersTerminate([]int{0, 1, 2, 3}, 99999, 200, 201, ErrorSuccess, exArgs{timeout: Infinite, waitOnly: true})...)
	if err := Validate(h); err != nil {
		t.Fatal(err)
	}
	if got := Check(h); got != porcupine.Ok {
		t.Fatalf("Check = %v, want Ok", got)
	}
}
