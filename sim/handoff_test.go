package sim

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// handOffRuns bounds the exhaustive exploration of each hand-off program.
const handOffRuns = 20000

// outcomes runs prog under every schedule and returns the sorted set of
// what it recorded: each run's notes joined by spaces.
func outcomes(t *testing.T, prog func(t *Thread, note func(format string, args ...any))) []string {
	t.Helper()
	seen := map[string]bool{}
	d := scheduler.NewDFS(-1)
	for n := 0; !d.Done(); n++ {
		if n >= handOffRuns {
			t.Fatalf("more than %d schedules", handOffRuns)
		}
		var notes []string
		note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
		r := Run(Config{}, d, func(t *Thread) { prog(t, note) })
		if r.Failure != nil {
			t.Fatalf("run %d failed: %v", n, r.Failure)
		}
		slices.Sort(notes)
		seen[strings.Join(notes, " ")] = true
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// spawn starts f on a new thread and returns its handle.
func spawn(t *Thread, f func(t *Thread)) Handle {
	h, _ := t.CreateThread(func(t *Thread) uint32 { f(t); return 0 })
	return h
}

// join waits for hs and closes them.
func join(t *Thread, hs ...Handle) {
	t.WaitForMultipleObjects(hs, true, Infinite)
	for _, h := range hs {
		t.CloseHandle(h)
	}
}

// The Windows event semantics that a wait blocked before SetEvent sees:
// the event is handed to it inside SetEvent, so nobody who comes later can
// take it first, and a ResetEvent right after cannot take it back. (Each
// program's main thread sleeps a virtual millisecond first, which in sim
// lets every other thread run until it blocks.)
func TestSetEventHandsOff(t *testing.T) {
	tests := []struct {
		name string
		prog func(t *Thread, note func(string, ...any))
		want []string
	}{
		{
			// The setter's own Wait(h, 0) right after SetEvent cannot
			// steal an auto-reset event from a thread blocked on it.
			name: "auto-reset: the setter cannot steal it",
			prog: func(t *Thread, note func(string, ...any)) {
				ev := t.CreateEvent(false, false)
				w := spawn(t, func(t *Thread) { note("waiter=%d", t.WaitForSingleObject(ev, 100)) })
				t.Sleep(1)
				t.SetEvent(ev)
				note("setter=%d", t.WaitForSingleObject(ev, 0))
				join(t, w)
			},
			want: []string{"setter=258 waiter=0"},
		},
		{
			// Nor can a thread that arrives after the SetEvent.
			name: "auto-reset: a later arrival cannot steal it",
			prog: func(t *Thread, note func(string, ...any)) {
				ev := t.CreateEvent(false, false)
				w := spawn(t, func(t *Thread) { note("waiter=%d", t.WaitForSingleObject(ev, 100)) })
				t.Sleep(1)
				t.SetEvent(ev)
				late := spawn(t, func(t *Thread) { note("late=%d", t.WaitForSingleObject(ev, 0)) })
				join(t, w, late)
			},
			want: []string{"late=258 waiter=0"},
		},
		{
			// SetEvent; ResetEvent on a manual-reset event still releases
			// every thread that was blocked on it.
			name: "manual-reset: SetEvent then ResetEvent releases the waiters",
			prog: func(t *Thread, note func(string, ...any)) {
				ev := t.CreateEvent(true, false)
				a := spawn(t, func(t *Thread) { note("a=%d", t.WaitForSingleObject(ev, 100)) })
				b := spawn(t, func(t *Thread) { note("b=%d", t.WaitForMultipleObjects([]Handle{ev}, false, 100)) })
				t.Sleep(1)
				t.SetEvent(ev)
				t.ResetEvent(ev)
				join(t, a, b)
			},
			want: []string{"a=0 b=0"},
		},
		{
			// An auto-reset event with two blocked waiters releases
			// exactly one; which one is the strategy's choice, and both
			// are explored.
			name: "auto-reset: one of two waiters, either",
			prog: func(t *Thread, note func(string, ...any)) {
				ev := t.CreateEvent(false, false)
				a := spawn(t, func(t *Thread) { note("a=%d", t.WaitForSingleObject(ev, 100)) })
				b := spawn(t, func(t *Thread) { note("b=%d", t.WaitForSingleObject(ev, 100)) })
				t.Sleep(1)
				t.SetEvent(ev)
				join(t, a, b)
			},
			want: []string{"a=0 b=258", "a=258 b=0"},
		},
		{
			// A wait-all is not satisfied by one of its events: the
			// auto-reset event stays set for it until the other is set,
			// and then the waiter takes (and resets) it.
			name: "wait-all: released when the last object is set",
			prog: func(t *Thread, note func(string, ...any)) {
				auto, manual := t.CreateEvent(false, false), t.CreateEvent(true, false)
				w := spawn(t, func(t *Thread) {
					note("waiter=%d", t.WaitForMultipleObjects([]Handle{auto, manual}, true, 100))
				})
				t.Sleep(1)
				t.SetEvent(auto)
				t.Sleep(1)
				t.SetEvent(manual)
				note("auto=%d", t.WaitForSingleObject(auto, 0))
				note("manual=%d", t.WaitForSingleObject(manual, 0))
				join(t, w)
			},
			want: []string{"auto=258 manual=0 waiter=0"},
		},
		{
			// A wait-any over two auto-reset events takes only the one
			// that released it.
			name: "wait-any: takes the event that released it",
			prog: func(t *Thread, note func(string, ...any)) {
				e0, e1 := t.CreateEvent(false, false), t.CreateEvent(false, false)
				w := spawn(t, func(t *Thread) {
					note("waiter=%d", t.WaitForMultipleObjects([]Handle{e0, e1}, false, 100))
				})
				t.Sleep(1)
				t.SetEvent(e1)
				t.SetEvent(e0)
				note("e0=%d", t.WaitForSingleObject(e0, 0))
				note("e1=%d", t.WaitForSingleObject(e1, 0))
				join(t, w)
			},
			want: []string{"e0=0 e1=258 waiter=1"},
		},
		{
			// A thread's exit releases every wait on it at once.
			name: "thread exit releases every waiter",
			prog: func(t *Thread, note func(string, ...any)) {
				gate := t.CreateEvent(true, false)
				worker := spawn(t, func(t *Thread) { t.WaitForSingleObject(gate, Infinite) })
				a := spawn(t, func(t *Thread) { note("a=%d", t.WaitForSingleObject(worker, 100)) })
				b := spawn(t, func(t *Thread) { note("b=%d", t.WaitForMultipleObjects([]Handle{gate, worker}, true, 100)) })
				t.Sleep(1)
				t.SetEvent(gate)
				join(t, a, b)
				t.CloseHandle(worker)
			},
			want: []string{"a=0 b=0"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := outcomes(t, tc.prog); !slices.Equal(got, tc.want) {
				t.Fatalf("outcomes over every schedule:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// A wait satisfied by hand-off gets the setter's clock as of the SetEvent:
// the setter's write before SetEvent happens before the waiter's read.
func TestHandOffCarriesHappensBefore(t *testing.T) {
	d := scheduler.NewDFS(-1)
	for n := 0; !d.Done() && n < handOffRuns; n++ {
		var c Cell[int]
		r := Run(Config{}, d, func(t *Thread) {
			ev := t.CreateEvent(false, false)
			w := spawn(t, func(t *Thread) {
				if t.WaitForSingleObject(ev, Infinite) == WaitObject0 {
					c.Load(t)
				}
			})
			t.Sleep(1)
			c.Store(t, 1)
			t.SetEvent(ev)
			join(t, w)
		})
		if r.Failure != nil || len(r.Races) > 0 {
			t.Fatalf("run %d: %v, races %v", n, r.Failure, r.Races)
		}
	}
}
