package model

import (
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"
)

// New returns the porcupine model of the CLUS_WORKER functions: the
// sequential specification that a history of Operations whose Input is an
// Input and whose Output is an Output must be linearizable against (rule
// LIN). The package documentation states the rules it encodes.
//
// The specification is nondeterministic (an unknown Create, a WAIT_TIMEOUT
// of WorkersTerminate), so the model's state is the set of states the
// system may be in, kept in one canonical order so that Equal is linear and
// Hash is well mixed. Its Step is pure and never panics, and it sets Equal,
// Hash, Partition (see [Partition]), DescribeOperation and DescribeState.
//
// New has no budget: porcupine's search on it may take time exponential in
// the number of overlapping calls. [CheckBudget] bounds it.
func New() porcupine.Model {
	m := newModel(nil)
	m.Partition = Partition
	return m
}

// newModel returns the model without a partition function, charging every
// model step to meter (nil: no budget).
func newModel(meter *meter) porcupine.Model {
	return porcupine.Model{
		Init: func() interface{} { return stateSet{nil} },
		Step: func(st, in, out interface{}) (bool, interface{}) {
			next := stepSet(st, in, out, meter)
			return len(next) > 0, next
		},
		Equal:             equalSets,
		Hash:              hashSet,
		DescribeOperation: describeOperation,
		DescribeState:     describeSet,
	}
}

// stateSet is the porcupine state: every state the system may be in,
// sorted by compareStates, without repeats.
type stateSet []state

// stepSet applies the operation to every state of the set and returns the
// set of results, nil when the operation is illegal in all of them or the
// meter refuses a step.
func stepSet(st, in, out interface{}, meter *meter) stateSet {
	set, ok := st.(stateSet)
	if !ok {
		return nil
	}
	var next stateSet
	for _, s := range set {
		if !meter.charge() {
			return nil
		}
		next = append(next, step(s, in, out)...)
	}
	if len(next) > 1 {
		slices.SortFunc(next, compareStates)
		next = slices.CompactFunc(next, func(a, b state) bool { return compareStates(a, b) == 0 })
	}
	return next
}

func equalSets(a, b interface{}) bool {
	return slices.EqualFunc(a.(stateSet), b.(stateSet), func(x, y state) bool { return compareStates(x, y) == 0 })
}

func hashSet(a interface{}) uint64 {
	set := a.(stateSet)
	if len(set) == 1 {
		return set[0].hash()
	}
	h := hashSeed ^ uint64(len(set))
	for _, s := range set {
		h = mix(h, s.hash())
	}
	return finish(h)
}

// describeSet renders a set of states as porcupine's nondeterministic
// models do: "{state, state}".
func describeSet(st interface{}) string {
	set, ok := st.(stateSet)
	if !ok {
		return describeState(st)
	}
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = describeState(s)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// Check reports whether history is linearizable against New(). It has no
// budget, so the result is always porcupine.Ok or porcupine.Illegal, never
// porcupine.Unknown, but it may take time exponential in the number of
// calls that overlap; prefer [CheckBudget], which is what the property
// harness uses.
func Check(history []porcupine.Operation) porcupine.CheckResult {
	if v, _ := CheckBudget(history, Unlimited); v == Linearizable {
		return porcupine.Ok
	}
	return porcupine.Illegal
}

// CheckVerbose is Check that also returns the linearization information for
// porcupine.Visualize (with New() as the model) and for annotations. Like
// Check it has no budget; [CheckVerboseBudget] has one.
func CheckVerbose(history []porcupine.Operation) (porcupine.CheckResult, porcupine.LinearizationInfo) {
	v, _, info := CheckVerboseBudget(history, Unlimited)
	if v == Linearizable {
		return porcupine.Ok, info
	}
	return porcupine.Illegal, info
}

// Partition splits a history into parts that share no CLUS_WORKER struct:
// two structs are in one part when some operation names both (a MultiReturn,
// or an ExSignal with Workers), directly or through other structs. The
// model's state is a product of per-struct states and every operation
// reads and writes only the structs it names, so the history is
// linearizable if and only if every part is (P-compositionality). An
// operation that names no struct (a MultiReturn with a NULL entry or an
// empty array) goes with the part of its Worker. Parts come out in
// increasing order of their smallest struct, each in history order. When
// some Input is not an Input the history stays whole.
func Partition(history []porcupine.Operation) [][]porcupine.Operation {
	idx, _ := partitionIndex(history)
	return pick(history, idx)
}

// pick returns the operations of history at each part's positions.
func pick(history []porcupine.Operation, idx [][]int) [][]porcupine.Operation {
	out := make([][]porcupine.Operation, len(idx))
	for i, part := range idx {
		out[i] = make([]porcupine.Operation, len(part))
		for j, k := range part {
			out[i][j] = history[k]
		}
	}
	return out
}

// partitionIndex is Partition by positions in history; it also returns
// each part's structs, sorted.
func partitionIndex(history []porcupine.Operation) (idx [][]int, workers [][]int) {
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		p, ok := parent[x]
		if !ok {
			parent[x] = x
			return x
		}
		if p == x {
			return x
		}
		r := find(p)
		parent[x] = r
		return r
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		switch {
		case ra < rb:
			parent[rb] = ra
		case rb < ra:
			parent[ra] = rb
		}
	}
	home := make([]int, len(history)) // the struct whose part each op joins
	for k, op := range history {
		in, ok := inputOf(op.Input)
		if !ok {
			all := make([]int, len(history))
			for i := range all {
				all[i] = i
			}
			return [][]int{all}, [][]int{nil}
		}
		home[k] = in.Worker
		ws := touched(in)
		if len(ws) > 0 {
			home[k] = ws[0]
		}
		find(home[k])
		for _, w := range ws {
			union(ws[0], w)
		}
	}
	// The root of each set is its smallest struct (union keeps the smaller
	// root), so ordering parts by root orders them by smallest struct.
	var roots []int
	for w := range parent {
		if find(w) == w {
			roots = append(roots, w)
		}
	}
	slices.Sort(roots)
	index := make(map[int]int, len(roots))
	for i, r := range roots {
		index[r] = i
	}
	idx = make([][]int, len(roots))
	workers = make([][]int, len(roots))
	for w := range parent {
		i := index[find(w)]
		workers[i] = append(workers[i], w)
	}
	for _, ws := range workers {
		slices.Sort(ws)
	}
	for k := range history {
		i := index[find(home[k])]
		idx[i] = append(idx[i], k)
	}
	return idx, workers
}

// touched returns the structs whose state the operation reads or writes.
func touched(in Input) []int {
	switch {
	case in.Kind == MultiReturn && in.NullEntry:
		return nil
	case in.Kind == MultiReturn, in.Kind == ExSignal && len(in.Workers) > 0:
		ws, _ := distinctWorkers(in.Workers)
		if len(ws) == 0 {
			// An invalid entry makes the step illegal in every state; an
			// empty array reads nothing.
			return nil
		}
		return ws
	}
	return []int{in.Worker}
}
