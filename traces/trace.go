// Package traces defines the clussim trace file: a versioned JSON record of
// one checked run that is enough to replay it exactly and to show what
// happened.
//
// # Format (version 1)
//
// A trace is one JSON object with these members, always in this order:
//
//	format     "clussim-trace"
//	version    1
//	impl       the implementation's name (a built-in one for simrun replay;
//	           for properties.Check, the name given with properties.Name)
//	scenario   the scenario, as package scenario defines it
//	strategy   {"name", "seed", "depth", "maxSteps"}: how the run was chosen
//	config     {"maxSteps", "tier"}: the step bound and "all" or "documented"
//	decisions  every decision of the strategy: {"kind": "thread"|"value",
//	           "step", "value", "n"}; replaying these reproduces the run
//	events     the run's log, one entry per tick: {"kind", "thread", "step",
//	           "time", "op", "args", "result"}
//	threads    the names of the simulated threads, by id ("main", "owner w0")
//	cells      the names of the memory cells, by the id cell operations log
//	           in args[0] ("w0.Terminate", ...)
//	calls      the history: one entry per CLUS_WORKER call, routine start and
//	           routine exit, with call and return ticks, steps and times
//	verdict    {"failed", "rule", "tier", "message", "step", "threads",
//	           "violations", "failure"}
//
// Encoding is deterministic: the same run gives the same bytes on any
// machine. Decoding checks everything and reports the first problem as an
// error naming the member, JSON-path style ("decisions[3].n"); it never
// panics. Decoding is strict where encoding/json is lenient: every member
// listed above and every member of the objects inside them (except "op" of
// an event and "workers" of a call, which are left out when empty, and the
// members of the scenario, which package scenario defines) must be present,
// no key may appear twice or be spelled in another case, the file must be
// valid UTF-8 without lone surrogate escapes, "args" has exactly three
// elements, every number and string is within its limit ([MaxRunSteps],
// [MaxStrategyDepth], [MaxNameBytes], [MaxMessageBytes] and the bounds the
// step bound puts on steps, events and decisions), and the verdict agrees
// with its violations.
//
// WriteFile replaces a file atomically, and ReadFile reads only regular
// files; [WriteFileAtomic] and [ReadRegularFile] do the same for other
// files.
package traces

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// Format is the value of every trace's "format" member.
const Format = "clussim-trace"

// Version is the trace format version this package writes and reads.
const Version = 1

// DefaultMaxSteps is the step bound of a run whose trace records
// config.maxSteps 0: the bound properties.NewRunner applies when given 0.
// It must stay equal to properties.DefaultMaxSteps (which imports this
// package, so neither can be defined from the other without a cycle).
const DefaultMaxSteps = 50_000

// Limits of a valid trace that a writer must respect too: a trace outside
// them is refused by Decode, and by WriteFile before it writes anything.
const (
	// MaxRunSteps bounds config.maxSteps (the step bound of the run) and
	// strategy.maxSteps (PCT's estimate of a run's length). Real runs take
	// a few hundred to a few thousand steps, the library's default bound is
	// DefaultMaxSteps (50,000) and the engine's own default 200,000;
	// 10,000,000 leaves room for any deliberately long run while keeping
	// the numbers of events and decisions a bound allows (see
	// maxEventsPerStep) in the range the file size limit allows anyway.
	MaxRunSteps = 10_000_000
	// MaxStrategyDepth bounds strategy.depth, PCT's bug depth or DFS's
	// preemption bound; real depths are 1 to 5. The lower bound is -1,
	// DFS's "no bound".
	MaxStrategyDepth = 64
	// MaxNameBytes bounds every name a trace holds: the implementation,
	// scenario, strategy, thread, cell, operation and rule names.
	MaxNameBytes = 256
	// MaxMessageBytes bounds every message: the verdict's, each
	// violation's and the failure's. A LIN message lists the operations of
	// the failing part of the history, so it grows with the run; 1 MiB
	// holds more than ten thousand of them.
	MaxMessageBytes = 1 << 20
)

