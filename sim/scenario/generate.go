package scenario

import (
	"fmt"
	"math/rand/v2"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/sim"
)

// Tuning numbers of the generators.
const (
	// pcgStream is the second word of Generate's PCG state; any fixed odd
	// constant (different from the scheduler's, so that a scenario seed and
	// a schedule seed of the same value draw unrelated numbers).
	pcgStream = 0x2545f4914f6cdd1d
	// neverCreatedOneIn: one struct in this many is never created.
	neverCreatedOneIn = 8
	// nullEntryOneIn: one ClusWorkersTerminate array in this many gets a
	// NULL entry.
	nullEntryOneIn = 6
	// extraReapOneIn: one cycle in this many reaps even when not required.
	extraReapOneIn = 4
	// infiniteOneIn: one timeout in this many is INFINITE.
	infiniteOneIn = 3
	// releaseOneIn: one bounded terminator in this many releases its
	// targets even when no stubborn worker needs it.
	releaseOneIn = 4
	// tinyTimeoutOneIn: one finite timeout in this many is 0 or 1 ms, the
	// boundary where a wait only tests the thread.
	tinyTimeoutOneIn = 4
	// lingerOneIn: one routine in this many (of those that check the flag)
	// keeps working for a few steps after it sees TRUE.
	lingerOneIn = 4
	// checkAfterOneIn: one self-terminating routine in this many polls its
	// flag after its self call.
	checkAfterOneIn = 2
	// maxCheckAfter is the most CheckTerminate calls after a self call.
	maxCheckAfter = 2
	// longStubbornOneIn: one scenario in this many has a worker whose
	// first routine is stubborn for one step of Limits.LongSleep and then
	// polls at that period, so it ignores its flag for seconds. It is one
	// routine, one step, with no linger, so that the scenario's other
	// routines, which may poll every virtual ms all that while, stay well
	// within the step bound (see TestGeneratedFitTheStepBound).
	longStubbornOneIn = 4
	// coincideOneIn: one terminator in this many arrives at the instant
	// its target's bounded phase ends (a finite routine's return, a
	// stubborn one's first poll), where a call races the routine's end.
	coincideOneIn = 3
)

// Limits bounds the scenarios that [Generate] and [Draw] produce. Values
// below their minimum are raised to it (MaxWorkers, MaxCycles, MaxEvery and
// MaxSleep to 1; the others to 0), and MaxWorkers to at most MaxStructs.
type Limits struct {
	// MaxWorkers is the most worker structs.
	MaxWorkers int `json:"maxWorkers"`
	// MaxCycles is the most incarnations of one struct.
	MaxCycles int `json:"maxCycles"`
	// MaxTerminators is the most terminator threads.
	MaxTerminators int `json:"maxTerminators"`
	// MaxSteps bounds Behavior.Steps.
	MaxSteps int `json:"maxSteps"`
	// MaxEvery bounds Behavior.Every.
	MaxEvery int `json:"maxEvery"`
	// MaxSleep bounds Behavior.Sleep, in virtual ms.
	MaxSleep uint32 `json:"maxSleep"`
	// MaxDelay bounds every delay, in virtual ms.
	MaxDelay uint32 `json:"maxDelay"`
	// MaxTimeout bounds every finite timeout, in virtual ms; timeouts may
	// also be INFINITE.
	MaxTimeout uint32 `json:"maxTimeout"`
	// Faults allows scenarios with fault injection on.
	Faults bool `json:"faults"`
	// LongSleep is a step length, in virtual ms, that the generator
	// sometimes gives a stubborn worker so that it ignores its flag for
	// seconds (virtual time costs nothing); 0 never does.
	LongSleep uint32 `json:"longSleep,omitempty"`
}

// Default limits: a few threads, tens to a few hundred steps per run.
const (
	defaultMaxWorkers     = 4
	defaultMaxCycles      = 3
	defaultMaxTerminators = 3
	defaultMaxSteps       = 6
	defaultMaxEvery       = 3
	defaultMaxSleep       = 8
	defaultMaxDelay       = 20
	defaultMaxTimeout     = 30
	defaultLongSleep      = 1500
)

