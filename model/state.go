package model

import "slices"

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
func (w worker) equal(v worker) bool {
	return w.created == v.created && w.flag == v.flag && w.exited == v.exited &&
		w.exitTick == v.exitTick && w.aliveAt == v.aliveAt && w.first == v.first &&
		slices.Equal(w.signaled, v.signaled)
}

// state is the model's state: one worker per CLUS_WORKER index. Indexes past
// the end of the slice are zero workers, and a state never ends in a zero
// worker (normalize keeps it so), so Equal and Hash see one representation
// per state.
type state []worker

// get returns worker i, or the zero worker when i lies past the end.
func (s state) get(i int) worker {
	if i < len(s) {
		return s[i]
	}
	return worker{}
}

// with returns a new state equal to s except that worker i is w. It never
// writes to s.
func (s state) with(i int, w worker) state {
	n := max(len(s), i+1)
	out := make(state, n)
	copy(out, s)
	out[i] = w
	return out.normalize()
}

// normalize drops trailing zero workers.
func (s state) normalize() state {
	n := len(s)
	for n > 0 && s[n-1].isZero() {
		n--
	}
	return s[:n]
}

// equalStates is the model's Equal: states equal up to trailing zero
// workers.
func equalStates(a, b interface{}) bool {
	s, t := a.(state), b.(state)
	n := max(len(s), len(t))
	for i := 0; i < n; i++ {
		if !s.get(i).equal(t.get(i)) {
			return false
		}
	}
	return true
}

// FNV-1a parameters for hashState.
const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// mix folds one 64-bit word into an FNV-1a style hash.
func mix(h, v uint64) uint64 {
	for i := 0; i < 8; i++ {
		h ^= v & 0xff
		h *= fnvPrime
		v >>= 8
	}
	return h
}

// hashState is the model's Hash. It stops at the last non-zero worker, so
// states that Equal calls equal hash equal whatever their slice lengths.
func hashState(a interface{}) uint64 {
	s := a.(state)
	n := len(s)
	for n > 0 && s[n-1].isZero() {
		n--
	}
	h := fnvOffset
	for i := 0; i < n; i++ {
		w := s[i]
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
		h = mix(h, bits)
		h = mix(h, uint64(w.exitTick))
		h = mix(h, uint64(w.aliveAt))
		h = mix(h, uint64(w.first))
		h = mix(h, uint64(len(w.signaled)))
		for _, c := range w.signaled {
			h = mix(h, uint64(c))
		}
	}
	return h
}

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