// Limits of what Decode accepts, so that a hostile file cannot exhaust
// memory through sizes alone.
const (
	maxFileBytes = 256 << 20
	maxThreads   = 1 << 15
	// maxValueOptions bounds the option count of a value decision; fault
	// injection asks for 2.
	maxValueOptions = 1 << 16
	// maxEventsPerStep and maxEventsPerThread bound the length of the log:
	// at most maxEventsPerStep*(bound+1) + maxEventsPerThread*threads
	// events. In one step the engine logs at most one step, wake or
	// timeout event, one block, one clock jump and one fault-injection
	// choice, plus the harness's notes of the calls that begin and end
	// there; real runs log at most 6 events in one step and about 2 per
	// step on average. The per-thread allowance covers each thread's
	// spawn, exit and exit note.
	maxEventsPerStep   = 16
	maxEventsPerThread = 4
	// maxDecisionsPerStep bounds the number of decisions to
	// maxDecisionsPerStep*(bound+1): each step has at most one thread
	// decision (the one the bound refuses included) and, in real runs, at
	// most one value decision (the fault injection of the operation the
	// step makes).
	maxDecisionsPerStep = 4
)

// ErrFormat is wrapped by every error about a malformed trace.
var ErrFormat = errors.New("traces: malformed trace")

// Trace is one recorded run.
type Trace struct {
	Format    string            `json:"format"`
	Version   int               `json:"version"`
	Impl      string            `json:"impl"`
	Scenario  scenario.Scenario `json:"scenario"`
	Strategy  Strategy          `json:"strategy"`
	Config    Config            `json:"config"`
	Decisions []Decision        `json:"decisions"`
	Events    []Event           `json:"events"`
	Threads   []string          `json:"threads"`
	Cells     []string          `json:"cells"`
	Calls     []Call            `json:"calls"`
	Verdict   Verdict           `json:"verdict"`
}

// Strategy says how the run's schedule was chosen: a strategy and its
// parameters, as the command line spells them ("random", "pct:3", "dfs:2").
// properties.StrategySpec is the same type.
type Strategy struct {
	// Name is "random", "pct", "pos", "urw", "dfs", "dpor", or for a schedule no strategy
	// made, "rapid" or "shrunk".
	Name string `json:"name"`
	// Seed seeds random, pct, pos and urw.
	Seed uint64 `json:"seed"`
	// Depth is PCT's bug depth, or the preemption bound of DFS and DPOR
	// (-1: none).
	Depth int `json:"depth"`
	// MaxSteps is PCT's initial estimate of a run's length.
	MaxSteps int64 `json:"maxSteps"`
}

// String renders the strategy the way the command line reads it, with its
// seed: "random seed 3", "pct:3 seed 1", "dfs:2"; any other name as it is
// (sanitized for a terminal).
func (s Strategy) String() string {
	switch s.Name {
	case "pct":
		return fmt.Sprintf("pct:%d seed %d", s.Depth, s.Seed)
	case "dfs", "dpor":
		if s.Depth < 0 {
			return s.Name + ":none"
		}
		return fmt.Sprintf("%s:%d", s.Name, s.Depth)
	case "random", "pos", "urw":
		return fmt.Sprintf("%s seed %d", s.Name, s.Seed)
	}
	return Sanitize(s.Name)
}

// Config holds the run's settings.
type Config struct {
	// MaxSteps is the step bound (0: the engine's default).
	MaxSteps int64 `json:"maxSteps"`
	// Tier is "all" or "documented".
	Tier string `json:"tier"`
}

// Decision is one decision of the strategy.
type Decision struct {
	Kind  string `json:"kind"`
	Step  int64  `json:"step"`
	Value int64  `json:"value"`
	N     int    `json:"n"`
}

// Event is one entry of the run's log.
type Event struct {
	Kind   string   `json:"kind"`
	Thread int32    `json:"thread"`
	Step   int64    `json:"step"`
	Time   int64    `json:"time"`
	Op     string   `json:"op,omitempty"`
	Args   [3]int64 `json:"args"`
	Result int64    `json:"result"`
}