// DefaultLimits returns limits that keep a run small: at most 4 structs of
// at most 3 cycles, 3 terminators, 6-step behaviours, 8 ms steps, 20 ms
// delays, 30 ms timeouts, fault injection allowed, and stubborn workers that
// sometimes take 1.5 s steps.
func DefaultLimits() Limits {
	return Limits{
		MaxWorkers: defaultMaxWorkers, MaxCycles: defaultMaxCycles, MaxTerminators: defaultMaxTerminators,
		MaxSteps: defaultMaxSteps, MaxEvery: defaultMaxEvery, MaxSleep: defaultMaxSleep,
		MaxDelay: defaultMaxDelay, MaxTimeout: defaultMaxTimeout, Faults: true, LongSleep: defaultLongSleep,
	}
}

func (l Limits) normalized() Limits {
	l.MaxWorkers = min(max(l.MaxWorkers, 1), MaxStructs)
	l.MaxCycles = min(max(l.MaxCycles, 1), MaxCyclesPerStruct)
	l.MaxTerminators = min(max(l.MaxTerminators, 0), MaxTerminatorThreads)
	l.MaxSteps = min(max(l.MaxSteps, 0), MaxBehaviorSteps)
	l.MaxEvery = min(max(l.MaxEvery, 1), MaxBehaviorSteps)
	l.MaxSleep = min(max(l.MaxSleep, 1), sim.Infinite-1)
	l.MaxDelay = min(l.MaxDelay, sim.Infinite-1)
	l.MaxTimeout = min(l.MaxTimeout, sim.Infinite-2)
	l.LongSleep = min(l.LongSleep, sim.Infinite-1)
	return l
}

// Generate returns a valid scenario drawn from seed within lim, named
// "gen-<seed>". The same seed and limits always give the same scenario.
func Generate(seed uint64, lim Limits) Scenario {
	s := generate(pcgSource{rand.New(rand.NewPCG(seed, pcgStream))}, lim)
	s.Name = fmt.Sprintf("gen-%d", seed)
	return s
}

// Draw draws a valid scenario within lim with rapid generators, named
// "drawn". It draws the same space as [Generate], and every draw shrinks
// toward the simplest choice, so rapid shrinks a failing scenario to a
// small one.
func Draw(t *rapid.T, lim Limits) Scenario {
	s := generate(rapidSource{t}, lim)
	s.Name = "drawn"
	return s
}

// source is where the generator's choices come from. intn returns a value
// in [0, n); 0 is always the simplest choice. group draws one element of a
// list (a struct, a cycle, a terminator) with f, from the source it is
// given, and returns f's result; for rapid it is one generator draw, so the
// shrinker can drop the element whole while lowering the list's length.
type source interface {
	intn(label string, n int) int
	group(label string, f func(source) any) any
}

type pcgSource struct{ r *rand.Rand }

func (p pcgSource) intn(_ string, n int) int {
	if n <= 1 {
		return 0
	}
	return p.r.IntN(n)
}

func (p pcgSource) group(_ string, f func(source) any) any { return f(p) }

type rapidSource struct{ t *rapid.T }

func (r rapidSource) intn(label string, n int) int {
	if n <= 1 {
		return 0
	}
	return rapid.IntRange(0, n-1).Draw(r.t, label)
}

func (r rapidSource) group(label string, f func(source) any) any {
	return rapid.Custom(func(t *rapid.T) any { return f(rapidSource{t}) }).Draw(r.t, label)
}

// gen draws one scenario; its fields are the source and the limits.
type gen struct {
	src source
	lim Limits
}

func (g gen) flag(label string) bool { return g.src.intn(label, 2) == 1 }

func (g gen) oneIn(label string, n int) bool { return g.src.intn(label, n) == n-1 }

func (g gen) upTo(label string, n uint32) uint32 { return uint32(g.src.intn(label, int(n)+1)) }

// timeout draws INFINITE (the simplest, one time in infiniteOneIn), a tiny
// timeout (0 or 1 ms, one finite timeout in tinyTimeoutOneIn) or a finite
// timeout up to the limit.
func (g gen) timeout(label string) uint32 {
	if g.src.intn(label+" infinite", infiniteOneIn) == 0 {
		return sim.Infinite
	}
	if g.oneIn(label+" tiny", tinyTimeoutOneIn) {
		return min(g.upTo(label+" tiny value", 1), g.lim.MaxTimeout)
	}
	return g.upTo(label, g.lim.MaxTimeout)
}

// action draws a terminate call; with none, CallNone is one of the choices.
func (g gen) action(label string, none bool) Action {
	calls := []Call{CallTerminate, CallTerminateEx, CallWorkersTerminate, CallNone}
	if !none {
		calls = calls[:3]
	}
	a := Action{Call: calls[g.src.intn(label+" call", len(calls))]}
	if a.Call == CallTerminateEx || a.Call == CallWorkersTerminate {
		a.Timeout = g.timeout(label + " timeout")
		a.WaitOnly = g.flag(label + " wait-only")
	}
	return a
}

