//go:build !unix

package traces

// openNoBlock is 0 where opening a file has no non-blocking flag.
const openNoBlock = 0