// Call is one entry of the history.
type Call struct {
	ID       int    `json:"id"`
	Kind     string `json:"kind"`
	Thread   int32  `json:"thread"`
	Worker   int    `json:"worker"`
	Workers  []int  `json:"workers,omitempty"`
	Timeout  uint32 `json:"timeout"`
	WaitOnly bool   `json:"waitOnly"`
	Self     bool   `json:"self"`
	Result   uint32 `json:"result"`
	Returned bool   `json:"returned"`
	HThread  uint64 `json:"hThread"`
	// HThreads is, for a ClusWorkersTerminate that returned, each entry's
	// hThread at the return (see sim.Call.HThreads).
	HThreads   []uint64 `json:"hThreads,omitempty"`
	CallTick   int64    `json:"callTick"`
	ReturnTick int64    `json:"returnTick"`
	CallStep   int64    `json:"callStep"`
	ReturnStep int64    `json:"returnStep"`
	CallTime   int64    `json:"callTime"`
	ReturnTime int64    `json:"returnTime"`
}

// Verdict is what the checks concluded.
type Verdict struct {
	Failed bool `json:"failed"`
	// Rule, Tier, Message, Step and Threads describe the first violation.
	Rule       string      `json:"rule"`
	Tier       string      `json:"tier"`
	Message    string      `json:"message"`
	Step       int64       `json:"step"`
	Threads    []int32     `json:"threads"`
	Violations []Violation `json:"violations"`
	// Failure is the engine's failure, if the run ended early.
	Failure *Failure `json:"failure"`
}

// Violation is one broken rule.
type Violation struct {
	Rule    string `json:"rule"`
	Tier    string `json:"tier"`
	Message string `json:"message"`
	Step    int64  `json:"step"`
	Tick    int64  `json:"tick"`
	// Fault names the kernel fault the violation reports (sim.FaultKind's
	// String, such as "double-close"), or is empty when it reports none.
	Fault string `json:"fault,omitempty"`
}

// Failure is how the engine ended a run early.
type Failure struct {
	Kind    string `json:"kind"`
	Step    int64  `json:"step"`
	Thread  int32  `json:"thread"`
	Message string `json:"message"`
}

// SchedulerDecisions converts the trace's decisions for a replay strategy.
func (t *Trace) SchedulerDecisions() []scheduler.Decision {
	out := make([]scheduler.Decision, len(t.Decisions))
	for i, d := range t.Decisions {
		kind := scheduler.DecThread
		if d.Kind == scheduler.DecValue.String() {
			kind = scheduler.DecValue
		}
		out[i] = scheduler.Decision{Kind: kind, Step: d.Step, Value: d.Value, N: d.N}
	}
	return out
}

// FromDecisions converts a run's decisions.
func FromDecisions(ds []scheduler.Decision) []Decision {
	out := make([]Decision, len(ds))
	for i, d := range ds {
		out[i] = Decision{Kind: d.Kind.String(), Step: d.Step, Value: d.Value, N: d.N}
	}
	return out
}

// FromEvents converts a run's log.
func FromEvents(r *scheduler.Result) []Event {
	out := make([]Event, len(r.Events))
	for i, ev := range r.Events {
		out[i] = Event{Kind: ev.Kind.String(), Thread: int32(ev.Thread), Step: ev.Step, Time: ev.Time,
			Op: r.OpName(ev), Args: ev.Args, Result: ev.Result}
	}
	return out
}

// FromCalls converts a run's history.
func FromCalls(cs []sim.Call) []Call {
	out := make([]Call, len(cs))
	for i, c := range cs {
		out[i] = Call{ID: c.ID, Kind: c.Kind.String(), Thread: int32(c.Thread), Worker: c.Worker, Workers: c.Workers,
			Timeout: c.Timeout, WaitOnly: c.WaitOnly, Self: c.Self, Result: c.Result, Returned: c.Returned,
			HThread: uint64(c.HThread), CallTick: c.CallTick, ReturnTick: c.ReturnTick, CallStep: c.CallStep,
			ReturnStep: c.ReturnStep, CallTime: c.CallTime, ReturnTime: c.ReturnTime}
		for _, h := range c.HThreads {
			out[i].HThreads = append(out[i].HThreads, uint64(h))
		}
	}
	return out
}

