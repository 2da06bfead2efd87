package model

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/anishathalye/porcupine"
)

// Verdict is the outcome of a linearizability check with a budget.
type Verdict int

// The verdicts of [CheckBudget]. The zero Verdict is none of them.
const (
	// Linearizable: the check found a linearization.
	Linearizable Verdict = iota + 1
	// NotLinearizable: the check explored every candidate order of some
	// part of the history within the budget and none fits the model.
	NotLinearizable
	// Undecided: the budget ran out before the check could tell. It is not
	// a failure of the history, and not a pass either.
	Undecided
)

// String returns "linearizable", "not linearizable" or "undecided".
func (v Verdict) String() string {
	switch v {
	case Linearizable:
		return "linearizable"
	case NotLinearizable:
		return "not linearizable"
	case Undecided:
		return "undecided"
	}
	return "Verdict(" + strconv.Itoa(int(v)) + ")"
}

// DefaultBudget is the budget the property harness gives [CheckBudget]
// unless told otherwise. A model step is one application of the sequential
// specification to one state (one call of the step function; an operation
// applied to a set of k possible states is k steps).
//
// Measured on a 2-core machine, porcupine spends 0.2 to 0.9 µs per step
// (more on longer histories, whose cache keys are longer), so a check that
// exhausts this budget returns in 0.1 to 0.35 s, with a peak heap from
// 20 MB (a few hundred operations) to 140 MB (24,000 operations in one
// part). Real scenarios need tens to tens of thousands of steps; 256
// racing terminators need about a thousand.
const DefaultBudget int64 = 500_000

// Unlimited is a budget that never runs out, for exact checks such as
// [Check].
const Unlimited int64 = math.MaxInt64

// Stats says what a budgeted check did.
type Stats struct {
	// Budget is the budget the check was given.
	Budget int64
	// Steps is the number of model steps it used, over all partitions; it
	// never exceeds Budget.
	Steps int64
	// Partitions describes each part of [Partition], in that order (by
	// smallest struct).
	Partitions []PartitionStats
}

// PartitionStats says what the check did on one part of the history.
type PartitionStats struct {
	// Workers are the part's structs, sorted.
	Workers []int
	// Ops are the part's operations, in history order, as given.
	Ops []porcupine.Operation
	// Allowance is the share of the budget the part could use, Steps the
	// model steps it did use.
	Allowance, Steps int64
	// Verdict is the part's own verdict.
	Verdict Verdict
}

// Failing returns the first part (by smallest struct) that is not
// linearizable, and false when there is none.
func (s Stats) Failing() (PartitionStats, bool) {
	for _, p := range s.Partitions {
		if p.Verdict == NotLinearizable {
			return p, true
		}
	}
	return PartitionStats{}, false
}

// CheckBudget checks whether history is linearizable against the model,
// spending at most budget model steps (see [DefaultBudget]) over the whole
// history, and says whether it could decide.
//
// The history is split by [Partition] and the parts are checked one after
// the other, on the calling goroutine's behalf, by porcupine's depth-first
// search, which is deterministic: the same history and budget always give
// the same verdict and the same step counts, on any machine, whatever the
// load. Parts are checked from the smallest to the largest (by number of
// operations, then by smallest struct); each may use an equal share of what
// is left of the budget, so that what a small part does not use goes to the
// larger ones. When a part's share runs out, the step that would exceed it
// is refused (it admits no next state), porcupine unwinds its search and
// reports the part as not linearizable; that answer is discarded and the
// part is Undecided. A part found linearizable is linearizable, whatever
// the budget; a part found not linearizable without the budget running out
// is not linearizable.
//
// The verdict is NotLinearizable when some part is, else Undecided when
// some part is, else Linearizable. A budget below 1 decides only the empty
// history.
func CheckBudget(history []porcupine.Operation, budget int64) (Verdict, Stats) {
	v, st, _ := checkBudget(history, budget, false)
	return v, st
}

