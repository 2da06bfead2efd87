//go:build unix

package traces

import "syscall"

// openNoBlock makes opening a file that turned into a named pipe after it
// was inspected return at once instead of waiting for a writer.
const openNoBlock = syscall.O_NONBLOCK
