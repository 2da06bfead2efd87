package traces

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Modes of the files and directories WriteFileAtomic creates.
const (
	// newFileMode is the permission of a file that did not exist before;
	// a replaced file keeps its own.
	newFileMode fs.FileMode = 0o644
	// newDirMode is the permission of a missing parent directory.
	newDirMode fs.FileMode = 0o755
)

// ErrTooLarge is wrapped by the error of ReadRegularFile for a file longer
// than its limit.
var ErrTooLarge = errors.New("traces: file too large")

// WriteFileAtomic writes data to path so that path always holds either its
// old content or all of data, even when the writer is interrupted or
// several write the same path at once. It creates the parent directory when
// it is missing, writes a new temporary file next to path, syncs it to disk
// and renames it over path.
//
// It refuses to replace anything but a regular file: when path is a
// symbolic link (which is never followed), a directory, a device, a named
// pipe or a socket, it returns an error and changes nothing. On any failure
// it removes its temporary file and leaves path as it was.
func WriteFileAtomic(path string, data []byte) error {
	return writeAtomic(path, func(f *os.File) error {
		_, err := f.Write(data)
		return err
	})
}

// writeAtomic is WriteFileAtomic with the content written by write.
func writeAtomic(path string, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if base == "" || base == "." || base == ".." {
		return fmt.Errorf("traces: %q does not name a file", path)
	}
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, newDirMode); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	old, err := replaceable(path)
	if err != nil {
		return err
	}
	mode := newFileMode
	if old != nil {
		mode = old.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("traces: write %s: %w", tmp, err)
	}
	if err := f.Chmod(mode); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	// Look again: the target may have been replaced while we wrote.
	if _, err := replaceable(path); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("traces: %w", err)
	}
	syncDir(dir)
	return nil
}

// replaceable reports whether WriteFileAtomic may replace path: it must be
// missing (nil, nil) or a regular file (its info, nil). It does not follow
// a symbolic link.
func replaceable(path string) (fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("traces: %w", err)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("traces: refusing to replace %s: it is a %s, not a regular file", path, fileKind(fi.Mode()))
	}
	return fi, nil
}

// syncDir flushes the directory entry of a rename to disk where the system
// allows it; a failure only weakens durability, not atomicity, so it is
// ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// ReadRegularFile returns the content of the file at path, which must be a
// regular file or a symbolic link to one, of at most limit bytes. Anything
// else (a directory, a device, a named pipe, a socket) is refused before it
// is opened, so that reading never blocks on a pipe or a terminal; the file
// opened is checked to be the one inspected (when another writer replaced
// it in between, it looks again). A longer file gives an error wrapping
// ErrTooLarge.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	if limit < 0 {
		return nil, fmt.Errorf("traces: read %s: negative limit %d", path, limit)
	}
	for range maxOpenAttempts {
		b, again, err := readRegular(path, limit)
		if !again {
			return b, err
		}
	}
	return nil, fmt.Errorf("traces: %s keeps changing while it is opened", path)
}

// maxOpenAttempts is how many times ReadRegularFile looks again at a file
// that was replaced between its inspection and its opening.
const maxOpenAttempts = 8

// readRegular is one attempt of ReadRegularFile; again reports that the
// file changed between Stat and Open.
func readRegular(path string, limit int64) (b []byte, again bool, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("traces: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("traces: %s is a %s, not a regular file", path, fileKind(fi.Mode()))
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNoBlock, 0)
	if err != nil {
		return nil, false, fmt.Errorf("traces: %w", err)
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, false, fmt.Errorf("traces: %w", err)
	}
	if !os.SameFile(fi, opened) {
		return nil, true, nil
	}
	if opened.Size() > limit {
		return nil, false, fmt.Errorf("traces: %s has %d bytes, more than %d: %w", path, opened.Size(), limit, ErrTooLarge)
	}
	// Read one byte past the limit to see a file that grew since f.Stat.
	b, err = io.ReadAll(io.LimitReader(f, min(limit, math.MaxInt64-1)+1))
	if err != nil {
		return nil, false, fmt.Errorf("traces: read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, false, fmt.Errorf("traces: %s has more than %d bytes: %w", path, limit, ErrTooLarge)
	}
	return b, false, nil
}

// fileKind names the type of a file that is not a regular one.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "character device"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "irregular file"
}

// SafeName makes s usable as one component of a file name on every system:
// each run of characters other than ASCII letters, digits, '.', '_' and '-'
// becomes a single '_'.
func SafeName(s string) string {
	var b strings.Builder
	inRun := false
	for _, r := range s {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			b.WriteRune(r)
			inRun = false
			continue
		}
		if !inRun {
			b.WriteByte('_')
		}
		inRun = true
	}
	return b.String()
}
