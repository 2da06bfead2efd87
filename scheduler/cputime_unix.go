//go:build unix

package scheduler

import (
	"syscall"
	"time"
)

// cpuClock returns the watchdog's clock of the process's CPU time: user and
// system time of every thread, from getrusage(RUSAGE_SELF).
func cpuClock(func() time.Duration) func() time.Duration { return processCPU }

// processCPU returns the CPU time the process has used so far, or 0 when
// the system does not say.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
