package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// run executes main under seed 1 and fails the test on an engine failure.
func run(t *testing.T, cfg Config, main func(t *Thread)) *Result {
	t.Helper()
	r := Run(cfg, scheduler.NewRandom(1), main)
	if r.Failure != nil {
		t.Fatalf("run failed: %v", r.Failure)
	}
	return r
}

func TestWaitSemantics(t *testing.T) {
	type outcome struct {
		ret     uint32
		lastErr uint32
		elapsed int64 // virtual ms the wait took
	}
	tests := []struct {
		name  string
		setup func(t *Thread) Handle // returns the handle to wait on
		ms    uint32
		want  outcome
		after func(t *Thread, h Handle) string // extra check; "" is fine
		fault FaultKind
	}{
		{name: "set manual event, infinite", setup: func(t *Thread) Handle { return t.CreateEvent(true, true) },
			ms: Infinite, want: outcome{ret: WaitObject0},
			after: func(t *Thread, h Handle) string {
				if t.WaitForSingleObject(h, 0) != WaitObject0 {
					return "a manual-reset event reset itself"
				}
				return ""
			}},
		{name: "set auto event resets", setup: func(t *Thread) Handle { return t.CreateEvent(false, true) },
			ms: 0, want: outcome{ret: WaitObject0},
			after: func(t *Thread, h Handle) string {
				if t.WaitForSingleObject(h, 0) != WaitTimeout {
					return "an auto-reset event stayed set after releasing a waiter"
				}
				return ""
			}},
		{name: "unset event, zero timeout", setup: func(t *Thread) Handle { return t.CreateEvent(true, false) },
			ms: 0, want: outcome{ret: WaitTimeout}},
		{name: "unset event, finite timeout", setup: func(t *Thread) Handle { return t.CreateEvent(true, false) },
			ms: 40, want: outcome{ret: WaitTimeout, elapsed: 40}},
		{name: "event set later by another thread", setup: func(t *Thread) Handle {
			ev := t.CreateEvent(false, false)
			t.CreateThread(func(t *Thread) uint32 { t.Sleep(15); t.SetEvent(ev); return 0 })
			return ev
		}, ms: 100, want: outcome{ret: WaitObject0, elapsed: 15}},
		{name: "event set too late", setup: func(t *Thread) Handle {
			ev := t.CreateEvent(false, false)
			t.CreateThread(func(t *Thread) uint32 { t.Sleep(150); t.SetEvent(ev); return 0 })
			return ev
		}, ms: 100, want: outcome{ret: WaitTimeout, elapsed: 100}},
		{name: "thread exit, infinite", setup: func(t *Thread) Handle {
			h, _ := t.CreateThread(func(t *Thread) uint32 { t.Sleep(7); return 3 })
			return h
		}, ms: Infinite, want: outcome{ret: WaitObject0, elapsed: 7}},
		{name: "closed handle", setup: func(t *Thread) Handle {
			h := t.CreateEvent(true, true)
			t.CloseHandle(h)
			return h
		}, ms: Infinite, want: outcome{ret: WaitFailed, lastErr: ErrorInvalidHandle}, fault: FaultWaitClosed},
		{name: "never-opened handle", setup: func(t *Thread) Handle { return 0x400 },
			ms: 10, want: outcome{ret: WaitFailed, lastErr: ErrorInvalidHandle}, fault: FaultBadHandle},
		{name: "NULL handle", setup: func(t *Thread) Handle { return 0 },
			ms: 10, want: outcome{ret: WaitFailed, lastErr: ErrorInvalidHandle}, fault: FaultBadHandle},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got outcome
			var extra string
			r := run(t, Config{}, func(th *Thread) {
				h := tc.setup(th)
				start := th.Now()
				got.ret = th.WaitForSingleObject(h, tc.ms)
				got.elapsed = th.Now() - start
				got.lastErr = th.GetLastError()
				if tc.after != nil {
					extra = tc.after(th, h)
				}
			})
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			if extra != "" {
				t.Error(extra)
			}
			if tc.fault != 0 && (len(r.Faults) != 1 || r.Faults[0].Kind != tc.fault) {
				t.Errorf("faults %v, want one %v", r.Faults, tc.fault)
			}
			if tc.fault == 0 && len(r.Faults) != 0 {
				t.Errorf("unexpected faults %v", r.Faults)
			}
		})
	}
}

