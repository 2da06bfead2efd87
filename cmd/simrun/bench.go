package main

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

const benchAbout = `
Measure how fast each strategy finds each bug: for every buggy
implementation and strategy, explore the named scenarios and the
benchmark's own round-robin (as explore does) from each of --seeds seeds (seed k is k<<32, so that no two
share a run) until the first failing run or --cap
schedules, and print the median and worst number of schedules and seconds to
the first failure over the seeds, and in how many seeds it was found at all.
Schedules are exact and the same on every machine and for any -j; seconds
are wall-clock on this machine (with -j above 1, cells share the cores).

Exit status: 0 when every bug was found from every seed, 1 otherwise, 2 on a
usage error.

examples:
  simrun bench
  simrun bench --impl bug-multi-split-signal,bug-check-then-set --seeds 20
  simrun bench --strategy random,pos --cap 5000 -j 2`

// Tuning numbers of bench.
const (
	// defaultBenchSeeds is how many seeds each cell of the table runs.
	defaultBenchSeeds = 20
	// defaultBenchCap is the most schedules one seed explores.
	defaultBenchCap = 20_000
	// maxBenchSeeds bounds --seeds, and with it the memory of the table.
	maxBenchSeeds = 10_000
	// defaultBenchStrategies are the strategies bench compares.
	defaultBenchStrategies = "random,pct,pos,urw"
)

// benchCell is one implementation under one strategy, over the seeds.
type benchCell struct {
	impl     impls.Entry
	spec     properties.StrategySpec
	runs     []int     // per seed: schedules to the first failure, or the cap
	secs     []float64 // per seed: seconds to the first failure, or to the cap
	found    int
	err      error
	firstHit string // "RULE in SCENARIO" of the first seed that found it
}

// runBench is "simrun bench".
func runBench(e *env, args []string) int {
	f := newFlags(e, "bench", "[flags]", benchAbout)
	implList := f.String("impl", "", "comma-separated implementation `NAMES` (default: every buggy one in the catalogue and the benchmark)")
	stratList := f.String("strategy", defaultBenchStrategies, "comma-separated `STRATEGIES` (random, pct[:D], pos, urw, dfs[:B], dpor[:B])")
	seeds := f.Int("seeds", defaultBenchSeeds, "seeds `N`: each cell runs from seeds 1..N")
	maxRuns := f.Int("cap", defaultBenchCap, "at most `N` schedules per seed")
	jobs := f.Int("j", runtime.GOMAXPROCS(0), "measure `N` cells at once")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return e.usageError("bench", "unexpected argument %q", pos[0])
	}
	if *seeds < 1 || *maxRuns < 1 || *jobs < 1 {
		return e.usageError("bench", "--seeds, --cap and -j must be at least 1")
	}
	if *seeds > maxBenchSeeds {
		return e.usageError("bench", "--seeds must be at most %d", maxBenchSeeds)
	}
	var entries []impls.Entry
	if *implList == "" {
		for _, en := range append(impls.All(), impls.Benchmark()...) {
			if !en.Correct {
				entries = append(entries, en)
			}
		}
	} else {
		for _, name := range strings.Split(*implList, ",") {
			en, err := lookupImpl(strings.TrimSpace(name))
			if err != nil {
				return e.usageError("bench", "%v", err)
			}
			entries = append(entries, en)
		}
	}
	var specs []properties.StrategySpec
	for _, s := range strings.Split(*stratList, ",") {
		spec, err := properties.ParseStrategy(strings.TrimSpace(s), 1)
		if err != nil {
			return e.usageError("bench", "%v", err)
		}
		specs = append(specs, spec)
	}
	var cells []*benchCell
	for _, en := range entries {
		for _, spec := range specs {
			cells = append(cells, &benchCell{impl: en, spec: spec})
		}
	}
	named := append(scenario.Named(), scenario.Benchmark()...)
	fmt.Fprintf(e.stdout, "bench: %s x %s, %d seeds (k<<32), cap %d schedules per seed, %d named and benchmark scenarios round-robin, -j %d, %s/%s, %d CPUs\n\n",
		plural(len(entries), "implementation"), plural(len(specs), "strategy"), *seeds, *maxRuns, len(named), *jobs,
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU())
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(*jobs, len(cells)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(cells)) {
					return
				}
				cells[i].measure(named, *seeds, *maxRuns)
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(e.stdout, "%-30s %-10s %7s %9s %9s %8s %8s  %s\n", "implementation", "strategy", "found", "median", "worst", "med s", "worst s", "first failure")
	missed := false
	for _, c := range cells {
		if c.err != nil {
			return e.errorf("bench: %s under %s: %v", c.impl.Name, c.spec, c.err)
		}
		worst := fmt.Sprint(slices.Max(c.runs))
		if c.found < *seeds {
			missed = true
			worst = fmt.Sprintf(">%d", *maxRuns)
		}
		fmt.Fprintf(e.stdout, "%-30s %-10s %4d/%-2d %9s %9s %8.3f %8.3f  %s\n", c.impl.Name, specName(c.spec), c.found, *seeds,
			median(c.runs, c.found < *seeds/2+1, *maxRuns), worst, medianF(c.secs), slices.Max(c.secs), c.firstHit)
	}
	if missed {
		return exitFailure
	}
	return exitOK
}

// specName renders a strategy for the table: its name and parameter, no
// seed.
func specName(s properties.StrategySpec) string {
	switch s.Name {
	case "pct":
		return fmt.Sprintf("pct:%d", s.Depth)
	case "dfs", "dpor":
		return properties.StrategySpec{Name: s.Name, Depth: s.Depth}.String()
	}
	return s.Name
}

// measure runs the cell's seeds.
func (c *benchCell) measure(named []scenario.Scenario, seeds, maxRuns int) {
	for seed := 1; seed <= seeds; seed++ {
		spec := c.spec
		spec.Seed = benchSeed(seed)
		t0 := time.Now()
		ff, err := properties.FindFirstFailure(c.impl.New, named, spec, maxRuns)
		c.secs = append(c.secs, time.Since(t0).Seconds())
		if err != nil {
			c.err = err
			return
		}
		c.runs = append(c.runs, ff.Runs)
		if ff.Found {
			c.found++
			if c.firstHit == "" {
				c.firstHit = fmt.Sprintf("%s in %s", ff.Rule, ff.Scenario)
			}
		}
		if spec.Name == "dfs" || spec.Name == "dpor" {
			// A systematic search does not depend on the seed.
			for range seeds - 1 {
				c.runs = append(c.runs, ff.Runs)
				c.secs = append(c.secs, c.secs[0])
				if ff.Found {
					c.found++
				}
			}
			return
		}
	}
}

// benchSeed is the first seed of bench's k-th seed. Run i of a scenario is
// seeded with the first seed plus i, so consecutive first seeds would share
// all but one of their runs; k<<32 keeps the seeds' runs apart (they would
// meet only after 2^32 runs).
func benchSeed(k int) uint64 { return uint64(k) << 32 }

// median returns the median of xs as text; ">cap" when most seeds missed.
func median(xs []int, mostMissed bool, maxRuns int) string {
	if mostMissed {
		return fmt.Sprintf(">%d", maxRuns)
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return fmt.Sprint(s[(len(s)-1)/2])
}

// medianF returns the median of xs.
func medianF(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}
