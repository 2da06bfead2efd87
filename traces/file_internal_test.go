package traces

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// These tests make WriteFileAtomic fail after it created its temporary
// file, which permissions cannot do for root.

func TestWriteAtomicFailedWrite(t *testing.T) {
	for _, tc := range []struct {
		name string
		// write writes part of the content, or changes the target, and
		// may fail.
		write func(f *os.File, path string) error
		want  string
	}{
		{"write error", func(f *os.File, _ string) error {
			if _, err := f.WriteString("half a tr"); err != nil {
				return err
			}
			return errors.New("disk full")
		}, "disk full"},
		{"write to a closed file", func(f *os.File, _ string) error {
			f.Close()
			_, err := f.WriteString("x")
			return err
		}, "file already closed"},
		{"target turned into a directory meanwhile", func(f *os.File, path string) error {
			if err := os.Remove(path); err != nil {
				return err
			}
			if err := os.Mkdir(path, 0o755); err != nil {
				return err
			}
			_, err := f.WriteString("new trace")
			return err
		}, "it is a directory, not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "t.json")
			if err := os.WriteFile(path, []byte("old trace"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := writeAtomic(path, func(f *os.File) error { return tc.write(f, path) })
			if err == nil || !strings.HasPrefix(err.Error(), "traces: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("writeAtomic: %v, want an error containing %q", err, tc.want)
			}
			fi, err := os.Lstat(path)
			switch {
			case err != nil:
				t.Fatal(err)
			case fi.IsDir():
				// The directory that replaced the target is left alone.
			default:
				if b, err := os.ReadFile(path); err != nil || string(b) != "old trace" {
					t.Fatalf("the old file now holds %q (%v)", b, err)
				}
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) != 1 {
				t.Fatalf("the directory holds %d entries, want only the target: %v", len(entries), entries)
			}
		})
	}
}