func TestWaitMultipleSemantics(t *testing.T) {
	tests := []struct {
		name    string
		all     bool
		ms      uint32
		handles func(t *Thread) []Handle
		want    uint32
		lastErr uint32
		elapsed int64
	}{
		{name: "any: lowest signalled index", handles: func(t *Thread) []Handle {
			return []Handle{t.CreateEvent(true, false), t.CreateEvent(true, true), t.CreateEvent(true, true)}
		}, ms: 0, want: WaitObject0 + 1},
		{name: "any: none, timeout", handles: func(t *Thread) []Handle {
			return []Handle{t.CreateEvent(true, false), t.CreateEvent(true, false)}
		}, ms: 30, want: WaitTimeout, elapsed: 30},
		{name: "all: waits for the last", all: true, handles: func(t *Thread) []Handle {
			a, _ := t.CreateThread(func(t *Thread) uint32 { t.Sleep(5); return 0 })
			b, _ := t.CreateThread(func(t *Thread) uint32 { t.Sleep(25); return 0 })
			return []Handle{a, b}
		}, ms: Infinite, want: WaitObject0, elapsed: 25},
		{name: "all: one missing, timeout", all: true, handles: func(t *Thread) []Handle {
			return []Handle{t.CreateEvent(true, true), t.CreateEvent(true, false)}
		}, ms: 10, want: WaitTimeout, elapsed: 10},
		{name: "empty", handles: func(t *Thread) []Handle { return nil }, ms: 0, want: WaitFailed, lastErr: ErrorInvalidParameter},
		{name: "same handle twice", handles: func(t *Thread) []Handle {
			h := t.CreateEvent(true, true)
			return []Handle{h, h}
		}, ms: 0, want: WaitFailed, lastErr: ErrorInvalidParameter},
		{name: "same object twice, wait all", all: true, handles: func(t *Thread) []Handle {
			h := t.CreateEvent(true, true)
			d, _ := t.DuplicateHandle(h)
			return []Handle{h, d}
		}, ms: 0, want: WaitFailed, lastErr: ErrorInvalidParameter},
		{name: "too many", handles: func(t *Thread) []Handle {
			h := make([]Handle, MaximumWaitObjects+1)
			for i := range h {
				h[i] = t.CreateEvent(true, true)
			}
			return h
		}, ms: 0, want: WaitFailed, lastErr: ErrorInvalidParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got, lastErr uint32
			var elapsed int64
			run(t, Config{}, func(th *Thread) {
				hs := tc.handles(th)
				start := th.Now()
				got = th.WaitForMultipleObjects(hs, tc.all, tc.ms)
				elapsed, lastErr = th.Now()-start, th.GetLastError()
			})
			if got != tc.want || elapsed != tc.elapsed || (tc.want == WaitFailed && lastErr != tc.lastErr) {
				t.Fatalf("got %s after %d ms (last error %s), want %s after %d ms (%s)",
					ErrorName(got), elapsed, ErrorName(lastErr), ErrorName(tc.want), tc.elapsed, ErrorName(tc.lastErr))
			}
		})
	}
}

