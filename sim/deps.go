package sim

import "github.com/clussim/clussim/scheduler"

// Classes of the objects a step touches, for the dependency relation of
// partial-order reduction (see [scheduler.Task.Touch] and [scheduler.DPOR]).
// Every kernel call touches what it reads or changes that another thread
// could also use: the cell, lock or condition variable it works on, the
// kernel object and the handle-table slot behind a handle, the allocators of
// object serials, handle values and cell and lock ids, and the harness's
// history (see touchHistory). A kernel call that uses an object through a handle counts as a
// write of the object, whatever it does; a blocked wait touches its objects
// again in the step that resumes it, whether it was satisfied or timed out.
// Thread-local state (the last error, the virtual clock between two jumps)
// is touched by nobody.
const (
	depCell    uint8 = iota + 1 // a Cell, by its id in the run
	depObject                   // a kernel object, by serial
	depHandle                   // a handle-table slot, by index
	depAlloc                    // an allocator (allocObjects, ...)
	depCritSec                  // a critical section, by id
	depSRW                      // an SRW lock, by id
	depCondVar                  // a condition variable, by id
)

// The allocators: each hands out the next number of its kind, so which
// thread gets which number depends on the order of the calls.
const (
	allocObjects = iota
	allocHandles
	allocCells
	allocCritSecs
	allocSRWLocks
	allocCondVars
	allocProcess // the current-process object, made on first use
)

// touchHistory records that t's current step adds to the harness's
// history (a call begins or returns, a routine starts or exits). The checks
// compare the instant of every entry with every write of shared state (the
// flag at the moment a call began, a routine that started before a call
// returned), so the step is dependent with every step of every other
// thread: it writes [scheduler.Global].
func (t *Thread) touchHistory() {
	if t.task.Tracking() {
		t.task.Touch(scheduler.Global, scheduler.Write)
	}
}

// touch records that t's current step reads (write false) or writes id of
// class.
func (t *Thread) touch(class uint8, id int, write bool) {
	if !t.task.Tracking() {
		return
	}
	a := scheduler.Read
	if write {
		a = scheduler.Write
	}
	t.task.Touch(scheduler.MakeObject(class, uint64(id)), a)
	if class != depCell && class != depAlloc {
		t.task.Touch(scheduler.Global, scheduler.Read)
	}
}

// touchObserved records that t's current step is one the checks compare
// with the history: it reads [scheduler.Global], which every history entry
// writes. Every kernel call, lock and condition-variable operation does;
// of the Cell accesses, only those of the cells the checks watch (the
// CLUS_WORKER fields). Accesses of an implementation's own cells are not
// compared with the history by any check (only with the same thread's
// calls, which program order already fixes), so they commute with it.
func (t *Thread) touchObserved() {
	if t.task.Tracking() {
		t.task.Touch(scheduler.Global, scheduler.Read)
	}
}
