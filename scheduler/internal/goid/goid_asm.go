//go:build amd64 || arm64

package goid

// g returns the address of the runtime's g structure of the calling
// goroutine (implemented in assembly).
func g() uintptr