// CheckVerboseBudget is CheckBudget that also returns the linearization
// information for porcupine.Visualize (with New() as the model). It checks
// each part twice: once as CheckBudget does, to fix each part's share, and
// once more with porcupine's verbose checker, which runs the parts in
// parallel but, with the same shares, repeats exactly the same searches. It
// therefore costs up to twice the budget.
func CheckVerboseBudget(history []porcupine.Operation, budget int64) (Verdict, Stats, porcupine.LinearizationInfo) {
	return checkBudget(history, budget, true)
}

// checkBudget is CheckBudget, and CheckVerboseBudget when verbose is set.
func checkBudget(history []porcupine.Operation, budget int64, verbose bool) (Verdict, Stats, porcupine.LinearizationInfo) {
	idx, workers := partitionIndex(history)
	parts := pick(prepare(history), idx)
	given := pick(history, idx)
	st := Stats{Budget: budget, Partitions: make([]PartitionStats, len(parts))}
	order := make([]int, len(parts))
	for i := range parts {
		order[i] = i
		st.Partitions[i] = PartitionStats{Workers: workers[i], Ops: given[i]}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(parts[a]), len(parts[b])) })
	left := max(budget, 0)
	for k, i := range order {
		p := &st.Partitions[i]
		p.Allowance = left / int64(len(order)-k)
		m := &meter{limit: p.Allowance}
		ok := porcupine.CheckOperations(newModel(m), parts[i])
		p.Steps = m.used
		left -= m.used
		st.Steps += m.used
		switch {
		case ok:
			p.Verdict = Linearizable
		case m.refused:
			p.Verdict = Undecided
		default:
			p.Verdict = NotLinearizable
		}
	}
	v := Linearizable
	for _, p := range st.Partitions {
		switch p.Verdict {
		case NotLinearizable:
			v = NotLinearizable
		case Undecided:
			if v == Linearizable {
				v = Undecided
			}
		}
	}
	var info porcupine.LinearizationInfo
	if verbose {
		info, _ = verboseInfo(parts, st)
	}
	return v, st, info
}

// verboseInfo reruns the parts with porcupine's verbose checker, each with
// the share it had, which repeats each part's search step for step; it
// returns the information and the steps each part took. Every part has a
// meter of its own, which only the goroutine porcupine runs the part on
// touches, found through the operations' part field.
func verboseInfo(parts [][]porcupine.Operation, st Stats) (porcupine.LinearizationInfo, []int64) {
	meters := make([]*meter, len(parts))
	var all []porcupine.Operation
	tagged := make([][]porcupine.Operation, len(parts))
	for i, part := range parts {
		meters[i] = &meter{limit: st.Partitions[i].Allowance}
		tagged[i] = make([]porcupine.Operation, len(part))
		for j, op := range part {
			if in, ok := op.Input.(Input); ok { // prepare made every *Input an Input
				in.part = i + 1
				op.Input = in
			}
			tagged[i][j] = op
		}
		all = append(all, tagged[i]...)
	}
	m := newModel(nil)
	m.Partition = func([]porcupine.Operation) [][]porcupine.Operation { return tagged }
	m.Step = func(s, in, out interface{}) (bool, interface{}) {
		i, ok := in.(Input) // prepare made every *Input an Input
		if !ok || i.part < 1 || i.part > len(meters) {
			return false, nil // not an Input, so illegal in every state
		}
		next := stepSet(s, in, out, meters[i.part-1])
		return len(next) > 0, next
	}
	_, info := porcupine.CheckOperationsVerbose(m, all, 0)
	used := make([]int64, len(meters))
	for i, mt := range meters {
		used[i] = mt.used
	}
	return info, used
}

// meter counts model steps against a limit. A nil meter has no limit.
type meter struct {
	limit, used int64
	// refused is set once a step was refused for want of budget.
	refused bool
}

// charge counts one model step and reports whether it may be taken.
func (m *meter) charge() bool {
	if m == nil {
		return true
	}
	if m.used >= m.limit {
		m.refused = true
		return false
	}
	m.used++
	return true
}

