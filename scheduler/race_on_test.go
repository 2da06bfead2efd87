//go:build race

package scheduler_test

// raceEnabled reports whether the tests run under the race detector, whose
// memory grows with every goroutine a run starts (one per simulated task).
const raceEnabled = true