// SimCalls converts the trace's history back.
func (t *Trace) SimCalls() []sim.Call {
	out := make([]sim.Call, len(t.Calls))
	for i, c := range t.Calls {
		kind, _ := sim.ParseCallKind(c.Kind)
		out[i] = sim.Call{ID: c.ID, Kind: kind, Thread: scheduler.ThreadID(c.Thread), Worker: c.Worker, Workers: c.Workers,
			Timeout: c.Timeout, WaitOnly: c.WaitOnly, Self: c.Self, Result: c.Result, Returned: c.Returned,
			HThread: sim.Handle(c.HThread), CallTick: c.CallTick, ReturnTick: c.ReturnTick, CallStep: c.CallStep,
			ReturnStep: c.ReturnStep, CallTime: c.CallTime, ReturnTime: c.ReturnTime}
		for _, h := range c.HThreads {
			out[i].HThreads = append(out[i].HThreads, sim.Handle(h))
		}
	}
	return out
}

// Marshal encodes t as indented JSON with a final newline. The same trace
// always gives the same bytes.
func (t *Trace) Marshal() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(t); err != nil {
		return nil, fmt.Errorf("traces: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile checks t and writes it to path atomically, with
// [WriteFileAtomic]: a trace that would not read back is refused, and a
// failed write leaves the previous file, if any, as it was.
func (t *Trace) WriteFile(path string) error {
	if err := t.Check(); err != nil {
		return fmt.Errorf("%s: refusing to write: %w", path, err)
	}
	b, err := t.Marshal()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}

// ReadFile reads and checks the trace at path, which must be a regular file
// (or a symbolic link to one) of at most 256 MiB; see [ReadRegularFile].
func ReadFile(path string) (*Trace, error) {
	b, err := ReadRegularFile(path, maxFileBytes)
	if err != nil {
		return nil, err
	}
	t, err := decodeBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// Decode reads one trace and checks it: the format and version, the
// strict shape of the JSON (see the package documentation), every kind and
// name, the order of ticks, steps and decisions, every limit, the verdict
// and the scenario.
func Decode(r io.Reader) (*Trace, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("traces: read: %w", err)
	}
	return decodeBytes(b)
}

// decodeBytes decodes and checks one trace.
func decodeBytes(b []byte) (*Trace, error) {
	if len(b) > maxFileBytes {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrFormat, maxFileBytes)
	}
	// Read the header first, so a future version is reported as such even
	// when its body no longer fits this version's shape. Unmarshal also
	// checks the syntax of the whole text.
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if head.Format != Format {
		return nil, fmt.Errorf("%w: format is %q, not %q (is this a clussim trace?)", ErrFormat, head.Format, Format)
	}
	if head.Version != Version {
		if head.Version > Version {
			return nil, fmt.Errorf("%w: version %d is newer than this clussim reads (%d); upgrade clussim", ErrFormat, head.Version, Version)
		}
		return nil, fmt.Errorf("%w: unsupported version %d (this clussim reads %d)", ErrFormat, head.Version, Version)
	}
	if err := checkText(b); err != nil {
		return nil, err
	}
	if err := walkStrict(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t Trace
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: data after the trace object", ErrFormat)
	}
	if err := t.Check(); err != nil {
		return nil, err
	}
	return &t, nil
}

// Clone returns a deep copy of t that shares no memory with it: every
// slice, the scenario and the failure are copied. A nil t gives nil.
func (t *Trace) Clone() *Trace {
	if t == nil {
		return nil
	}
	c := *t
	c.Scenario = t.Scenario.Clone()
	c.Decisions = slices.Clone(t.Decisions)
	c.Events = slices.Clone(t.Events)
	c.Threads = slices.Clone(t.Threads)
	c.Cells = slices.Clone(t.Cells)
	c.Calls = slices.Clone(t.Calls)
	for i := range c.Calls {
		c.Calls[i].Workers = slices.Clone(c.Calls[i].Workers)
		c.Calls[i].HThreads = slices.Clone(c.Calls[i].HThreads)
	}
	c.Verdict.Threads = slices.Clone(t.Verdict.Threads)
	c.Verdict.Violations = slices.Clone(t.Verdict.Violations)
	if f := t.Verdict.Failure; f != nil {
		ff := *f
		c.Verdict.Failure = &ff
	}
	return &c
}
