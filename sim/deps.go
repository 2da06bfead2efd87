package sim

import "github.com/clussim/clussim/scheduler"

// Classes of the objects a step touches, for the dependency relation of
// partial-order reduction (see [scheduler.Task.Touch] and [scheduler.DPOR]).
// Every kernel call touches what it reads or changes that another thread
// could also use: the cell, lock or condition variable it works on, the
// kernel object and the handle-table slot behind a handle, and the
// allocators of object serials, handle values and cell and lock ids. A
// kernel call that uses an object through a handle writes it when it may
// change it (a signal, a reset, a resume, a kill, a wait that takes an
// auto-reset event, a semaphore or a mutex) and reads it otherwise (a wait
// satisfied by a manual-reset event or an ended thread, a wait that only
// tests, GetExitCodeThread, DuplicateHandle); joining a wait list reads
// the object, and a blocked wait touches its objects again in the step
// that resumes it, whether it was satisfied or timed out.
// Thread-local state (the last error, the virtual clock between two jumps)
// is touched by nobody.
//
// Besides those, the steps whose relative order the checks look at are
// made dependent (see touchHistory). The checks judge a run by its
// history (calls, returns, routine starts and exits) and compare: a call's
// return with every other entry of the struct's history (which calls
// returned before a call began is what linearizability is about, and which
// call on a struct returned last is what hThread is judged by); a Create
// and a routine's exit with every entry; a routine's start, and the writes
// of a struct's CLUS_WORKER fields, with the entries on that struct (the flag
// at the moment a call began, hThread when it returned); and a routine's
// exit with who was blocked then (rule D6). Two calls that begin on a
// struct are not compared with each other by any check, nor are entries of
// structs that no call names together (see Harness.Separate). Nothing else
// of the order between threads reaches a verdict: the checks that look at
// other events (steps taken, waits, timeouts and fault injections within a
// call) look only at the calling thread's own, which program order fixes;
// the model compares a thread's end only with deadlines, which are clock
// jumps; and the race detector works on happens-before, not on the order
// of the log.
const (
	depCell    uint8 = iota + 1 // a Cell, by its id in the run
	depObject                   // a kernel object, by serial
	depHandle                   // a handle-table slot, by index
	depAlloc                    // an allocator (allocObjects, ...)
	depCritSec                  // a critical section, by id
	depSRW                      // an SRW lock, by id
	depCondVar                  // a condition variable, by id
	depHistory                  // a history group of the harness (see Harness.Separate)
	depFields                   // the CLUS_WORKER fields of a struct, by index
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

// touchHistory records that t's current step adds an entry to history
// group g of the harness, on structs named (a call begins or returns, a
// routine starts or exits). A call that begins (begin, for every call but
// a Create) reads the group, and every other entry writes it, so an entry
// is ordered with every other except that two calls beginning commute.
// Every entry reads the CLUS_WORKER fields of the structs it names, which
// their writes write (touchObserved). A routine's exit (exit) also writes
// [scheduler.Global], which every block, wake, timeout, spawn and thread
// end reads (the scheduler adds those reads), and every critical-section
// step too (touch): rule D6 asks whether the caller of a Terminate was
// waiting at the instant the routine exited, and waiting includes being
// queued on a lock whose owner waits.
func (t *Thread) touchHistory(g int, named []int, begin, exit bool) {
	if !t.task.Tracking() {
		return
	}
	acc := scheduler.Write
	if begin {
		acc = scheduler.Read
	}
	t.touchEntry(g, named, acc)
	if exit {
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
	if class == depCritSec {
		t.task.Touch(scheduler.Global, scheduler.Read)
	}
}

// touchObserved records that t's current step writes a CLUS_WORKER field
// of struct w, which the checks compare with the history entries on w: it
// writes the struct's fields object, which those entries read.
// Accesses of an implementation's own cells, and reads of the CLUS_WORKER
// fields, are compared by no check with another thread's history entries
// (only with the same thread's calls, which program order already fixes),
// so they commute with them.
func (t *Thread) touchObserved(w int) {
	if t.task.Tracking() {
		t.task.Touch(scheduler.MakeObject(depFields, uint64(w)), scheduler.Write)
	}
}

// touchBlock records that t's current step blocks (in a wait, a sleep, on a
// condition variable or an SRW lock) while t is inside a harness call: the
// checks compare the instant a call first waits with its struct's history
// (was the routine running then?) and with the writes of its fields (was
// the flag set then?), rule D8, so the step reads both.
func (t *Thread) touchBlock() {
	if t.call.set && t.task.Tracking() {
		t.touchEntry(t.call.group, t.call.named, scheduler.Read)
	}
}

// touchEntry records that t's current step accesses history group g as
// acc and reads the CLUS_WORKER fields of the structs named (negative
// entries are NULL): what an entry on those structs, or a block inside a
// call on them, touches.
func (t *Thread) touchEntry(g int, named []int, acc scheduler.Access) {
	t.task.Touch(scheduler.MakeObject(depHistory, uint64(g)), acc)
	for _, w := range named {
		if w >= 0 {
			t.task.Touch(scheduler.MakeObject(depFields, uint64(w)), scheduler.Read)
		}
	}
}

// touchEnd records that t's current step ends the thread of a routine
// whose struct is in history group g: the model and rule D8 compare that
// moment with the struct's history (a zero timeout's deadline is the
// instant its call began), so the step writes the group.
func (t *Thread) touchEnd(g int) {
	if t.task.Tracking() {
		t.task.Touch(scheduler.MakeObject(depHistory, uint64(g)), scheduler.Write)
	}
}

// touchStart records that t's current step marks the start of struct w's
// routine. A start is not an operation of the model; the checks compare it
// only with the entries on w (which Create it belongs to, whether the
// routine was running when a call on w began or first waited), so it
// writes w's fields object, which those entries read, and commutes with
// the entries on other structs.
func (t *Thread) touchStart(w int) {
	if t.task.Tracking() {
		t.task.Touch(scheduler.MakeObject(depFields, uint64(w)), scheduler.Write)
	}
}
