package sim

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

func zzAll(t *testing.T, cfg Config, prog func(*Thread), check func(*Result)) int {
	d := scheduler.NewDFS(-1)
	n := 0
	for !d.Done() {
		r := Run(cfg, d, prog)
		check(r)
		n++
		if n > 20000 {
			t.Fatal("too many runs")
		}
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	return n
}

// 1: a CREATE_SUSPENDED thread resumed before its task first runs skips
// the acquire of the resumer's clock: a false race.
func TestZZResumeBeforeFirstRunRace(t *testing.T) {
	var x Cell[int]
	races := 0
	runs := zzAll(t, Config{}, func(t *Thread) {
		h, _, _ := t.CreateThreadEx(func(t *Thread) uint32 { x.Load(t); return 0 }, CreateSuspended)
		x.Store(t, 1)
		t.ResumeThread(h)
		t.WaitForSingleObject(h, Infinite)
	}, func(r *Result) {
		if len(r.Races) > 0 {
			races++
		}
	})
	if races > 0 {
		t.Errorf("%d of %d runs report a race on a write that happens before ResumeThread", races, runs)
	}
}

// 2: SleepSRW without holding the lock: no fault, and the lock's shared
// count goes negative.
func TestZZSleepSRWNotHeld(t *testing.T) {
	var l SRWLock
	var cv ConditionVariable
	seen := 0
	r := Run(Config{NoSpuriousWakeups: true}, scheduler.NewRandom(1), func(t *Thread) {
		h, _ := t.CreateThread(func(t *Thread) uint32 {
			t.Sleep(1)
			seen = l.shared
			return 0
		})
		cv.SleepSRW(t, &l, 5, true) // shared, but not held
		t.WaitForSingleObject(h, Infinite)
	})
	if len(r.Faults) == 0 || seen < 0 {
		t.Errorf("faults %v; shared count seen while asleep: %d", r.Faults, seen)
	}
}

// 3: SleepCS with the critical section entered twice: Windows leaves it
// once (still owned: others cannot enter), the doc says it must be
// entered exactly once; sim releases it fully and records nothing.
func TestZZSleepCSRecursive(t *testing.T) {
	var cs CriticalSection
	var cv ConditionVariable
	entered := false
	r := Run(Config{NoSpuriousWakeups: true}, scheduler.NewRandom(1), func(t *Thread) {
		cs.Enter(t)
		cs.Enter(t)
		h, _ := t.CreateThread(func(t *Thread) uint32 {
			cs.Enter(t)
			entered = true
			cv.Wake(t)
			cs.Leave(t)
			return 0
		})
		cv.SleepCS(t, &cs, 50)
		cs.Leave(t)
		cs.Leave(t)
		t.WaitForSingleObject(h, Infinite)
	})
	if entered && len(r.Faults) == 0 {
		t.Errorf("another thread entered a critical section its owner held twice while the owner slept; no fault")
	}
}

// 4: TryEnter (and Leave) on a deleted critical section records no fault,
// unlike Enter.
func TestZZTryEnterAfterDelete(t *testing.T) {
	var cs CriticalSection
	r := Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		cs.Delete(t)
		if cs.TryEnter(t) {
			cs.Leave(t)
		}
	})
	if len(r.Faults) == 0 {
		t.Errorf("TryEnterCriticalSection after DeleteCriticalSection: no fault")
	}
}

// 5: SignalObjectAndWait on a closed toSignal handle is reported as a wait
// on a closed handle, though it is not waited on.
func TestZZSignalAndWaitClosedSignalKind(t *testing.T) {
	r := Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		e := t.CreateEvent(false, false)
		w := t.CreateEvent(true, true)
		t.CloseHandle(e)
		t.SignalObjectAndWait(e, w, 0)
	})
	if len(r.Faults) != 1 || r.Faults[0].Kind != FaultUseAfterClose {
		t.Errorf("faults %v", r.Faults)
	}
}

// 6: SignalObjectAndWait with a bad toWait handle still signals toSignal.
func TestZZSignalAndWaitBadWaitStillSignals(t *testing.T) {
	var after bool
	Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		e := t.CreateEvent(true, false)
		r := t.SignalObjectAndWait(e, 0x1234, 0)
		after = t.WaitForSingleObject(e, 0) == WaitObject0
		_ = r
	})
	if after {
		t.Logf("SignalObjectAndWait(e, bad) returned WAIT_FAILED but set e")
	}
}

