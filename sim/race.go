package sim

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
)

// maxRaces bounds the races one run records; the first is what matters.
const maxRaces = 32

// vclock is a vector clock indexed by scheduler ThreadID.
type vclock []uint32

func (v vclock) get(i scheduler.ThreadID) uint32 {
	if int(i) < len(v) {
		return v[i]
	}
	return 0
}

// join sets *v to the element-wise maximum of *v and o.
func (v *vclock) join(o vclock) {
	for len(*v) < len(o) {
		*v = append(*v, 0)
	}
	for i, c := range o {
		if c > (*v)[i] {
			(*v)[i] = c
		}
	}
}

func (v *vclock) tick(i scheduler.ThreadID) {
	for int(i) >= len(*v) {
		*v = append(*v, 0)
	}
	(*v)[i]++
}

// Access is one side of a data race.
type Access struct {
	Thread scheduler.ThreadID
	Step   int64
	// Op is the Cell operation (Load, Store, InterlockedExchange, ...).
	Op     string
	Write  bool
	Atomic bool
	// Impl is true when the access was made inside the implementation under
	// test.
	Impl bool
}

func (a Access) String() string {
	kind := "plain"
	if a.Atomic {
		kind = "interlocked"
	}
	rw := "read"
	if a.Write {
		rw = "write"
	}
	return fmt.Sprintf("%s %s (%s) by T%d at step %d", kind, rw, a.Op, a.Thread, a.Step)
}

// A Race is two conflicting accesses to one Cell (at least one a write, at
// least one plain) that no happens-before relation orders: no thread
// creation or exit, wait, event, critical section or interlocked operation
// on the same cell lies between them.
type Race struct {
	// Cell is the cell's name (see [Cell.SetName]) or "cell#N".
	Cell          string
	First, Second Access
}

// String renders the race on one line.
func (r Race) String() string {
	return fmt.Sprintf("data race on %s: %v and %v are not ordered by happens-before", r.Cell, r.First, r.Second)
}

// access is the compact record of one access kept per cell; the full
// Access is built only when a race is reported.
type access struct {
	step   int64
	clock  uint32
	thread scheduler.ThreadID
	op     opCode
	flags  uint8
}

const (
	accValid uint8 = 1 << iota
	accWrite
	accAtomic
	accImpl
)

func (a *access) is(f uint8) bool { return a.flags&f != 0 }

func (a *access) full() Access {
	return Access{Thread: a.thread, Step: a.step, Op: a.op.name(), Write: a.is(accWrite), Atomic: a.is(accAtomic), Impl: a.is(accImpl)}
}

type cellState struct {
	name     string
	write    access
	reads    []access // by ThreadID
	sync     vclock
	reported bool
	race     int // with reported, the index of the race reported in races
}

// raceDetector implements happens-before race detection with vector clocks
// over the synchronisation the kernel provides.
type raceDetector struct {
	cells []cellState
	races []Race
}

// fork returns the clock of a new thread created by parent (nil for the
// first thread); the parent's clock ticks.
func (d *raceDetector) fork(parent, child *Thread) vclock {
	var v vclock
	if parent != nil {
		v.join(parent.vc)
		parent.vc.tick(parent.task.ID())
	}
	v.tick(child.task.ID())
	return v
}

// release publishes t's clock into a synchronisation object.
func (d *raceDetector) release(t *Thread, sync *vclock) {
	sync.join(t.vc)
	t.vc.tick(t.task.ID())
}

// acquire makes everything released into sync happen before t's next step.
func (d *raceDetector) acquire(t *Thread, sync *vclock) {
	t.vc.join(*sync)
}

func (d *raceDetector) register(name string) int32 {
	d.cells = append(d.cells, cellState{name: name})
	return int32(len(d.cells) - 1)
}

func (d *raceDetector) hb(a *access, t *Thread) bool {
	return !a.is(accValid) || a.thread == t.task.ID() || a.clock <= t.vc.get(a.thread)
}

func (d *raceDetector) report(c *cellState, id int32, first, second *access) {
	// One race per cell is reported, and one the implementation takes part
	// in wins over one it does not: which of two unordered reads of a cell
	// comes first must not decide whether RACE is found (the reads
	// commute for partial-order reduction).
	replace := c.reported && (first.is(accImpl) || second.is(accImpl)) &&
		!d.races[c.race].First.Impl && !d.races[c.race].Second.Impl
	if c.reported && !replace || !c.reported && len(d.races) >= maxRaces {
		return
	}
	c.reported = true
	name := c.name
	if name == "" {
		name = fmt.Sprintf("cell#%d", id)
	}
	r := Race{Cell: name, First: first.full(), Second: second.full()}
	if replace {
		d.races[c.race] = r
		return
	}
	c.race = len(d.races)
	d.races = append(d.races, r)
}

// access checks and records one access of t to cell id.
func (d *raceDetector) access(t *Thread, id int32, op opCode, write, atomic bool) {
	c := &d.cells[id]
	me := t.task.ID()
	flags := accValid
	if write {
		flags |= accWrite
	}
	if atomic {
		flags |= accAtomic
	}
	if t.implDepth > 0 {
		flags |= accImpl
	}
	cur := access{step: t.task.StepCount(), clock: t.vc.get(me), thread: me, op: op, flags: flags}
	// The write before this access.
	if w := &c.write; !d.hb(w, t) && (!atomic || !w.is(accAtomic)) {
		d.report(c, id, w, &cur)
	}
	if write {
		for i := range c.reads {
			if r := &c.reads[i]; !d.hb(r, t) && (!atomic || !r.is(accAtomic)) {
				d.report(c, id, r, &cur)
			}
		}
	}
	if atomic {
		// Interlocked operations are sequentially consistent: each acquires
		// and releases the cell's synchronisation clock.
		d.acquire(t, &c.sync)
		if write {
			d.release(t, &c.sync)
		}
		cur.clock = t.vc.get(me)
	}
	if write {
		c.write = cur
		clear(c.reads)
		return
	}
	for int(me) >= len(c.reads) {
		c.reads = append(c.reads, access{})
	}
	c.reads[me] = cur
}