func TestAutoResetReleasesOneWaiter(t *testing.T) {
	for seed := range uint64(200) {
		woken := 0
		r := Run(Config{}, scheduler.NewRandom(seed), func(t *Thread) {
			ev := t.CreateEvent(false, false)
			var hs []Handle
			for range 3 {
				h, _ := t.CreateThread(func(t *Thread) uint32 {
					if t.WaitForSingleObject(ev, 50) == WaitObject0 {
						woken++
					}
					return 0
				})
				hs = append(hs, h)
			}
			t.SetEvent(ev)
			t.WaitForMultipleObjects(hs, true, Infinite)
		})
		if r.Failure != nil || woken != 1 {
			t.Fatalf("seed %d: %d waiters woke on one SetEvent of an auto-reset event (failure %v)", seed, woken, r.Failure)
		}
	}
}

func TestHandleFaults(t *testing.T) {
	tests := []struct {
		name string
		prog func(t *Thread)
		want FaultKind
		msg  string
	}{
		{"double close", func(t *Thread) {
			h := t.CreateEvent(true, false)
			t.CloseHandle(h)
			if t.CloseHandle(h) || t.GetLastError() != ErrorInvalidHandle {
				panic("second CloseHandle succeeded")
			}
		}, FaultDoubleClose, "already closed by T0"},
		{"close never-opened", func(t *Thread) { t.CloseHandle(0x1000) }, FaultBadHandle, "never opened"},
		{"set closed event", func(t *Thread) {
			h := t.CreateEvent(true, false)
			t.CloseHandle(h)
			t.SetEvent(h)
		}, FaultUseAfterClose, "SetEvent"},
		{"duplicate closed", func(t *Thread) {
			h := t.CreateEvent(true, false)
			t.CloseHandle(h)
			if d, ok := t.DuplicateHandle(h); ok || d != 0 {
				panic("duplicated a closed handle")
			}
		}, FaultUseAfterClose, "DuplicateHandle"},
		{"close while waited", func(t *Thread) {
			ev := t.CreateEvent(true, false)
			w, _ := t.CreateThread(func(t *Thread) uint32 { t.WaitForSingleObject(ev, 100); return 0 })
			t.Sleep(10) // the waiter is blocked by now: time only moves when all are blocked
			t.CloseHandle(ev)
			t.WaitForSingleObject(w, Infinite)
		}, FaultCloseWhileWaited, "blocked waiting"},
		{"leave not owned", func(t *Thread) {
			var cs CriticalSection
			cs.Leave(t)
		}, FaultNotOwner, "owned by nobody"},
		{"thread id of closed", func(t *Thread) {
			h, _ := t.CreateThread(func(t *Thread) uint32 { return 0 })
			t.CloseHandle(h)
			if t.GetThreadID(h) != 0 {
				panic("id of a closed handle")
			}
		}, FaultUseAfterClose, "GetThreadId"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, Config{}, tc.prog)
			if len(r.Faults) != 1 || r.Faults[0].Kind != tc.want || !strings.Contains(r.Faults[0].Message, tc.msg) {
				t.Fatalf("faults %v, want one %v saying %q", r.Faults, tc.want, tc.msg)
			}
		})
	}
}

func TestHandlesNotReusedAndTracked(t *testing.T) {
	r := run(t, Config{}, func(t *Thread) {
		seen := map[Handle]bool{}
		for range 20 {
			h := t.CreateEvent(false, false)
			if seen[h] || h == 0 || h%4 != 0 {
				panic(fmt.Sprintf("handle %v reused or malformed", h))
			}
			seen[h] = true
			t.CloseHandle(h)
		}
		t.CreateEvent(false, false) // left open
	})
	open := 0
	for _, h := range r.Handles {
		if h.Open {
			open++
		}
	}
	if len(r.Handles) != 21 || open != 1 {
		t.Fatalf("%d handles, %d open; want 21 and 1", len(r.Handles), open)
	}
}

