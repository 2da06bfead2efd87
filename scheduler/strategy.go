package scheduler

// ThreadID identifies a task within one run. IDs are dense and start at 0
// (the main task), in the order the tasks were spawned.
type ThreadID int32

// NoThread is the ThreadID of no task.
const NoThread ThreadID = -1

// Strategy decides which enabled task runs at each scheduling point, and the
// value of each data decision (such as whether an injected fault fires).
//
// The engine calls a Strategy only when there is a real choice: at least two
// enabled tasks, or a data decision with at least two outcomes. It records
// every answer as a [Decision], so any run can be reproduced with [Replay].
type Strategy interface {
	// NextThread returns the index in enabled of the task to run at step.
	// enabled is sorted by ThreadID and holds at least two tasks; current is
	// the index in enabled of the task that ran last, or -1 when that task
	// is not enabled (it blocked or exited).
	NextThread(enabled []ThreadID, current int, step int64) (int, error)
	// NextValue returns a value in [0, n) for a data decision made at step
	// by thread. n is at least 2. Value 0 means "the usual outcome" (for a
	// fault decision: no fault), so strategies that minimize choices
	// minimize faults too.
	NextValue(thread ThreadID, n int, step int64) (int, error)
}

// Finisher is implemented by strategies that want to check the run once it
// has ended, such as [Replay], which reports decisions left unused.
type Finisher interface {
	// Finish is called once at the end of every run, failed runs included.
	// A non-nil error turns a run that had not failed into a failure of
	// kind [Diverged].
	Finish(steps int64) error
}
