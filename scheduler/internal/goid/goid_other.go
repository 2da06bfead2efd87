//go:build !amd64 && !arm64

package goid

import (
	"runtime"
	"strconv"
	"strings"
)

// g parses the goroutine id from the first line of the stack trace
// ("goroutine 17 [running]:"); slower, but portable.
func g() uintptr {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		s = s[:i]
	}
	n, _ := strconv.ParseUint(s, 10, 64)
	return uintptr(n)
}
