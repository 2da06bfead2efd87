//go:build unix

package traces_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/clussim/clussim/traces"
)

// fifoTimeout is how long a refusal of a named pipe may take; opening one
// for reading would block until a writer comes, that is forever.
const fifoTimeout = 10 * time.Second

// mkfifo makes a named pipe in a temporary directory.
func mkfifo(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipe.json")
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	return path
}

// prompt runs f and fails the test when it does not return in time.
func prompt(t *testing.T, what string, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(fifoTimeout):
		// The blocked goroutine does not keep the test binary alive.
		t.Fatalf("%s did not return within %v", what, fifoTimeout)
		return nil
	}
}

func TestReadRefusesNamedPipe(t *testing.T) {
	path := mkfifo(t)
	for _, tc := range []struct {
		name string
		read func() error
	}{
		{"ReadRegularFile", func() error { _, err := traces.ReadRegularFile(path, 1<<20); return err }},
		{"ReadFile", func() error { _, err := traces.ReadFile(path); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := prompt(t, tc.name+" of a named pipe", tc.read)
			if err == nil || !strings.Contains(err.Error(), path+" is a named pipe (FIFO), not a regular file") {
				t.Fatalf("%s of a named pipe: %v", tc.name, err)
			}
		})
	}
}

func TestWriteRefusesNamedPipe(t *testing.T) {
	path := mkfifo(t)
	err := prompt(t, "WriteFileAtomic over a named pipe", func() error { return traces.WriteFileAtomic(path, []byte("x")) })
	if err == nil || !strings.Contains(err.Error(), "named pipe (FIFO), not a regular file") {
		t.Fatalf("WriteFileAtomic over a named pipe: %v", err)
	}
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the pipe was replaced: %v, %v", fi, err)
	}
}