// longStubborn is the one long stubborn routine of a scenario (see
// longStubbornOneIn): one step of Limits.LongSleep, a poll every step.
func (g gen) longStubborn() Behavior {
	return Behavior{Kind: Stubborn, Steps: 1, Every: 1, Sleep: g.lim.LongSleep, UntilRelease: g.flag("until-release")}
}

func (g gen) behavior() Behavior {
	kinds := []BehaviorKind{Poll, Finite, Stubborn, SelfTerminate}
	b := Behavior{Kind: kinds[g.src.intn("behaviour", len(kinds))]}
	switch b.Kind {
	case Poll, Stubborn:
		b.Every = 1 + g.src.intn("every", g.lim.MaxEvery)
		b.Sleep = 1 + g.upTo("sleep", g.lim.MaxSleep-1)
	default:
		b.Every = g.src.intn("every", g.lim.MaxEvery+1)
		b.Sleep = g.upTo("sleep", g.lim.MaxSleep)
	}
	if b.Kind != Poll {
		b.Steps = g.src.intn("steps", g.lim.MaxSteps+1)
	}
	switch b.Kind {
	case Stubborn:
		b.UntilRelease = g.flag("until-release")
	case SelfTerminate:
		b.Self = g.action("self", false)
		if g.oneIn("check after", checkAfterOneIn) {
			b.CheckAfter = 1 + g.src.intn("check after count", maxCheckAfter)
		}
	}
	if b.checksFlag() && g.oneIn("linger", lingerOneIn) {
		b.Linger = 1 + g.src.intn("linger steps", max(g.lim.MaxSteps, 1))
	}
	return b
}

// cycle draws one incarnation; long makes its routine the scenario's long
// stubborn one.
func (g gen) cycle(long bool) Cycle {
	c := Cycle{Delay: g.upTo("create delay", g.lim.MaxDelay)}
	if long {
		c.Behavior = g.longStubborn()
	} else {
		c.Behavior = g.behavior()
	}
	c.OfflineDelay = g.upTo("offline delay", g.lim.MaxDelay)
	c.Offline = g.action("offline", true)
	c.Reap = g.oneIn("extra reap", extraReapOneIn)
	return c
}

// with returns g drawing from src.
func (g gen) with(src source) gen { g.src = src; return g }

// worker draws one struct's incarnations; with long, its first routine is
// the scenario's long stubborn one.
func (g gen) worker(long bool) Worker {
	var w Worker
	n := 1 + g.src.intn("cycles", g.lim.MaxCycles)
	if g.oneIn("never created", neverCreatedOneIn) {
		n = 0
	}
	for ci := range n {
		w.Cycles = append(w.Cycles, g.src.group("cycle", func(src source) any { return g.with(src).cycle(long && ci == 0) }).(Cycle))
	}
	return w
}

func (g gen) terminator(ws []Worker) Terminator {
	t := Terminator{Action: g.action("terminator", false)}
	t.Delay = g.upTo("terminator delay", g.lim.MaxDelay)
	if t.Call != CallWorkersTerminate {
		wi := g.src.intn("target", len(ws))
		t.Workers = []int{wi}
		t.Cycle = g.src.intn("target cycle", len(ws[wi].Cycles))
	} else {
		most := 1
		for _, w := range ws {
			most = max(most, len(w.Cycles))
		}
		t.Cycle = g.src.intn("array cycle", most)
		var eligible []int
		for wi, w := range ws {
			if len(w.Cycles) == 0 || len(w.Cycles) > t.Cycle {
				eligible = append(eligible, wi)
			}
		}
		t.Workers = []int{}
		for n := g.src.intn("array length", len(eligible)+1); n > 0; n-- {
			k := g.src.intn("array entry", len(eligible))
			t.Workers = append(t.Workers, eligible[k])
			eligible = append(eligible[:k:k], eligible[k+1:]...)
		}
		if g.oneIn("null entry", nullEntryOneIn) {
			k := g.src.intn("null position", len(t.Workers)+1)
			t.Workers = append(t.Workers[:k:k], append([]int{NullWorker}, t.Workers[k:]...)...)
		}
		created := false
		for _, wi := range t.Workers {
			created = created || (wi >= 0 && len(ws[wi].Cycles) > 0)
		}
		if !created {
			t.Cycle = 0
		}
	}
	if end, ok := boundedEnd(ws, t); ok && end <= g.lim.MaxDelay && g.oneIn("coincide", coincideOneIn) {
		t.Delay = end
	}
	t.Release = t.bounded() && g.oneIn("release", releaseOneIn)
	return t
}