func TestThreadIDs(t *testing.T) {
	run(t, Config{}, func(t *Thread) {
		var childSelf uint32
		h, _ := t.CreateThread(func(t *Thread) uint32 { childSelf = t.CurrentThreadID(); return 9 })
		t.WaitForSingleObject(h, Infinite)
		if id := t.GetThreadID(h); id == 0 || id != childSelf || id == t.CurrentThreadID() {
			panic(fmt.Sprintf("GetThreadID %d, child's own %d, parent %d", id, childSelf, t.CurrentThreadID()))
		}
	})
}

func TestCriticalSection(t *testing.T) {
	for seed := range uint64(300) {
		var cs CriticalSection
		var counter Cell[int]
		r := Run(Config{}, scheduler.NewRandom(seed), func(t *Thread) {
			var hs []Handle
			for range 3 {
				h, _ := t.CreateThread(func(t *Thread) uint32 {
					for range 3 {
						cs.Enter(t)
						cs.Enter(t) // re-entry by the owner
						counter.Store(t, counter.Load(t)+1)
						cs.Leave(t)
						cs.Leave(t)
					}
					return 0
				})
				hs = append(hs, h)
			}
			t.WaitForMultipleObjects(hs, true, Infinite)
			if counter.Load(t) != 9 {
				panic("lost update under a critical section")
			}
		})
		if r.Failure != nil || len(r.Faults) != 0 || len(r.Races) != 0 {
			t.Fatalf("seed %d: %v %v %v", seed, r.Failure, r.Faults, r.Races)
		}
	}
}

func TestCriticalSectionDeadlockReport(t *testing.T) {
	r := Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		var cs CriticalSection
		cs.Enter(t)
		h, _ := t.CreateThread(func(t *Thread) uint32 { cs.Enter(t); return 0 })
		t.WaitForSingleObject(h, Infinite)
	})
	if r.Failure == nil || r.Failure.Kind != scheduler.Deadlock {
		t.Fatalf("want a deadlock, got %v", r.Failure)
	}
	msg := r.Failure.Error()
	for _, want := range []string{"waiting for thread T1 (handle 0x4) to exit", "waiting for critical section #0, owned by T0"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report lacks %q:\n%s", want, msg)
		}
	}
}

func TestRaces(t *testing.T) {
	tests := []struct {
		name string
		prog func(t *Thread, c *Cell[int])
		race bool
	}{
		{"plain write/write unordered", func(t *Thread, c *Cell[int]) {
			h, _ := t.CreateThread(func(t *Thread) uint32 { c.Store(t, 1); return 0 })
			c.Store(t, 2)
			t.WaitForSingleObject(h, Infinite)
		}, true},
		{"plain read/write unordered", func(t *Thread, c *Cell[int]) {
			h, _ := t.CreateThread(func(t *Thread) uint32 { c.Load(t); return 0 })
			c.Store(t, 2)
			t.WaitForSingleObject(h, Infinite)
		}, true},
		{"plain read vs interlocked write", func(t *Thread, c *Cell[int]) {
			h, _ := t.CreateThread(func(t *Thread) uint32 { c.Load(t); return 0 })
			c.Swap(t, 2)
			t.WaitForSingleObject(h, Infinite)
		}, true},
		{"ordered by thread creation and join", func(t *Thread, c *Cell[int]) {
			c.Store(t, 1)
			h, _ := t.CreateThread(func(t *Thread) uint32 { c.Store(t, c.Load(t)+1); return 0 })
			t.WaitForSingleObject(h, Infinite)
			c.Store(t, c.Load(t)+1)
		}, false},
		{"ordered by an event", func(t *Thread, c *Cell[int]) {
			ev := t.CreateEvent(false, false)
			h, _ := t.CreateThread(func(t *Thread) uint32 { t.WaitForSingleObject(ev, Infinite); c.Load(t); return 0 })
			c.Store(t, 1)
			t.SetEvent(ev)
			t.WaitForSingleObject(h, Infinite)
		}, false},
		{"only interlocked", func(t *Thread, c *Cell[int]) {
			h, _ := t.CreateThread(func(t *Thread) uint32 { c.CompareAndSwap(t, 0, 1); c.AtomicLoad(t); return 0 })
			c.Swap(t, 2)
			c.AtomicStore(t, 3)
			t.WaitForSingleObject(h, Infinite)
		}, false},
		{"message passing through an interlocked flag", func(t *Thread, c *Cell[int]) {
			var ready Cell[bool]
			h, _ := t.CreateThread(func(t *Thread) uint32 {
				for !ready.AtomicLoad(t) {
					t.Sleep(1)
				}
				c.Load(t)
				return 0
			})
			c.Store(t, 42)
			ready.AtomicStore(t, true)
			t.WaitForSingleObject(h, Infinite)
		}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for seed := range uint64(50) {
				var c Cell[int]
				c.SetName("x")
				r := Run(Config{}, scheduler.NewRandom(seed), func(th *Thread) { tc.prog(th, &c) })
				if r.Failure != nil {
					t.Fatal(r.Failure)
				}
				if got := len(r.Races) > 0; got != tc.race {
					t.Fatalf("seed %d: races %v, want race=%v", seed, r.Races, tc.race)
				}
				if tc.race && !strings.Contains(r.Races[0].String(), "data race on x") {
					t.Fatalf("race report %q does not name the cell", r.Races[0])
				}
			}
		})
	}
}

