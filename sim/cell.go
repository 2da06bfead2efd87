package sim

// Cell is one word of simulated shared memory. The zero value is ready to
// use (it holds T's zero value). Plain accesses (Load, Store) and interlocked
// ones (AtomicLoad, AtomicStore, CompareAndSwap, Swap) are separate
// scheduling points, so a check-then-act race between two threads is
// reachable. Every access goes through the race detector: two conflicting
// accesses from different threads, at least one plain and one a write, that
// no happens-before relation orders are a data race.
type Cell[T comparable] struct {
	v    T
	k    *Kernel
	id   int32
	name string
	// observed is set on the cells the checks watch (see touchObserved),
	// the fields of struct worker.
	observed bool
	worker   int
}

// observe marks the cell as a field of struct w, which the checks watch.
func (c *Cell[T]) observe(w int) { c.observed, c.worker = true, w }

// touchObserved records, for a watched cell, that t's access is compared
// with the history: a write of it is (see Thread.touchObserved); a read is
// compared only with the reading thread's own calls.
func (c *Cell[T]) touchObserved(t *Thread, write bool) {
	if c.observed && write {
		t.touchObserved(c.worker)
	}
}

// SetName names the cell in race reports and logs, e.g. "w0.Terminate".
// It is not a memory access.
func (c *Cell[T]) SetName(name string) { c.name = name }

// Name returns the cell's name.
func (c *Cell[T]) Name() string { return c.name }

// ID returns the cell's id in the log of the run that last used it (the
// Args[0] of its operations, an index of [Result.CellNames]), and false
// when no run has used it yet.
func (c *Cell[T]) ID() (int64, bool) { return int64(c.id), c.k != nil }

// Peek returns the cell's value without a scheduling point or a race check.
// It is for harnesses and assertions made while no simulated thread can
// run (for example after a run); simulated code must use Load.
func (c *Cell[T]) Peek() T { return c.v }

// bind registers the cell with t's run on first use in that run and returns
// its id in the run.
func (c *Cell[T]) bind(t *Thread) int64 {
	t.check("Cell access")
	if c.k != t.k {
		// First use in this run: a value left from an earlier run must not
		// leak into this one, or runs would not be reproducible.
		var zero T
		c.v, c.k = zero, t.k
		c.id = t.k.races.register(c.name)
		t.touch(depAlloc, allocCells, true)
	}
	return int64(c.id)
}

// Load is a plain read of the cell.
func (c *Cell[T]) Load(t *Thread) T {
	t.task.Step(t.k.ops[cLoad], c.bind(t), 0, 0)
	t.touch(depCell, int(c.id), false)
	c.touchObserved(t, false)
	t.k.races.access(t, c.id, cLoad, false, false)
	t.result(encode(&c.v))
	return c.v
}

// Store is a plain write of the cell.
func (c *Cell[T]) Store(t *Thread, v T) {
	t.task.Step(t.k.ops[cStore], c.bind(t), encode(&v), 0)
	t.touch(depCell, int(c.id), true)
	c.touchObserved(t, true)
	t.k.races.access(t, c.id, cStore, true, false)
	c.v = v
}

// AtomicLoad is an interlocked read of the cell (a read with a full
// barrier).
func (c *Cell[T]) AtomicLoad(t *Thread) T {
	t.task.Step(t.k.ops[cAtomicLoad], c.bind(t), 0, 0)
	t.touch(depCell, int(c.id), false)
	c.touchObserved(t, false)
	t.k.races.access(t, c.id, cAtomicLoad, false, true)
	t.result(encode(&c.v))
	return c.v
}

// AtomicStore is an interlocked write of the cell.
func (c *Cell[T]) AtomicStore(t *Thread, v T) {
	t.task.Step(t.k.ops[cAtomicStore], c.bind(t), encode(&v), 0)
	t.touch(depCell, int(c.id), true)
	c.touchObserved(t, true)
	t.k.races.access(t, c.id, cAtomicStore, true, true)
	c.v = v
}

// CompareAndSwap stores new if the cell holds old, atomically, and reports
// whether it did (InterlockedCompareExchange). A failed exchange is an
// interlocked read.
func (c *Cell[T]) CompareAndSwap(t *Thread, old, new T) bool {
	t.task.Step(t.k.ops[cCAS], c.bind(t), encode(&old), encode(&new))
	ok := c.v == old
	// A failed exchange changes nothing: a read, for partial-order
	// reduction too (a write it races with is explored before it, where
	// it may succeed).
	t.touch(depCell, int(c.id), ok)
	c.touchObserved(t, ok)
	t.k.races.access(t, c.id, cCAS, ok, true)
	if ok {
		c.v = new
	}
	t.result(b2i(ok))
	return ok
}

// Swap stores v and returns the previous value, atomically
// (InterlockedExchange).
func (c *Cell[T]) Swap(t *Thread, v T) T {
	t.task.Step(t.k.ops[cSwap], c.bind(t), encode(&v), 0)
	t.touch(depCell, int(c.id), true)
	c.touchObserved(t, true)
	t.k.races.access(t, c.id, cSwap, true, true)
	old := c.v
	c.v = v
	t.result(encode(&old))
	return old
}

// Integer is the cell types the Interlocked arithmetic works on.
type Integer interface {
	~int32 | ~int64 | ~uint32 | ~uint64
}

// InterlockedExchangeAdd adds d to the cell atomically and returns the
// value it held before.
func InterlockedExchangeAdd[T Integer](t *Thread, c *Cell[T], d T) T {
	t.task.Step(t.k.ops[cExchangeAdd], c.bind(t), int64(d), 0)
	t.touch(depCell, int(c.id), true)
	c.touchObserved(t, true)
	t.k.races.access(t, c.id, cExchangeAdd, true, true)
	old := c.v
	c.v += d
	t.result(int64(old))
	return old
}

// InterlockedIncrement adds 1 to the cell atomically and returns the new
// value.
func InterlockedIncrement[T Integer](t *Thread, c *Cell[T]) T {
	return InterlockedExchangeAdd(t, c, 1) + 1
}

// InterlockedDecrement subtracts 1 from the cell atomically and returns the
// new value.
func InterlockedDecrement[T Integer](t *Thread, c *Cell[T]) T {
	var one T = 1
	return InterlockedExchangeAdd(t, c, -one) - 1
}

// encode renders the common cell types as a log argument; other types log 0.
func encode(p any) int64 {
	switch v := p.(type) {
	case *bool:
		return b2i(*v)
	case *Handle:
		return int64(*v)
	case *uint32:
		return int64(*v)
	case *int32:
		return int64(*v)
	case *int:
		return int64(*v)
	case *int64:
		return *v
	case *uint64:
		return int64(*v)
	case *uintptr:
		return int64(*v)
	}
	return 0
}
