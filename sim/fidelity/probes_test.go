package fidelity

import (
	"fmt"
	"strings"

	"github.com/clussim/clussim/sim"
)

// settle is the probes' SETTLE (probe.h): how long the main thread sleeps
// so that the other threads get to where they block.
const settle = 200

// out is what a twin prints, line by line, as its C probe does.
type out struct{ b strings.Builder }

func (o *out) say(key string, v any) {
	switch x := v.(type) {
	case bool:
		if x {
			v = 1
		} else {
			v = 0
		}
	}
	fmt.Fprintf(&o.b, "%s=%v\n", key, v)
}

// spawn starts f on a new thread, as probe.h's spawn does.
func spawn(t *sim.Thread, f func(t *sim.Thread)) sim.Handle {
	h, _ := t.CreateThread(func(t *sim.Thread) uint32 { f(t); return 0 })
	return h
}

// join waits for h and closes it, as probe.h's join does.
func join(t *sim.Thread, h sim.Handle) {
	t.WaitForSingleObject(h, sim.Infinite)
	t.CloseHandle(h)
}

// probes returns the twins of testdata/probes/*.c, by name; each is the C
// program line for line.
func probes() map[string]func(t *sim.Thread, o *out) {
	return map[string]func(t *sim.Thread, o *out){
		"exit-code-still-active": func(t *sim.Thread, o *out) {
			gate := t.CreateEvent(true, false)
			h, _ := t.CreateThread(func(t *sim.Thread) uint32 { t.WaitForSingleObject(gate, sim.Infinite); return 7 })
			code, ok := t.GetExitCodeThread(h)
			o.say("running_ok", ok)
			o.say("running_code", code)
			t.SetEvent(gate)
			t.WaitForSingleObject(h, sim.Infinite)
			code, ok = t.GetExitCodeThread(h)
			o.say("ended_ok", ok)
			o.say("ended_code", code)
			t.CloseHandle(h)
			t.CloseHandle(gate)
		},
		"exit-code-closed-handle": func(t *sim.Thread, o *out) {
			h, _ := t.CreateThread(func(*sim.Thread) uint32 { return 3 })
			t.WaitForSingleObject(h, sim.Infinite)
			t.CloseHandle(h)
			_, ok := t.GetExitCodeThread(h)
			o.say("ok", ok)
			o.say("error", t.GetLastError())
		},
		"interlocked-arithmetic": func(t *sim.Thread, o *out) {
			var x sim.Cell[int32]
			x.AtomicStore(t, 5)
			o.say("add_returns", sim.InterlockedExchangeAdd(t, &x, 3))
			o.say("after_add", x.AtomicLoad(t))
			o.say("increment_returns", sim.InterlockedIncrement(t, &x))
			o.say("decrement_returns", sim.InterlockedDecrement(t, &x))
			o.say("after", x.AtomicLoad(t))
		},
		"interlocked-increment-threads": func(t *sim.Thread, o *out) {
			var n sim.Cell[int32]
			bump := func(t *sim.Thread) { sim.InterlockedIncrement(t, &n); sim.InterlockedIncrement(t, &n) }
			a, b := spawn(t, bump), spawn(t, bump)
			join(t, a)
			join(t, b)
			o.say("n", n.AtomicLoad(t))
		},
		"set-last-error": func(t *sim.Thread, o *out) {
			t.SetLastError(1234)
			o.say("mine", t.GetLastError())
			var other uint32
			h := spawn(t, func(t *sim.Thread) { other = t.GetLastError() })
			join(t, h)
			o.say("other_thread", other)
			o.say("mine_after", t.GetLastError())
		},
		"last-error-after-success": func(t *sim.Thread, o *out) {
			t.SetLastError(5)
			e := t.CreateEvent(true, false)
			o.say("create_event", t.GetLastError())
			t.SetLastError(5)
			t.SetEvent(e)
			o.say("set_event", t.GetLastError())
			t.SetLastError(5)
			t.WaitForSingleObject(e, 0)
			o.say("wait", t.GetLastError())
			t.SetLastError(5)
			t.ResetEvent(e)
			o.say("reset_event", t.GetLastError())
			t.SetLastError(5)
			t.CloseHandle(e)
			o.say("close", t.GetLastError())
		},
		"current-thread-pseudo": func(t *sim.Thread, o *out) {
			h := t.GetCurrentThread()
			o.say("id_is_mine", t.GetThreadID(h) == t.CurrentThreadID())
			o.say("wait", t.WaitForSingleObject(h, 0))
			o.say("close", t.CloseHandle(h))
			o.say("still_mine", t.GetThreadID(t.GetCurrentThread()) == t.CurrentThreadID())
		},
		"duplicate-current-thread": func(t *sim.Thread, o *out) {
			var real sim.Handle
			var id uint32
			h := spawn(t, func(t *sim.Thread) {
				id = t.CurrentThreadID()
				real, _ = t.DuplicateHandle(t.GetCurrentThread())
			})
			join(t, h)
			o.say("same_thread", t.GetThreadID(real) == id)
			o.say("wait", t.WaitForSingleObject(real, 0))
			o.say("close", t.CloseHandle(real))
		},
		"current-process-pseudo": func(t *sim.Thread, o *out) {
			o.say("same", sim.InvalidHandleValue == t.GetCurrentProcess())
			o.say("wait", t.WaitForSingleObject(sim.InvalidHandleValue, 0))
			o.say("close", t.CloseHandle(t.GetCurrentProcess()))
		},
		"try-enter-critical-section": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			released := t.CreateEvent(true, false)
			busy, free := false, false
			cs.Enter(t)
			o.say("owner_again", cs.TryEnter(t))
			cs.Leave(t)
			h := spawn(t, func(t *sim.Thread) {
				busy = cs.TryEnter(t)
				t.WaitForSingleObject(released, sim.Infinite)
				if free = cs.TryEnter(t); free {
					cs.Leave(t)
				}
			})
			t.Sleep(settle)
			cs.Leave(t)
			t.SetEvent(released)
			join(t, h)
			o.say("busy", busy)
			o.say("free", free)
			t.CloseHandle(released)
		},
		"semaphore-counts": func(t *sim.Thread, o *out) {
			s := t.CreateSemaphore(2, 3)
			o.say("first", t.WaitForSingleObject(s, 0))
			o.say("second", t.WaitForSingleObject(s, 0))
			o.say("third", t.WaitForSingleObject(s, 0))
			prev, ok := t.ReleaseSemaphore(s, 3)
			o.say("release_ok", ok)
			o.say("prev", prev)
			_, ok = t.ReleaseSemaphore(s, 1)
			o.say("too_many", ok)
			o.say("error", t.GetLastError())
			o.say("after_fail", t.WaitForSingleObject(s, 0))
			t.CloseHandle(s)
		},
		"semaphore-releases-waiters": func(t *sim.Thread, o *out) {
			s := t.CreateSemaphore(0, 10)
			woken, timedout := 0, 0
			waiter := func(t *sim.Thread) {
				if t.WaitForSingleObject(s, 1000) == sim.WaitObject0 {
					woken++
				} else {
					timedout++
				}
			}
			a, b, c := spawn(t, waiter), spawn(t, waiter), spawn(t, waiter)
			t.Sleep(settle)
			t.ReleaseSemaphore(s, 2)
			o.say("setter_gets", t.WaitForSingleObject(s, 0))
			join(t, a)
			join(t, b)
			join(t, c)
			o.say("woken", woken)
			o.say("timedout", timedout)
			t.CloseHandle(s)
		},
		"semaphore-bad-args": func(t *sim.Thread, o *out) {
			o.say("above_max", t.CreateSemaphore(4, 3) == 0)
			o.say("error", t.GetLastError())
			o.say("zero_max", t.CreateSemaphore(0, 0) == 0)
			o.say("error2", t.GetLastError())
		},
		"mutex-recursive": func(t *sim.Thread, o *out) {
			m := t.CreateMutex(true)
			o.say("again", t.WaitForSingleObject(m, 0))
			var busy, notOwnerErr uint32
			var notOwner bool
			h := spawn(t, func(t *sim.Thread) {
				busy = t.WaitForSingleObject(m, 0)
				notOwner = t.ReleaseMutex(m)
				notOwnerErr = t.GetLastError()
			})
			join(t, h)
			o.say("busy", busy)
			o.say("not_owner", notOwner)
			o.say("not_owner_error", notOwnerErr)
			o.say("release1", t.ReleaseMutex(m))
			o.say("release2", t.ReleaseMutex(m))
			o.say("release3", t.ReleaseMutex(m))
			o.say("release3_error", t.GetLastError())
			t.CloseHandle(m)
		},
		"mutex-abandoned": func(t *sim.Thread, o *out) {
			m := t.CreateMutex(false)
			h := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(m, sim.Infinite) })
			join(t, h)
			o.say("first", t.WaitForSingleObject(m, 0))
			o.say("again", t.WaitForSingleObject(m, 0))
			o.say("release1", t.ReleaseMutex(m))
			o.say("release2", t.ReleaseMutex(m))
			t.CloseHandle(m)
		},
		"mutex-handed-to-waiter": func(t *sim.Thread, o *out) {
			m := t.CreateMutex(true)
			got := uint32(99)
			h := spawn(t, func(t *sim.Thread) {
				got = t.WaitForSingleObject(m, 5000)
				t.Sleep(settle)
				t.ReleaseMutex(m)
			})
			t.Sleep(settle)
			t.ReleaseMutex(m)
			o.say("releaser_again", t.WaitForSingleObject(m, 0))
			join(t, h)
			o.say("waiter", got)
			t.CloseHandle(m)
		},
		"pulse-manual": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			a, b := uint32(99), uint32(99)
			ha := spawn(t, func(t *sim.Thread) { a = t.WaitForSingleObject(e, 2000) })
			hb := spawn(t, func(t *sim.Thread) { b = t.WaitForSingleObject(e, 2000) })
			t.Sleep(settle)
			o.say("pulse", t.PulseEvent(e))
			o.say("after", t.WaitForSingleObject(e, 0))
			join(t, ha)
			join(t, hb)
			o.say("a", a)
			o.say("b", b)
			t.CloseHandle(e)
		},
		"pulse-nobody-waiting": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			o.say("pulse", t.PulseEvent(e))
			o.say("after", t.WaitForSingleObject(e, 0))
			t.CloseHandle(e)
		},
		"create-suspended": func(t *sim.Thread, o *out) {
			ran := 0
			h, id, _ := t.CreateThreadEx(func(*sim.Thread) uint32 { ran = 1; return 0 }, sim.CreateSuspended)
			o.say("id_matches", id == t.GetThreadID(h))
			t.Sleep(settle)
			o.say("ran_before_resume", ran)
			o.say("wait_suspended", t.WaitForSingleObject(h, 0))
			o.say("resume", t.ResumeThread(h))
			o.say("wait", t.WaitForSingleObject(h, sim.Infinite))
			o.say("ran", ran)
			o.say("resume_ended", t.ResumeThread(h))
			t.CloseHandle(h)
		},
		"exit-thread": func(t *sim.Thread, o *out) {
			after := 0
			h, _ := t.CreateThread(func(t *sim.Thread) uint32 {
				t.ExitThread(42)
				after = 1
				return 7
			})
			t.WaitForSingleObject(h, sim.Infinite)
			code, _ := t.GetExitCodeThread(h)
			o.say("code", code)
			o.say("after", after)
			t.CloseHandle(h)
		},
		"srw-shared-together": func(t *sim.Thread, o *out) {
			var lock sim.SRWLock
			in, release := t.CreateEvent(true, false), t.CreateEvent(true, false)
			a := spawn(t, func(t *sim.Thread) {
				lock.AcquireShared(t)
				t.SetEvent(in)
				t.WaitForSingleObject(release, sim.Infinite)
				lock.ReleaseShared(t)
			})
			o.say("reader_inside", t.WaitForSingleObject(in, 5000))
			o.say("shared_while_shared", lock.TryAcquireShared(t))
			o.say("exclusive_while_shared", lock.TryAcquireExclusive(t))
			lock.ReleaseShared(t)
			t.SetEvent(release)
			join(t, a)
			o.say("exclusive_after", lock.TryAcquireExclusive(t))
			o.say("shared_while_exclusive", lock.TryAcquireShared(t))
			lock.ReleaseExclusive(t)
			t.CloseHandle(in)
			t.CloseHandle(release)
		},
		"srw-exclusive-blocks": func(t *sim.Thread, o *out) {
			var lock sim.SRWLock
			got := 0
			lock.AcquireExclusive(t)
			h := spawn(t, func(t *sim.Thread) { lock.AcquireShared(t); got = 1; lock.ReleaseShared(t) })
			t.Sleep(settle)
			o.say("while_held", got)
			lock.ReleaseExclusive(t)
			join(t, h)
			o.say("after", got)
		},
		"cv-wake-one": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			var cv sim.ConditionVariable
			ready, seen, woke := 0, 99, 0
			h := spawn(t, func(t *sim.Thread) {
				cs.Enter(t)
				for ready == 0 {
					cv.SleepCS(t, &cs, sim.Infinite)
				}
				seen, woke = ready, 1
				cs.Leave(t)
			})
			t.Sleep(settle)
			cs.Enter(t)
			ready = 7
			cv.Wake(t)
			t.Sleep(settle)
			o.say("woke_while_held", woke)
			cs.Leave(t)
			join(t, h)
			o.say("seen", seen)
		},
		"cv-wake-all": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			var cv sim.ConditionVariable
			g, woken := 0, 0
			sleeper := func(t *sim.Thread) {
				cs.Enter(t)
				for g == 0 {
					cv.SleepCS(t, &cs, sim.Infinite)
				}
				woken++
				cs.Leave(t)
			}
			a, b := spawn(t, sleeper), spawn(t, sleeper)
			t.Sleep(settle)
			cs.Enter(t)
			g = 1
			cv.WakeAll(t)
			cs.Leave(t)
			join(t, a)
			join(t, b)
			o.say("woken", woken)
		},
		"cv-timeout": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			var cv sim.ConditionVariable
			held := false
			cs.Enter(t)
			r := cv.SleepCS(t, &cs, 50)
			o.say("result", r)
			o.say("error", t.GetLastError())
			h := spawn(t, func(t *sim.Thread) {
				if held = cs.TryEnter(t); held {
					cs.Leave(t)
				}
			})
			join(t, h)
			o.say("other_got_it", held)
			cs.Leave(t)
		},
		"cv-srw": func(t *sim.Thread, o *out) {
			var lock sim.SRWLock
			var cv sim.ConditionVariable
			ready, seen := 0, 99
			h := spawn(t, func(t *sim.Thread) {
				lock.AcquireExclusive(t)
				for ready == 0 {
					cv.SleepSRW(t, &lock, sim.Infinite, false)
				}
				seen = ready
				lock.ReleaseExclusive(t)
			})
			t.Sleep(settle)
			o.say("lock_free_while_asleep", lock.TryAcquireExclusive(t))
			ready = 3
			cv.Wake(t)
			lock.ReleaseExclusive(t)
			join(t, h)
			o.say("seen", seen)
		},
		"signal-object-and-wait": func(t *sim.Thread, o *out) {
			ping, pong := t.CreateEvent(false, false), t.CreateEvent(false, false)
			h := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(ping, sim.Infinite); t.SetEvent(pong) })
			t.Sleep(settle)
			o.say("answer", t.SignalObjectAndWait(ping, pong, 5000))
			o.say("ping_taken", t.WaitForSingleObject(ping, 0))
			join(t, h)
			t.CloseHandle(ping)
			t.CloseHandle(pong)
		},
		"signal-object-and-wait-mutex": func(t *sim.Thread, o *out) {
			m, e := t.CreateMutex(true), t.CreateEvent(true, true)
			s := t.CreateSemaphore(0, 1)
			o.say("release_mutex", t.SignalObjectAndWait(m, e, 0))
			o.say("not_owner", t.SignalObjectAndWait(m, e, 0))
			o.say("not_owner_error", t.GetLastError())
			o.say("release_semaphore", t.SignalObjectAndWait(s, e, 0))
			o.say("semaphore_count_1", t.WaitForSingleObject(s, 0))
			t.CloseHandle(m)
			t.CloseHandle(e)
			t.CloseHandle(s)
		},
		"signal-object-and-wait-times-out": func(t *sim.Thread, o *out) {
			a, b := t.CreateEvent(true, false), t.CreateEvent(true, false)
			o.say("result", t.SignalObjectAndWait(a, b, 10))
			o.say("a_set", t.WaitForSingleObject(a, 0))
			t.CloseHandle(a)
			t.CloseHandle(b)
		},
		"wfmo-all-blocked-abandoned": func(t *sim.Thread, o *out) {
			m := t.CreateMutex(false)
			e := t.CreateEvent(true, true)
			h := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(m, sim.Infinite) })
			join(t, h)
			o.say("all", t.WaitForMultipleObjects([]sim.Handle{e, m}, true, 0))
			o.say("owned_now", t.ReleaseMutex(m))
			t.CloseHandle(m)
			t.CloseHandle(e)
		},
		"wfmo-any-abandoned-index": func(t *sim.Thread, o *out) {
			m := t.CreateMutex(false)
			e := t.CreateEvent(true, false)
			h := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(m, sim.Infinite) })
			join(t, h)
			o.say("any", t.WaitForMultipleObjects([]sim.Handle{e, m}, false, 0))
			t.ReleaseMutex(m)
			t.CloseHandle(m)
			t.CloseHandle(e)
		},
		"wfmo-all-semaphores": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateSemaphore(1, 5), t.CreateSemaphore(2, 5)}
			o.say("all", t.WaitForMultipleObjects(hs, true, 0))
			o.say("first_after", t.WaitForSingleObject(hs[0], 0))
			o.say("second_after", t.WaitForSingleObject(hs[1], 0))
			o.say("second_empty", t.WaitForSingleObject(hs[1], 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"release-closed-handles": func(t *sim.Thread, o *out) {
			s, m := t.CreateSemaphore(0, 1), t.CreateMutex(true)
			t.CloseHandle(s)
			_, ok := t.ReleaseSemaphore(s, 1)
			o.say("semaphore", ok)
			o.say("semaphore_error", t.GetLastError())
			t.ReleaseMutex(m)
			t.CloseHandle(m)
			o.say("mutex", t.ReleaseMutex(m))
			o.say("mutex_error", t.GetLastError())
		},
		"critical-section-reinitialize": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			got := false
			other := func(t *sim.Thread) {
				if got = cs.TryEnter(t); got {
					cs.Leave(t)
				}
			}
			cs.Initialize(t)
			cs.Enter(t)
			cs.Leave(t)
			cs.Delete(t)
			cs.Initialize(t)
			o.say("owner", cs.TryEnter(t))
			join(t, spawn(t, other))
			o.say("other_while_held", got)
			cs.Leave(t)
			join(t, spawn(t, other))
			o.say("other_after", got)
			cs.Delete(t)
		},
		"terminate-thread": func(t *sim.Thread, o *out) {
			never, owns := t.CreateEvent(true, false), t.CreateEvent(true, false)
			m := t.CreateMutex(false)
			after := 0
			h, _ := t.CreateThread(func(t *sim.Thread) uint32 {
				t.WaitForSingleObject(m, sim.Infinite)
				t.SetEvent(owns)
				t.WaitForSingleObject(never, sim.Infinite)
				after = 1
				return 0
			})
			t.WaitForSingleObject(owns, sim.Infinite)
			o.say("terminate", t.TerminateThread(h, 9))
			o.say("wait", t.WaitForSingleObject(h, 5000))
			code, _ := t.GetExitCodeThread(h)
			o.say("code", code)
			o.say("after", after)
			o.say("mutex", t.WaitForSingleObject(m, 0))
			t.ReleaseMutex(m)
			t.CloseHandle(h)
			t.CloseHandle(m)
			t.CloseHandle(owns)
			t.CloseHandle(never)
		},
		"terminate-thread-closed-handle": func(t *sim.Thread, o *out) {
			h := spawn(t, func(*sim.Thread) {})
			t.WaitForSingleObject(h, sim.Infinite)
			t.CloseHandle(h)
			o.say("terminate", t.TerminateThread(h, 1))
			o.say("error", t.GetLastError())
		},
		"wait-timeout-unsignalled": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			o.say("zero", t.WaitForSingleObject(e, 0))
			o.say("ten", t.WaitForSingleObject(e, 10))
			t.CloseHandle(e)
		},
		"wait-closed-handle": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, true)
			t.CloseHandle(e)
			o.say("wait", t.WaitForSingleObject(e, 0))
			o.say("error", t.GetLastError())
		},
		"close-twice": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			o.say("first", t.CloseHandle(e))
			o.say("second", t.CloseHandle(e))
			o.say("error", t.GetLastError())
		},
		"manual-initially-set": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, true)
			o.say("first", t.WaitForSingleObject(e, 0))
			o.say("second", t.WaitForSingleObject(e, 0))
			t.CloseHandle(e)
		},
		"auto-initially-set": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, true)
			o.say("first", t.WaitForSingleObject(e, 0))
			o.say("second", t.WaitForSingleObject(e, 0))
			t.CloseHandle(e)
		},
		"reset-auto": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			o.say("set", t.SetEvent(e))
			o.say("reset", t.ResetEvent(e))
			o.say("wait", t.WaitForSingleObject(e, 0))
			t.CloseHandle(e)
		},
		"set-closed-handle": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			t.CloseHandle(e)
			o.say("set", t.SetEvent(e))
			o.say("set_error", t.GetLastError())
			o.say("reset", t.ResetEvent(e))
			o.say("reset_error", t.GetLastError())
		},
		"thread-exit-signals": func(t *sim.Thread, o *out) {
			h, _ := t.CreateThread(func(*sim.Thread) uint32 { return 7 })
			o.say("wait", t.WaitForSingleObject(h, sim.Infinite))
			o.say("again", t.WaitForSingleObject(h, 0))
			t.CloseHandle(h)
		},
		"wait-running-thread": func(t *sim.Thread, o *out) {
			g := t.CreateEvent(true, false)
			h := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(g, sim.Infinite) })
			o.say("running", t.WaitForSingleObject(h, 0))
			t.SetEvent(g)
			o.say("ended", t.WaitForSingleObject(h, sim.Infinite))
			t.CloseHandle(h)
			t.CloseHandle(g)
		},
		"duplicate-outlives-original": func(t *sim.Thread, o *out) {
			h := spawn(t, func(*sim.Thread) {})
			d, ok := t.DuplicateHandle(h)
			o.say("duplicated", ok)
			o.say("same_thread", t.GetThreadID(h) == t.GetThreadID(d))
			o.say("closed", t.CloseHandle(h))
			o.say("wait", t.WaitForSingleObject(d, sim.Infinite))
			o.say("close_duplicate", t.CloseHandle(d))
		},
		"thread-id": func(t *sim.Thread, o *out) {
			var seen uint32
			h := spawn(t, func(t *sim.Thread) { seen = t.CurrentThreadID() })
			t.WaitForSingleObject(h, sim.Infinite)
			o.say("same", t.GetThreadID(h) == seen)
			o.say("differs_from_main", seen != t.CurrentThreadID())
			t.CloseHandle(h)
		},
		"wfmo-empty": func(t *sim.Thread, o *out) {
			o.say("wait", t.WaitForMultipleObjects(nil, false, 0))
			o.say("error", t.GetLastError())
		},
		"wfmo-any-lowest": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateEvent(true, false), t.CreateEvent(true, false)}
			t.SetEvent(hs[1])
			o.say("second_only", t.WaitForMultipleObjects(hs, false, 0))
			t.SetEvent(hs[0])
			o.say("both", t.WaitForMultipleObjects(hs, false, 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"wfmo-all-takes-nothing": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateEvent(false, true), t.CreateEvent(true, false)}
			o.say("all", t.WaitForMultipleObjects(hs, true, 0))
			o.say("auto_still_set", t.WaitForSingleObject(hs[0], 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"wfmo-all-takes-every-object": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateEvent(false, true), t.CreateEvent(false, true)}
			o.say("all", t.WaitForMultipleObjects(hs, true, 0))
			o.say("first_after", t.WaitForSingleObject(hs[0], 0))
			o.say("second_after", t.WaitForSingleObject(hs[1], 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"wfmo-duplicate-any": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, true)
			o.say("wait", t.WaitForMultipleObjects([]sim.Handle{e, e}, false, 0))
			t.CloseHandle(e)
		},
		"wfmo-duplicate-object-all": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, true)
			d, _ := t.DuplicateHandle(e)
			o.say("wait", t.WaitForMultipleObjects([]sim.Handle{e, d}, true, 0))
			o.say("error", t.GetLastError())
			t.CloseHandle(d)
			t.CloseHandle(e)
		},
		"handle-value-reused": func(t *sim.Thread, o *out) {
			a := t.CreateEvent(true, false)
			t.CloseHandle(a)
			b := t.CreateEvent(true, false)
			o.say("reused", a == b)
			t.CloseHandle(b)
		},
		"auto-setter-cannot-steal": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			got := uint32(99)
			h := spawn(t, func(t *sim.Thread) { got = t.WaitForSingleObject(e, 5000) })
			t.Sleep(settle)
			t.SetEvent(e)
			o.say("setter", t.WaitForSingleObject(e, 0))
			join(t, h)
			o.say("waiter", got)
			t.CloseHandle(e)
		},
		"auto-late-arrival-cannot-steal": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			got, late := uint32(99), uint32(99)
			h := spawn(t, func(t *sim.Thread) { got = t.WaitForSingleObject(e, 5000) })
			t.Sleep(settle)
			t.SetEvent(e)
			l := spawn(t, func(t *sim.Thread) { late = t.WaitForSingleObject(e, 0) })
			join(t, h)
			join(t, l)
			o.say("waiter", got)
			o.say("late", late)
			t.CloseHandle(e)
		},
		"manual-set-reset-releases": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			a, b := uint32(99), uint32(99)
			ha := spawn(t, func(t *sim.Thread) { a = t.WaitForSingleObject(e, 2000) })
			hb := spawn(t, func(t *sim.Thread) { b = t.WaitForMultipleObjects([]sim.Handle{e}, false, 2000) })
			t.Sleep(settle)
			t.SetEvent(e)
			t.ResetEvent(e)
			join(t, ha)
			join(t, hb)
			o.say("a", a)
			o.say("b", b)
			t.CloseHandle(e)
		},
		"auto-releases-one-of-two": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(false, false)
			woken, timedout := 0, 0
			waiter := func(t *sim.Thread) {
				if t.WaitForSingleObject(e, 1000) == sim.WaitObject0 {
					woken++
				} else {
					timedout++
				}
			}
			a, b := spawn(t, waiter), spawn(t, waiter)
			t.Sleep(settle)
			t.SetEvent(e)
			join(t, a)
			join(t, b)
			o.say("woken", woken)
			o.say("timedout", timedout)
			t.CloseHandle(e)
		},
		"wait-all-released-by-last": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateEvent(false, false), t.CreateEvent(true, false)}
			got := uint32(99)
			h := spawn(t, func(t *sim.Thread) { got = t.WaitForMultipleObjects(hs, true, 5000) })
			t.Sleep(settle)
			t.SetEvent(hs[0])
			t.Sleep(settle)
			t.SetEvent(hs[1])
			join(t, h)
			o.say("waiter", got)
			o.say("auto_after", t.WaitForSingleObject(hs[0], 0))
			o.say("manual_after", t.WaitForSingleObject(hs[1], 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"wait-any-takes-one": func(t *sim.Thread, o *out) {
			hs := []sim.Handle{t.CreateEvent(false, false), t.CreateEvent(false, false)}
			got := uint32(99)
			h := spawn(t, func(t *sim.Thread) { got = t.WaitForMultipleObjects(hs, false, 5000) })
			t.Sleep(settle)
			t.SetEvent(hs[1])
			t.SetEvent(hs[0])
			join(t, h)
			o.say("waiter", got)
			o.say("first_after", t.WaitForSingleObject(hs[0], 0))
			o.say("second_after", t.WaitForSingleObject(hs[1], 0))
			t.CloseHandle(hs[0])
			t.CloseHandle(hs[1])
		},
		"exit-releases-every-waiter": func(t *sim.Thread, o *out) {
			gate := t.CreateEvent(true, false)
			worker := spawn(t, func(t *sim.Thread) { t.WaitForSingleObject(gate, sim.Infinite) })
			a, b := uint32(99), uint32(99)
			ha := spawn(t, func(t *sim.Thread) { a = t.WaitForSingleObject(worker, 2000) })
			hb := spawn(t, func(t *sim.Thread) { b = t.WaitForMultipleObjects([]sim.Handle{gate, worker}, true, 2000) })
			t.Sleep(settle)
			t.SetEvent(gate)
			join(t, ha)
			join(t, hb)
			o.say("a", a)
			o.say("b", b)
			t.CloseHandle(worker)
			t.CloseHandle(gate)
		},
		"critical-section-recursive": func(t *sim.Thread, o *out) {
			var cs sim.CriticalSection
			entered := 0
			cs.Enter(t)
			cs.Enter(t)
			h := spawn(t, func(t *sim.Thread) { cs.Enter(t); entered = 1; cs.Leave(t) })
			t.Sleep(settle)
			o.say("while_held", entered)
			cs.Leave(t)
			t.Sleep(settle)
			o.say("after_one_leave", entered)
			cs.Leave(t)
			join(t, h)
			o.say("after_both", entered)
		},
		"wait-times-out-on-time": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			start := t.Now()
			o.say("wait", t.WaitForSingleObject(e, 100))
			o.say("not_early", t.Now()-start >= 90)
			t.CloseHandle(e)
		},
		"wait-satisfied-before-timeout": func(t *sim.Thread, o *out) {
			e := t.CreateEvent(true, false)
			got := uint32(99)
			h := spawn(t, func(t *sim.Thread) { got = t.WaitForSingleObject(e, 3000) })
			t.Sleep(settle)
			t.SetEvent(e)
			t.ResetEvent(e)
			o.say("after_reset", t.WaitForSingleObject(e, 0))
			join(t, h)
			o.say("waiter", got)
			t.CloseHandle(e)
		},
	}
}
