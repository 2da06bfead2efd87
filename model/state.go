package model

import (
	"cmp"
	"slices"
)

// worker is the model's view of one CLUS_WORKER structure together with the
// bookkeeping for API calls on it that are half done. Values are immutable
// once built: Step copies, it never writes through a shared slice.
type worker struct {
	// created reports that the current incarnation comes from a successful
	// Create, so hThread was non-NULL when it began (false for a zeroed
	// struct and after a failed Create).
	created bool
	// flag is the Terminate member.
	flag bool
	// exited reports that the current incarnation's start routine has
	// returned, at exitTick.
	exited   bool
	exitTick int64
	// aliveAt is the latest deadline tick at which a WAIT_TIMEOUT result
	// already linearized claimed the routine was still running; the
	// routine's Exit must come after it. 0 = no such claim.
	aliveAt int64
	// first is the id of the ClusWorkerTerminate call that set the flag in
	// this incarnation, 0 if none did.
	first int
	// signaled holds, sorted, the ids of calls whose signal half has been
	// linearized on this worker and whose return half has not.
	signaled []int
}

// isZero reports whether w is the state of a zeroed, never used struct.
func (w worker) isZero() bool {
	return !w.created && !w.flag && !w.exited && w.exitTick == 0 &&
		w.aliveAt == 0 && w.first == 0 && len(w.signaled) == 0
}

// equal reports whether two worker states are the same.
func (w worker) equal(v worker) bool { return compareWorkers(w, v) == 0 }

// compareWorkers is a total order on worker states, used to keep sets of
// states in one canonical order.
func compareWorkers(w, v worker) int {
	return cmp.Or(
		compareBool(w.created, v.created), compareBool(w.flag, v.flag), compareBool(w.exited, v.exited),
		cmp.Compare(w.exitTick, v.exitTick), cmp.Compare(w.aliveAt, v.aliveAt), cmp.Compare(w.first, v.first),
		slices.Compare(w.signaled, v.signaled))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// slot is one worker of a state that is not zero, with its index.
type slot struct {
	idx int
	w   worker
}

// state is the model's state: the workers that are not zero, by increasing
// index; every index not listed is a zero worker. There is exactly one
// representation per state (no zero worker is ever listed), so Equal is a
// comparison slot by slot and Hash is well defined, and a state costs memory
// for the workers a history has touched only, whatever their indexes (a
// partition of w63 alone holds one slot, not 64 workers).
type state []slot

// find returns the position of worker i in s, or where it would go.
func (s state) find(i int) (int, bool) {
	return slices.BinarySearchFunc(s, i, func(sl slot, i int) int { return cmp.Compare(sl.idx, i) })
}

// get returns worker i, the zero worker when s does not list it.
func (s state) get(i int) worker {
	if k, ok := s.find(i); ok {
		return s[k].w
	}
	return worker{}
}

// with returns a new state equal to s except that worker i is w. It never
// writes to s (it may return s itself when nothing changes).
func (s state) with(i int, w worker) state {
	k, found := s.find(i)
	switch {
	case found && w.isZero():
		out := make(state, 0, len(s)-1)
		out = append(out, s[:k]...)
		return append(out, s[k+1:]...)
	case found:
		out := slices.Clone(s)
		out[k].w = w
		return out
	case w.isZero():
		return s
	}
	out := make(state, 0, len(s)+1)
	out = append(out, s[:k]...)
	out = append(out, slot{i, w})
	return append(out, s[k:]...)
}

// compareStates is a total order on states.
func compareStates(a, b state) int {
	return slices.CompareFunc(a, b, func(x, y slot) int {
		return cmp.Or(cmp.Compare(x.idx, y.idx), compareWorkers(x.w, y.w))
	})
}

// equalStates is the Equal of single states.
func equalStates(a, b interface{}) bool {
	return compareStates(a.(state), b.(state)) == 0
}

// Hashing: each 64-bit word is folded in with a multiply and a shift, and
// the result goes through MurmurHash3's finalizer, so that every input bit
// reaches every output bit. (Porcupine combines the state's hash with the
// hash of the set of linearized operations by XOR, so a weak hash would
// cost collisions in its cache, which are resolved by Equal.)
const (
	hashSeed uint64 = 0x9e3779b97f4a7c15
	hashMul  uint64 = 0xff51afd7ed558ccd
	hashMul2 uint64 = 0xc4ceb9fe1a85ec53
)

// mix folds one word into h.
func mix(h, v uint64) uint64 {
	h ^= v
	h *= hashMul
	return h ^ h>>29
}

// finish is MurmurHash3's 64-bit finalizer.
func finish(h uint64) uint64 {
	h ^= h >> 33
	h *= hashMul
	h ^= h >> 33
	h *= hashMul2
	return h ^ h>>33
}

// hash returns the state's hash; equal states hash equal.
func (s state) hash() uint64 {
	h := hashSeed
	for _, sl := range s {
		w := sl.w
		var bits uint64
		if w.created {
			bits |= 1
		}
		if w.flag {
			bits |= 2
		}
		if w.exited {
			bits |= 4
		}
		h = mix(h, uint64(sl.idx))
		h = mix(h, bits|uint64(len(w.signaled))<<3)
		h = mix(h, uint64(w.exitTick))
		h = mix(h, uint64(w.aliveAt))
		h = mix(h, uint64(w.first))
		for _, c := range w.signaled {
			h = mix(h, uint64(c))
		}
	}
	return finish(h)
}

// hashState is the Hash of single states.
func hashState(a interface{}) uint64 { return a.(state).hash() }

// addCall returns the sorted set calls with c added, as a new slice.
func addCall(calls []int, c int) []int {
	i, found := slices.BinarySearch(calls, c)
	if found {
		return calls
	}
	out := make([]int, 0, len(calls)+1)
	out = append(out, calls[:i]...)
	out = append(out, c)
	return append(out, calls[i:]...)
}

// hasCall reports whether the sorted set calls holds c.
func hasCall(calls []int, c int) bool {
	_, found := slices.BinarySearch(calls, c)
	return found
}

// removeCall returns the sorted set calls without c, as a new slice (nil when
// it becomes empty).
func removeCall(calls []int, c int) []int {
	i, found := slices.BinarySearch(calls, c)
	if !found {
		return calls
	}
	if len(calls) == 1 {
		return nil
	}
	out := make([]int, 0, len(calls)-1)
	out = append(out, calls[:i]...)
	return append(out, calls[i+1:]...)
}