func TestFaultInjection(t *testing.T) {
	prog := func(created *[]bool) func(t *Thread) {
		return func(t *Thread) {
			// Outside the implementation: never fails.
			h, code := t.CreateThread(func(t *Thread) uint32 { return 0 })
			if h == 0 || code != ErrorSuccess {
				panic("a scenario CreateThread failed")
			}
			t.enterImplementation()
			h2, code := t.CreateThread(func(t *Thread) uint32 { return 0 })
			*created = append(*created, h2 != 0)
			if (h2 == 0) != (code == ErrorNotEnoughMemory) {
				panic("inconsistent CreateThread result")
			}
			_, ok := t.DuplicateHandle(h)
			if !ok && t.GetLastError() != ErrorNotEnoughMemory {
				panic("DuplicateHandle failed with the wrong error")
			}
			t.leaveImplementation()
		}
	}
	var created []bool
	sawFail := false
	for seed := range uint64(64) {
		r := Run(Config{Faults: true}, scheduler.NewRandom(seed), prog(&created))
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
		values := 0
		for _, d := range r.Decisions {
			if d.Kind == scheduler.DecValue {
				values++
			}
		}
		if values != 2 {
			t.Fatalf("seed %d: %d fault decisions, want 2 (CreateThread and DuplicateHandle inside the implementation)", seed, values)
		}
		// Replaying the decisions reproduces the outcome.
		before := len(created)
		rr := Run(Config{Faults: true}, scheduler.NewReplay(slices.Clone(r.Decisions)), prog(&created))
		if rr.Failure != nil || created[before] != created[before-1] {
			t.Fatalf("seed %d: replay did not reproduce the injected fault", seed)
		}
		sawFail = sawFail || !created[before]
	}
	if !sawFail || !slices.Contains(created, true) {
		t.Fatalf("64 seeds never explored both outcomes of CreateThread: %v", created)
	}
	// Without Faults, no decision and no failure.
	r := Run(Config{}, scheduler.NewRandom(1), prog(&created))
	if r.Failure != nil || slices.ContainsFunc(r.Decisions, func(d scheduler.Decision) bool { return d.Kind == scheduler.DecValue }) {
		t.Fatal("fault decisions without Config.Faults")
	}
}

func TestCallsOutsideSimulationPanic(t *testing.T) {
	var kept *Thread
	run(t, Config{}, func(t *Thread) { kept = t })
	tests := []struct {
		name string
		call func()
	}{
		{"after the run", func() { kept.CreateEvent(true, true) }},
		{"nil thread", func() { var t *Thread; t.Sleep(1) }},
		{"cell after the run", func() { var c Cell[int]; c.Load(kept) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.Contains(s, "simulated thread") {
					t.Fatalf("want a panic saying it needs a simulated thread, got %v", r)
				}
			}()
			tc.call()
		})
	}
}