// boundedEnd returns how long after its Create the bounded phase of t's
// first created target ends (a finite routine's return, a stubborn one's
// first poll, a self-terminating one's self call), in virtual ms, and
// false when that target has no bounded phase.
func boundedEnd(ws []Worker, t Terminator) (uint32, bool) {
	for _, wi := range t.Workers {
		if wi < 0 || len(ws[wi].Cycles) <= t.Cycle {
			continue
		}
		b := ws[wi].Cycles[t.Cycle].Behavior
		if b.Kind == Poll {
			return 0, false
		}
		end := uint64(b.Steps) * uint64(b.Sleep)
		if end >= uint64(sim.Infinite) {
			return 0, false
		}
		return uint32(end), true
	}
	return 0, false
}

// generate draws a scenario and repairs it into a valid one.
func generate(src source, lim Limits) Scenario {
	g := gen{src: src, lim: lim.normalized()}
	var s Scenario
	s.Faults = g.lim.Faults && g.flag("faults")
	s.Workers = make([]Worker, 1+g.src.intn("workers", g.lim.MaxWorkers))
	long := -1
	if g.lim.LongSleep > 0 && g.oneIn("long stubborn", longStubbornOneIn) {
		long = g.src.intn("long stubborn worker", len(s.Workers))
	}
	for wi := range s.Workers {
		s.Workers[wi] = g.src.group("worker", func(src source) any { return g.with(src).worker(wi == long) }).(Worker)
	}
	for n := g.src.intn("terminators", g.lim.MaxTerminators+1); n > 0; n-- {
		s.Terminators = append(s.Terminators,
			g.src.group("terminator", func(src source) any { return g.with(src).terminator(s.Workers) }).(Terminator))
	}
	s.repair(g.lim)
	if err := s.Validate(); err != nil {
		panic("scenario: internal error: the generator made an invalid scenario: " + err.Error())
	}
	return s
}

// repair changes the few drawn parameters that would break a precondition,
// in an order where no fix undoes an earlier one.
func (s *Scenario) repair(lim Limits) {
	// A stubborn worker waiting for a release gets a releaser: a bounded
	// terminator of its cycle, else a new one (room permitting), else it
	// stops waiting for a release.
	for wi := range s.Workers {
		for ci := range s.Workers[wi].Cycles {
			b := &s.Workers[wi].Cycles[ci].Behavior
			if !b.UntilRelease || s.released(wi, ci) {
				continue
			}
			fixed := false
			for ti := range s.Terminators {
				if t := &s.Terminators[ti]; s.targets(*t, wi, ci) && t.bounded() {
					t.Release, fixed = true, true
					break
				}
			}
			if !fixed && len(s.Terminators) < lim.MaxTerminators {
				s.Terminators = append(s.Terminators, Terminator{Action: Action{Call: CallTerminateEx, Timeout: lim.MaxTimeout},
					Workers: []int{wi}, Cycle: ci, Release: true})
				fixed = true
			}
			if !fixed {
				b.UntilRelease = false
			}
		}
	}
	// Joins that might wait forever, and self joins, get a finite timeout.
	// Joins never signal, so this changes no other join's verdict.
	for wi := range s.Workers {
		for ci := range s.Workers[wi].Cycles {
			c := &s.Workers[wi].Cycles[ci]
			if c.Behavior.Self.join() {
				c.Behavior.Self.Timeout = lim.MaxTimeout
			}
			if c.Offline.join() && !s.joinable(wi, ci, true) {
				c.Offline.Timeout = lim.MaxTimeout
			}
		}
	}
	for ti := range s.Terminators {
		t := &s.Terminators[ti]
		if !t.join() {
			continue
		}
		for _, wi := range t.Workers {
			if wi >= 0 && len(s.Workers[wi].Cycles) > 0 && !s.joinable(wi, t.Cycle, false) {
				t.Timeout = lim.MaxTimeout
				break
			}
		}
	}
	// Reap where the next Create could meet a live worker or open handle.
	for wi := range s.Workers {
		cs := s.Workers[wi].Cycles
		for ci := range cs {
			if ci < len(cs)-1 && !s.closedAfterOffline(wi, ci) {
				cs[ci].Reap = true
			}
		}
	}
}