// 7: a manual-reset event satisfying two wait-alls that compete for one
// auto-reset event: which gets it is never a decision.
func TestZZManualHandOffNoChoice(t *testing.T) {
	outcomes := map[string]bool{}
	zzAll(t, Config{}, func(t *Thread) {
		m := t.CreateEvent(true, false)
		e := t.CreateEvent(false, true)
		var res [2]uint32
		var hs [2]Handle
		for i := range 2 {
			hs[i], _ = t.CreateThread(func(t *Thread) uint32 {
				res[i] = t.WaitForMultipleObjects([]Handle{m, e}, true, 10)
				return 0
			})
		}
		t.Sleep(5) // both are blocked by now
		t.SetEvent(m)
		t.WaitForMultipleObjects(hs[:], true, Infinite)
		outcomes[fmt.Sprint(res)] = true
	}, func(r *Result) {})
	if len(outcomes) < 2 {
		t.Errorf("outcomes %v: only the first-blocked wait-all ever gets the auto-reset event", outcomes)
	}
}

// 8: timeout at the same instant as a grant: consistent state and waiter
// counts.
func TestZZTimeoutVsGrant(t *testing.T) {
	outcomes := map[string]bool{}
	zzAll(t, Config{}, func(t *Thread) {
		e := t.CreateEvent(false, false)
		var got uint32
		h, _ := t.CreateThread(func(t *Thread) uint32 { got = t.WaitForSingleObject(e, 10); return 0 })
		t.Sleep(10)
		t.SetEvent(e)
		t.WaitForSingleObject(h, Infinite)
		left := t.WaitForSingleObject(e, 0)
		if got == WaitObject0 && left == WaitObject0 || got == WaitTimeout && left != WaitObject0 {
			panic(fmt.Sprint("inconsistent ", got, left))
		}
		if w := t.k.entry(e).waiters; w != 0 || len(t.k.entry(e).obj.blocked) != 0 {
			panic(fmt.Sprint("waiters ", w))
		}
		outcomes[fmt.Sprint(got)] = true
	}, func(r *Result) {
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	})
	t.Log(outcomes)
}

// 9: semaphore released by 3 with one waiter; wait-all over two semaphores.
func TestZZSemaphores(t *testing.T) {
	zzAll(t, Config{}, func(t *Thread) {
		s1 := t.CreateSemaphore(0, 5)
		s2 := t.CreateSemaphore(0, 5)
		var a, b uint32
		ha, _ := t.CreateThread(func(t *Thread) uint32 { a = t.WaitForMultipleObjects([]Handle{s1, s2}, true, Infinite); return 0 })
		hb, _ := t.CreateThread(func(t *Thread) uint32 { b = t.WaitForSingleObject(s2, Infinite); return 0 })
		t.ReleaseSemaphore(s2, 3)
		t.ReleaseSemaphore(s1, 1)
		t.WaitForMultipleObjects([]Handle{ha, hb}, true, Infinite)
		o1, o2 := t.k.entry(s1).obj, t.k.entry(s2).obj
		if a != 0 || b != 0 || o1.count != 0 || o2.count != 1 || !o2.signaled || o1.signaled {
			panic(fmt.Sprint(a, b, o1.count, o2.count))
		}
		for _, h := range []Handle{s1, s2, ha, hb} {
			if t.k.entry(h).waiters != 0 {
				panic("waiters")
			}
		}
	}, func(r *Result) {
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	})
}

// 10: mutex abandoned while another thread is blocked on it in a wait-all;
// wait-all including an owned mutex.
func TestZZAbandonWaitAll(t *testing.T) {
	zzAll(t, Config{}, func(t *Thread) {
		m := t.CreateMutex(false)
		e := t.CreateEvent(false, false)
		var got uint32
		own, _ := t.CreateThread(func(t *Thread) uint32 {
			t.WaitForSingleObject(m, Infinite)
			if r := t.WaitForMultipleObjects([]Handle{m, e}, true, 0); r != WaitTimeout {
				panic(r)
			}
			return 0
		})
		t.WaitForSingleObject(own, Infinite)
		h, _ := t.CreateThread(func(t *Thread) uint32 {
			got = t.WaitForMultipleObjects([]Handle{e, m}, true, Infinite)
			if t.ReleaseMutex(m) != true || t.ReleaseMutex(m) {
				panic("release")
			}
			return 0
		})
		t.SetEvent(e)
		t.WaitForSingleObject(h, Infinite)
		if got != WaitAbandoned0 {
			panic(got)
		}
	}, func(r *Result) {
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	})
}

