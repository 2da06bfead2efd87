package sim

import (
	"iter"
	"testing"

	"github.com/clussim/clussim/scheduler"
)

// benchStepsPerRun is how many steps one benchmark run takes before a fresh
// run starts; large enough that per-run set-up is noise.
const benchStepsPerRun = 30_000

// BenchmarkStep measures one scheduling step: three threads doing plain
// Cell loads and stores (each a scheduling point, each race-checked) under
// Random. One op is one step; compare with BenchmarkCoroutineSwitch.
func BenchmarkStep(b *testing.B) {
	s := NewSimulator(Config{Engine: scheduler.Config{MaxSteps: 1 << 40}})
	rnd := scheduler.NewRandom(1)
	b.ReportAllocs()
	b.ResetTimer()
	for remaining := b.N; remaining > 0; {
		per := max(1, min(remaining, benchStepsPerRun)/6)
		var cells [3]Cell[int]
		body := func(t *Thread, c *Cell[int]) {
			for range per {
				c.Store(t, c.Load(t)+1)
			}
		}
		r := s.Run(rnd, func(t *Thread) {
			t.CreateThread(func(t *Thread) uint32 { body(t, &cells[1]); return 0 })
			t.CreateThread(func(t *Thread) uint32 { body(t, &cells[2]); return 0 })
			body(t, &cells[0])
		})
		if r.Failure != nil {
			b.Fatal(r.Failure)
		}
		remaining -= int(r.Steps)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

// BenchmarkCoroutineSwitch measures a bare iter.Pull round trip: the floor
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
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "switches/s")
}
