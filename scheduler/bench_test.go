package scheduler

import (
	"iter"
	"testing"
)

// stepsPerRun is how many steps each benchmark run takes before the engine
// starts a fresh run; large enough that per-run set-up is noise.
const stepsPerRun = 30_000

// BenchmarkEngineStep measures one scheduling step of three tasks that do
// nothing but step, under Random. One op is one step.
func BenchmarkEngineStep(b *testing.B) {
	e := New(Config{MaxSteps: 1 << 40})
	s := NewRandom(1)
	b.ReportAllocs()
	b.ResetTimer()
	remaining := b.N
	for remaining > 0 {
		per := min(remaining, stepsPerRun) / 3
		if per == 0 {
			per = 1
		}
		op := e.Intern("op")
		body := func(t *Task) {
			for i := range per {
				t.Step(op, int64(i), 0, 0)
			}
		}
		r := e.Run(s, func(t *Task) {
			t.Spawn("a", body)
			t.Spawn("b", body)
			body(t)
		})
		if r.Failure != nil {
			b.Fatal(r.Failure)
		}
		remaining -= int(r.Steps)
	}
}

// BenchmarkCoroutineSwitch measures a bare iter.Pull round trip, the floor
// under one scheduling step.
func BenchmarkCoroutineSwitch(b *testing.B) {
	next, stop := iter.Pull(func(yield func(int) bool) {
		for i := 0; ; i++ {
			if !yield(i) {
				return
			}
		}
	})
	defer stop()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		next()
	}
}
