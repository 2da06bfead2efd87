package properties

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

// benchBugs are the bugs BenchmarkFirstFailure measures: one of each kind
// the bench table covers (a race window, the P7 signal split, one worker at
// a time, a fault on one path only), so that "go test -bench" gives the
// same figures as "simrun bench" for them without its full run.
var benchBugs = []string{"bug-check-then-set", "bug-multi-split-signal", "bug-multi-one-at-a-time", "bench-ex-unpin-on-dup-failure"}

// benchCap is the most schedules one iteration of BenchmarkFirstFailure
// explores.
const benchCap = 20_000

// BenchmarkFirstFailure measures schedules to the first failure (the
// "schedules" metric, the mean over iterations; iteration i uses seed
// i<<32, as simrun bench does) and the time per search, for each of
// benchBugs under each sampling strategy and the portfolio, on the named and
// benchmark scenarios round-robin. A search that reaches benchCap without a
// failure counts benchCap and raises the "missed" metric.
func BenchmarkFirstFailure(b *testing.B) {
	scenarios := append(scenario.Named(), scenario.Benchmark()...)
	for _, name := range benchBugs {
		e, ok := impls.Lookup(name)
		if !ok {
			b.Fatalf("no implementation %q", name)
		}
		for _, st := range []string{"random", "pct", "pos", "urw", Portfolio} {
			b.Run(name+"/"+st, func(b *testing.B) {
				spec, err := ParseStrategy(st, 0)
				if err != nil {
					b.Fatal(err)
				}
				runs, missed := 0, 0
				for i := 0; b.Loop(); i++ {
					spec.Seed = uint64(i+1) << 32
					ff, err := FindFirstFailure(e.New, scenarios, spec, benchCap)
					if err != nil {
						b.Fatal(err)
					}
					runs += ff.Runs
					if !ff.Found {
						missed++
					}
				}
				b.ReportMetric(float64(runs)/float64(b.N), "schedules")
				b.ReportMetric(float64(missed)/float64(b.N), "missed")
			})
		}
	}
}

// BenchmarkSchedules measures schedules per second of the reference on each
// named scenario under random walk, with the checks (the history against
// the model, LIN, the kernel and race checks) on and off: "unchecked"
// simulates the run and builds its history, "checked" also judges it. The
// schedules/s metric is what simrun bench's cost column reports.
func BenchmarkSchedules(b *testing.B) {
	ref, _ := impls.Lookup("reference")
	for _, s := range scenario.Named() {
		b.Run(s.Name+"/unchecked", func(b *testing.B) {
			cfg := s.Config()
			cfg.Engine.MaxSteps = DefaultMaxSteps
			sm := sim.NewSimulator(cfg)
			for i := 0; b.Loop(); i++ {
				main, _ := s.Program(ref.New())
				if res := sm.Run(scheduler.NewRandom(uint64(i)), main); res.Failure != nil {
					b.Fatalf("run %d: %v", i, res.Failure)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "schedules/s")
		})
		b.Run(s.Name+"/checked", func(b *testing.B) {
			r := NewRunner(ref.New, 0, false)
			for i := 0; b.Loop(); i++ {
				o, err := r.Run(s, scheduler.NewRandom(uint64(i)))
				if err != nil || o.Failed() {
					b.Fatalf("run %d: %v %v", i, err, o.Violations)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "schedules/s")
		})
	}
}
