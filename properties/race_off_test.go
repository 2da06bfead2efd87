//go:build !race

package properties

// raceEnabled reports whether the tests run under the race detector, which
// makes every simulated run about ten times slower.
const raceEnabled = false
