package properties

import (
	"cmp"
	"hash/fnv"
	"slices"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// HistoryHash identifies a run's history (with its scenario name scn), as
// the checks see it, for counting distinct histories: for each part of the
// history (the structs that calls name together, see model.Partition), the
// order in which the calls of the five functions on it began and returned,
// and its routines exited, with each call's kind, thread, structs and
// result; and where each routine's start fell among the entries on its
// struct. Entries of different parts, calls that begin one after another
// with no return or exit between them, and a start and the entries on
// other structs are compared by no check, so their order is left out
// (calls beginning together are taken in thread order). Equivalent
// schedules (see [scheduler.DPOR]) therefore have the same hash, and a
// count of distinct hashes says how many outcomes a search saw, not how
// many schedules it ran.
func HistoryHash(scn string, calls []sim.Call) uint64 {
	type mark struct {
		tick  int64
		ret   bool
		begin bool // a call beginning, not a Create's
		c     *sim.Call
		nth   int // the call's index among its thread's calls
	}
	find := callParts(calls)
	partOf := func(c *sim.Call) int {
		for _, w := range namedBy(c) {
			if w >= 0 {
				return find(w)
			}
		}
		return find(0)
	}
	nth := map[scheduler.ThreadID]int{}
	byPart := map[int][]mark{}
	// A routine's start is ordered only with the entries on its struct: it
	// is placed by how many of them began or returned before it.
	var starts []int64
	for i := range calls {
		c := &calls[i]
		k := nth[c.Thread]
		nth[c.Thread]++
		if c.Kind == sim.CallStart {
			before := 0
			for j := range calls {
				d := &calls[j]
				if d.Kind != sim.CallStart && slices.Contains(namedBy(d), c.Worker) {
					before += int(hashBool(d.CallTick < c.CallTick)) + int(hashBool(d.Returned && d.Kind != sim.CallExit && d.ReturnTick < c.CallTick))
				}
			}
			starts = append(starts, int64(c.Thread)<<40|int64(c.Worker)<<20|int64(before))
			continue
		}
		p := partOf(c)
		instant := c.Kind == sim.CallExit
		byPart[p] = append(byPart[p], mark{tick: c.CallTick, begin: !instant && c.Kind != sim.CallCreate, c: c, nth: k})
		if c.Returned && !instant {
			byPart[p] = append(byPart[p], mark{tick: c.ReturnTick, ret: true, c: c, nth: k})
		}
	}
	parts := make([]int, 0, len(byPart))
	for p := range byPart {
		parts = append(parts, p)
	}
	slices.Sort(parts)
	h := fnv.New64a()
	h.Write([]byte(scn))
	var buf [6 * 8]byte
	put := func(i int, v int64) {
		for b := range 8 {
			buf[i*8+b] = byte(v >> (8 * b))
		}
	}
	for _, p := range parts {
		marks := byPart[p]
		slices.SortStableFunc(marks, func(a, b mark) int { return cmp.Compare(a.tick, b.tick) })
		// Calls that begin together: in thread order.
		for i := 0; i < len(marks); {
			j := i
			for j < len(marks) && marks[j].begin {
				j++
			}
			slices.SortFunc(marks[i:j], func(a, b mark) int {
				return cmp.Or(cmp.Compare(a.c.Thread, b.c.Thread), cmp.Compare(a.nth, b.nth))
			})
			i = max(j, i+1)
		}
		put(0, -1)
		put(1, int64(p))
		h.Write(buf[:16])
		for _, m := range marks {
			c := m.c
			put(0, int64(c.Kind))
			put(1, int64(c.Thread))
			put(2, int64(c.Worker))
			put(3, int64(len(c.Workers)))
			result := int64(-1)
			if m.ret || c.Kind == sim.CallExit {
				result = int64(c.Result)
			}
			put(4, result)
			put(5, int64(m.nth)<<1|hashBool(m.ret))
			h.Write(buf[:])
		}
	}
	slices.Sort(starts)
	for _, st := range starts {
		put(0, -2)
		put(1, st)
		h.Write(buf[:16])
	}
	return h.Sum64()
}

func hashBool(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// callParts returns the part of the history each struct is in: structs
// that some call names together, directly or through other structs, share
// a part, named by its smallest struct (as model.Partition splits the
// history the LIN check sees).
func callParts(calls []sim.Call) func(w int) int {
	n := 0
	sets := make([][]int, len(calls))
	for i := range calls {
		sets[i] = namedBy(&calls[i])
		for _, w := range sets[i] {
			n = max(n, w+1)
		}
	}
	group := sim.GroupStructs(n, sets)
	return func(w int) int {
		if w >= 0 && w < n {
			return group[w]
		}
		return w
	}
}

// namedBy returns the structs call c names; negative entries are NULL.
func namedBy(c *sim.Call) []int {
	if c.Kind == sim.CallWorkersTerminate {
		return c.Workers
	}
	return []int{c.Worker}
}
