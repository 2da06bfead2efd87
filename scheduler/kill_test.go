package scheduler

import (
	"testing"
)

// Kill ends another task wherever it is suspended (runnable, blocked with
// or without a deadline, or never started): it takes no step after, its
// deferred functions run, the log records its exit, and the run completes
// without a failure, under every schedule.
func TestKill(t *testing.T) {
	for _, where := range []string{"runnable", "blocked", "sleeping", "unstarted"} {
		t.Run(where, func(t *testing.T) {
			d := NewDFS(-1)
			for n := 0; !d.Done() && n < 10000; n++ {
				stepsAfter, unwound := 0, false
				killed := false
				var victim *Task
				r := New(Config{}).Run(d, func(m *Task) {
					never := &flag{name: "never"}
					victim = m.Spawn("victim", func(v *Task) {
						defer func() { unwound = true }()
						switch where {
						case "blocked":
							v.Block(never, -1, v.Intern("wait"), 0, 0)
						case "sleeping":
							v.Block(nil, v.Now()+1000, v.Intern("sleep"), 0, 0)
						default:
							for range 3 {
								v.Step(v.Intern("work"), 0, 0, 0)
							}
						}
						if killed {
							stepsAfter++
						}
						v.Step(v.Intern("after"), 0, 0, 0)
					})
					if where != "unstarted" {
						m.Step(m.Intern("let it start"), 0, 0, 0)
					}
					if victim.state != taskExited {
						m.Kill(victim)
						killed = true
					}
					m.Step(m.Intern("main goes on"), 0, 0, 0)
				})
				if r.Failure != nil {
					t.Fatalf("run %d: %v", n, r.Failure)
				}
				if stepsAfter > 0 {
					t.Fatalf("run %d: the killed task ran on", n)
				}
				if killed && victim.next != nil && !unwound {
					t.Fatalf("run %d: the killed task's deferred functions did not run", n)
				}
				exits := 0
				for _, ev := range r.Events {
					if ev.Kind == EvExit && ev.Thread == victim.id {
						exits++
					}
				}
				if exits != 1 {
					t.Fatalf("run %d: %d exits of the victim in the log", n, exits)
				}
			}
		})
	}
}
