// Package goid tells goroutines apart cheaply. The scheduler uses it to
// catch simulated code that calls into the simulation from a goroutine of
// its own, which would otherwise corrupt the coroutine hand-off.
package goid

// G returns an identity of the calling goroutine: the same value for every
// call from one goroutine while it lives, different values for goroutines
// alive at the same time.
func G() uintptr { return g() }
