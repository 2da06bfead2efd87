package sim

import "github.com/clussim/clussim/scheduler"

// Classes of the objects a step touches, for the dependency relation of
// partial-order reduction (see [scheduler.Task.Touch] and [scheduler.DPOR]).
// Every kernel call touches what it reads or changes that another thread
// could also use: the cell, lock or condition variable it works on, the
// kernel object and the handle-table slot behind a handle, and the
// allocators of object serials, handle values and cell and lock ids. A
// kernel call that uses an object through a handle counts as a write of
// the object, whatever it does; a blocked wait touches its objects again in
// the step that resumes it, whether it was satisfied or timed out.
// Thread-local state (the last error, the virtual clock between two jumps)
// is touched by nobody.
//
// Besides those, the steps whose relative order the checks look at are
// made dependent (see touchHistory): the checks judge a run by its history
// (calls, returns, routine starts and exits) and compare the instant of
// every history entry with the writes of the CLUS_WORKER cells (the flag
// at the moment a call began, hThread when it returned) and with the
// moment each thread ended, and the instant of a routine's exit with who
// was blocked then (rule D6). Nothing else of the order between threads
// reaches a verdict: the checks that look at other events (steps taken,
// waits, timeouts and fault injections within a call) look only at the
// calling thread's own, which program order fixes, and the race detector
// works on happens-before, not on the order of the log.
const (
	depCell    uint8 = iota + 1 // a Cell, by its id in the run
	depObject                   // a kernel object, by serial
	depHandle                   // a handle-table slot, by index
	depAlloc                    // an allocator (allocObjects, ...)
	depCritSec                  // a critical section, by id
	depSRW                      // an SRW lock, by id
	depCondVar                  // a condition variable, by id
	depHistory                  // the harness's history (one object)
)

// historyObject returns what every history entry writes (see
// touchHistory).
func historyObject() scheduler.Object { return scheduler.MakeObject(depHistory, 0) }

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

// touchHistory records that t's current step adds an entry to the
// harness's history (a call begins or returns, a routine starts or exits).
// Every entry writes historyObject, so entries are ordered with each other
// and with every step that reads it: the writes of the CLUS_WORKER cells
// (touchObserved) and the end of a thread (Thread.finish). A routine's
// exit also writes [scheduler.Global], which every block, wake, timeout,
// spawn and thread end reads (the scheduler adds those reads) and every
// critical-section step too (touch): rule D6 asks whether the caller of a
// Terminate was waiting at the instant the routine exited, and waiting
// includes being queued on a lock whose owner waits.
func (t *Thread) touchHistory(exit bool) {
	if t.task.Tracking() {
		t.task.Touch(historyObject(), scheduler.Write)
		if exit {
			t.task.Touch(scheduler.Global, scheduler.Write)
		}
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
	if class == depCritSec {
		t.task.Touch(scheduler.Global, scheduler.Read)
	}
}

// touchObserved records that t's current step writes a cell the checks
// compare with the history (a CLUS_WORKER field): it reads historyObject,
// which every history entry writes. Accesses of an implementation's own
// cells, and reads of the CLUS_WORKER fields, are compared by no check
// with another thread's history entries (only with the same thread's
// calls, which program order already fixes), so they commute with them.
func (t *Thread) touchObserved() {
	if t.task.Tracking() {
		t.task.Touch(historyObject(), scheduler.Read)
	}
}