// prepare returns a copy of history in which the checker's hints are set
// and every *Input is an Input (the operations are otherwise the same, at
// the same positions):
//
// A ClusWorkerTerminate call that returned (its output is known), not by
// the worker on itself, and that no Exit or Create of its struct overlaps
// cannot be the first call on a running routine. As the first, its return
// half would need the routine to have exited, or the struct to have been
// created again, in between its two halves (D5); those are placed within
// their own intervals, and one that returned before the call began or
// began after it returned cannot be placed in between. Its TerminateSignal
// is marked cannotWait, and the model refuses it as the first call on a
// running routine, instead of letting porcupine explore every order of the
// other calls before it finds that the return half cannot be placed.
//
// The mark is only set when the call's id appears on exactly its two
// halves, so that nothing else can stand in for them.
func prepare(history []porcupine.Operation) []porcupine.Operation {
	type halves struct{ sig, ret, n int }
	calls := map[int]*halves{}
	waits := map[int][]interval{} // per struct: its Exits and Creates
	for i, op := range history {
		in, ok := inputOf(op.Input)
		if !ok {
			continue
		}
		switch in.Kind {
		case Exit, Create:
			waits[in.Worker] = append(waits[in.Worker], interval{op.Call, op.Return})
		}
		if in.Kind == Exit {
			continue
		}
		h := calls[in.Call]
		if h == nil {
			h = &halves{sig: -1, ret: -1}
			calls[in.Call] = h
		}
		h.n++
		switch in.Kind {
		case TerminateSignal:
			h.sig = i
		case TerminateReturn:
			h.ret = i
		}
	}
	index := map[int]*intervalIndex{}
	for w, ivs := range waits {
		index[w] = newIntervalIndex(ivs)
	}
	out := slices.Clone(history)
	for i, op := range out {
		if in, ok := op.Input.(*Input); ok && in != nil {
			out[i].Input = *in
		}
	}
	for _, h := range calls {
		if h.n != 2 || h.sig < 0 || h.ret < 0 {
			continue
		}
		sig, ret := history[h.sig], history[h.ret]
		sin, _ := inputOf(sig.Input)
		rin, _ := inputOf(ret.Input)
		rout, ok := outputOf(ret.Output)
		if !ok || rout.Unknown || rin.Self || rin.Worker != sin.Worker {
			continue
		}
		// An Exit or Create can lie between the halves only if it returned
		// no earlier than the signal half began and began no later than the
		// return half returned.
		if ix := index[sin.Worker]; ix != nil && ix.overlaps(sig.Call, ret.Return) {
			continue
		}
		sin.cannotWait = true
		out[h.sig].Input = sin
	}
	return out
}

// interval is an operation's [Call, Return].
type interval struct{ call, ret int64 }

// intervalIndex answers whether some interval overlaps a range.
type intervalIndex struct {
	calls  []int64 // sorted
	maxRet []int64 // maxRet[k]: the latest return among the k+1 earliest calls
}

func newIntervalIndex(ivs []interval) *intervalIndex {
	slices.SortFunc(ivs, func(a, b interval) int { return cmp.Compare(a.call, b.call) })
	ix := &intervalIndex{calls: make([]int64, len(ivs)), maxRet: make([]int64, len(ivs))}
	for k, iv := range ivs {
		ix.calls[k] = iv.call
		ix.maxRet[k] = iv.ret
		if k > 0 {
			ix.maxRet[k] = max(ix.maxRet[k], ix.maxRet[k-1])
		}
	}
	return ix
}

// overlaps reports whether some interval has call <= hi and ret >= lo.
func (ix *intervalIndex) overlaps(lo, hi int64) bool {
	k, _ := slices.BinarySearch(ix.calls, hi+1) // intervals [0, k) begin at or before hi
	return k > 0 && ix.maxRet[k-1] >= lo
}
