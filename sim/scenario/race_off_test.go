//go:build !race

package scenario_test

// raceEnabled reports whether the tests run under the race detector. Its
// memory grows with every goroutine a test binary ever starts (each
// simulated thread of each run is one), so the race build runs fewer
// schedules: enough to cover every scenario, not to sample it.
const raceEnabled = false
