package scheduler

// An Object names one piece of shared state for the dependency relation of
// partial-order reduction ([DPOR]): a memory cell, a kernel object, a lock,
// a slot of a handle table. The layer above chooses the names (see
// [MakeObject]); the scheduler only compares them. Two steps of different
// tasks are dependent when they touch the same Object and at least one of
// them writes it.
type Object uint64

// Object classes reserved by the scheduler. A layer above uses classes below
// classReserved.
const (
	classReserved uint8 = 0xF0
	classGlobal   uint8 = 0xFD // everything (see Global)
	classThread   uint8 = 0xFE // a task: its steps, its exit, a kill
	classSpawn    uint8 = 0xFF // the allocation of ThreadIDs
)

// Global stands for an instant that an observer of the run compares with
// every change of which tasks are blocked, such as the moment a routine
// exits, when a check asks who was waiting then. A step that writes it is
// dependent with every step that reads it: implicitly, every step that
// blocks, resumes from a block, spawns or ends a task, and every step the
// layer above makes read it (package sim: every critical-section step).
var Global = makeObject(classGlobal, 0)

// MakeObject returns the Object of the given class and id. Classes from 0xF0
// up are the scheduler's own; MakeObject panics on them.
func MakeObject(class uint8, id uint64) Object {
	if class >= classReserved {
		panic("scheduler: object classes from 0xF0 up are reserved")
	}
	return makeObject(class, id)
}

func makeObject(class uint8, id uint64) Object {
	return Object(uint64(class)<<56 | id&(1<<56-1))
}

// ThreadObject is the Object that stands for task id itself. Every step of a
// task reads it, implicitly; an operation that ends or changes another task
// from outside (a kill, a resume) writes it.
func ThreadObject(id ThreadID) Object { return makeObject(classThread, uint64(uint32(id))) }

// spawnObject stands for the allocation of ThreadIDs: every spawn writes it,
// since which ID a new task gets depends on the order of spawns.
var spawnObject = makeObject(classSpawn, 0)

// Access says how a step used an [Object].
type Access uint8

// The kinds of access.
const (
	// Read: the step's effect and outcome depend on the object, and it did
	// not change it.
	Read Access = 1
	// Write: the step may have changed the object.
	Write Access = 2
)

// A Touch is one access of one step: the step whose log entry is Event (an
// EvStep, EvWake or EvTimeout event) used Obj as Acc says.
type Touch struct {
	Event int32
	Acc   Access
	Obj   Object
}

// Touch records that t's current step accesses o as a says. It is not a
// scheduling point and costs nothing unless the strategy is an [Observer].
// The layer that builds operations on the scheduler calls it during every
// step, for everything the step reads or writes that another task could
// also use; an access left out makes partial-order reduction unsound (it
// would treat two steps as independent that are not), an access too many
// only costs exploration.
func (t *Task) Touch(o Object, a Access) {
	e := t.e
	if !e.track {
		return
	}
	t.enter(0)
	e.touches = append(e.touches, Touch{Event: int32(t.lastEvent), Acc: a, Obj: o})
}

// Tracking reports whether the run records touches, so that a layer above
// can skip working out what it would touch.
func (t *Task) Tracking() bool { return t.e.track }

// A View lets an [Observer] read the run in progress. Its slices belong to
// the engine: they are valid until the next step of the run.
type View struct{ e *Engine }

// Events returns the run's log so far.
func (v View) Events() []Event { return v.e.events }

// Touches returns the run's touches so far, in the order of their events.
func (v View) Touches() []Touch { return v.e.touches }

// An Observer is a [Strategy] that reads each run as it goes, as [DPOR]
// does. The engine records touches only for an Observer.
type Observer interface {
	Strategy
	// Observe is called at the start of every run with the view of that
	// run.
	Observe(v View)
}

// Name returns the name task id was spawned with ("" for an id the run has
// not spawned). Names are the layer above's, and do not depend on the
// schedule where the layer above makes them so (package sim names threads
// by their role), so a strategy can recognise a thread across runs by its
// name where its ThreadID, which follows the order of spawns, may differ.
func (v View) Name(id ThreadID) string {
	if id < 0 || int(id) >= len(v.e.tasks) {
		return ""
	}
	return v.e.tasks[id].name
}