// everything exercises most of the kernel in one program.
func everything(t *Thread) {
	var cs CriticalSection
	var shared Cell[int]
	ev := t.CreateEvent(true, false)
	auto := t.CreateEvent(false, false)
	var hs []Handle
	for i := range 3 {
		h, _ := t.CreateThread(func(t *Thread) uint32 {
			t.WaitForSingleObject(ev, uint32(5*i+1))
			for j := range 3 {
				cs.Enter(t)
				shared.Store(t, shared.Load(t)+j)
				cs.Leave(t)
				if t.WaitForSingleObject(auto, uint32(j)) == WaitObject0 {
					t.SetEvent(auto)
				}
			}
			return uint32(i)
		})
		hs = append(hs, h)
	}
	t.enterImplementation()
	d, ok := t.DuplicateHandle(hs[0])
	t.leaveImplementation()
	t.Sleep(3)
	t.SetEvent(ev)
	t.SetEvent(auto)
	t.WaitForMultipleObjects(hs, true, Infinite)
	if ok {
		t.CloseHandle(d)
	}
	for _, h := range hs {
		t.CloseHandle(h)
	}
}

func TestDeterminism(t *testing.T) {
	s1, s2 := NewSimulator(Config{Faults: true}), NewSimulator(Config{Faults: true})
	for seed := range uint64(1000) {
		r1 := s1.Run(scheduler.NewRandom(seed), everything)
		r2 := s2.Run(scheduler.NewRandom(seed), everything)
		if r1.Failure != nil || r2.Failure != nil {
			t.Fatalf("seed %d: %v / %v", seed, r1.Failure, r2.Failure)
		}
		if !slices.Equal(r1.Events, r2.Events) || !slices.Equal(r1.Decisions, r2.Decisions) ||
			!slices.Equal(r1.Handles, r2.Handles) || len(r1.Races) != len(r2.Races) {
			t.Fatalf("seed %d: two runs of the same seed differ", seed)
		}
	}
}

// TestRaceReportPrefersTheImplementation: of two races on one cell, the
// one the implementation takes part in is reported, whichever came first
// (two unordered reads commute for partial-order reduction, so their order
// must not decide whether the checks see a RACE).
func TestRaceReportPrefersTheImplementation(t *testing.T) {
	seen := map[bool]bool{} // whether the implementation's read came first
	for seed := range uint64(40) {
		var c Cell[int]
		c.SetName("x")
		var order []bool
		r := Run(Config{}, scheduler.NewRandom(seed), func(th *Thread) {
			read := func(impl bool) func(*Thread) uint32 {
				return func(t *Thread) uint32 {
					if impl {
						t.enterImplementation()
						defer t.leaveImplementation()
					}
					c.Load(t)
					order = append(order, impl)
					return 0
				}
			}
			hs := make([]Handle, 0, 3)
			for _, f := range []func(*Thread) uint32{read(false), read(true), func(t *Thread) uint32 { c.Store(t, 1); return 0 }} {
				h, _ := th.CreateThread(f)
				hs = append(hs, h)
			}
			for _, h := range hs {
				th.WaitForSingleObject(h, Infinite)
			}
		})
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
		if len(r.Races) != 1 {
			t.Fatalf("seed %d: races %v, want one", seed, r.Races)
		}
		seen[order[0]] = true
		if rc := r.Races[0]; !rc.First.Impl && !rc.Second.Impl {
			t.Errorf("seed %d: reported %v, want the race the implementation's read takes part in", seed, rc)
		}
	}
	if !seen[false] || !seen[true] {
		t.Fatalf("the seeds did not run the reads in both orders: %v", seen)
	}
}