// 11: pseudo-handle and real handle to one's own thread in a wait-any;
// waiter counts after timeout.
func TestZZPseudoSelfWait(t *testing.T) {
	r := Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		d, _ := t.DuplicateHandle(CurrentThread)
		if r := t.WaitForMultipleObjects([]Handle{CurrentThread, d}, true, 1); r != WaitFailed {
			panic(r)
		}
		if r := t.WaitForMultipleObjects([]Handle{CurrentThread, d}, false, 1); r != WaitTimeout {
			panic(r)
		}
		if t.pseudo.waiters != 0 || t.k.entry(d).waiters != 0 || len(t.obj.blocked) != 0 {
			panic("waiters")
		}
		t.CloseHandle(d)
	})
	if r.Failure != nil || len(r.Faults) != 0 {
		t.Fatal(r.Failure, r.Faults)
	}
}

// 12: CV sleep timing out at the instant it is woken.
func TestZZCVTimeoutVsWake(t *testing.T) {
	outcomes := map[string]bool{}
	zzAll(t, Config{NoSpuriousWakeups: true}, func(t *Thread) {
		var cs CriticalSection
		var cv ConditionVariable
		var ok bool
		h, _ := t.CreateThread(func(t *Thread) uint32 {
			cs.Enter(t)
			ok = cv.SleepCS(t, &cs, 10)
			cs.Leave(t)
			return 0
		})
		t.Sleep(10)
		cv.Wake(t)
		t.WaitForSingleObject(h, Infinite)
		if len(cv.sleepers) != 0 || cs.owner != nil || cs.waiters != 0 {
			panic("state")
		}
		outcomes[fmt.Sprint(ok)] = true
	}, func(r *Result) {
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	})
	t.Log(outcomes)
}

// 13: critical-section waiters after a blocked Enter is unwound at the end
// of a run (deadlock).
func TestZZCSWaitersUnwound(t *testing.T) {
	var cs CriticalSection
	r := Run(Config{}, scheduler.NewRandom(1), func(t *Thread) {
		t.CreateThread(func(t *Thread) uint32 {
			cs.Enter(t)
			t.ExitThread(7) // inside the critical section
			return 0
		})
		t.Sleep(1)
		cs.Enter(t)
	})
	if r.Failure == nil || r.Failure.Kind != scheduler.Deadlock || cs.waiters != 0 {
		t.Errorf("failure %v, waiters %d", r.Failure, cs.waiters)
	}
}

// 14: determinism.
func TestZZDeterminism(t *testing.T) {
	prog := func(t *Thread) {
		s := t.CreateSemaphore(0, 3)
		m := t.CreateMutex(false)
		e := t.CreateEvent(false, false)
		var cs CriticalSection
		var cv ConditionVariable
		var hs []Handle
		for range 4 {
			h, _ := t.CreateThread(func(t *Thread) uint32 {
				t.WaitForMultipleObjects([]Handle{s, m}, true, 20)
				t.ReleaseMutex(m)
				t.PulseEvent(e)
				cs.Enter(t)
				cv.SleepCS(t, &cs, 3)
				cs.Leave(t)
				cv.WakeAll(t)
				return 0
			})
			hs = append(hs, h)
		}
		t.ReleaseSemaphore(s, 3)
		t.SignalObjectAndWait(e, s, 5)
		t.WaitForMultipleObjects(hs, true, Infinite)
	}
	for seed := range uint64(30) {
		a := Run(Config{}, scheduler.NewRandom(seed), prog)
		b := Run(Config{}, scheduler.NewRandom(seed), prog)
		if !reflect.DeepEqual(a.Events, b.Events) || !reflect.DeepEqual(a.Decisions, b.Decisions) {
			t.Fatalf("seed %d not deterministic", seed)
		}
	}
}

// 15: ResumeThread on a suspended thread never run; GetExitCodeThread.
func TestZZResumeNeverRun(t *testing.T) {
	zzAll(t, Config{}, func(t *Thread) {
		h, _, _ := t.CreateThreadEx(func(t *Thread) uint32 { return 5 }, CreateSuspended)
		if c, _ := t.GetExitCodeThread(h); c != StillActive {
			panic(c)
		}
		if r := t.WaitForSingleObject(h, 3); r != WaitTimeout {
			panic(r)
		}
		if p := t.ResumeThread(h); p != 1 {
			panic(p)
		}
		if p := t.ResumeThread(h); p != 0 {
			panic(p)
		}
		t.WaitForSingleObject(h, Infinite)
		if c, _ := t.GetExitCodeThread(h); c != 5 {
			panic(c)
		}
	}, func(r *Result) {
		if r.Failure != nil {
			t.Fatal(r.Failure)
		}
	})
}
