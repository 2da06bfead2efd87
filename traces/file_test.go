package traces_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/clussim/clussim/traces"
)

// writeFile writes content to path or fails the test.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readString returns the content of path or fails the test.
func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// leftovers returns the names of the temporary files WriteFileAtomic left
// in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteFileAtomicReplacesAndCreates(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, path string
		old        string // "" when the file does not exist before
	}{
		{"new file", filepath.Join(dir, "new.json"), ""},
		{"existing file", filepath.Join(dir, "old.json"), "old content"},
		{"missing parent directories", filepath.Join(dir, "a", "b", "c.json"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.old != "" {
				writeFile(t, tc.path, tc.old)
			}
			if err := traces.WriteFileAtomic(tc.path, []byte("new content")); err != nil {
				t.Fatal(err)
			}
			if got := readString(t, tc.path); got != "new content" {
				t.Fatalf("the file holds %q", got)
			}
			if l := leftovers(t, filepath.Dir(tc.path)); len(l) > 0 {
				t.Fatalf("temporary files left behind: %v", l)
			}
		})
	}
}

func TestWriteFileAtomicKeepsMode(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	path := filepath.Join(t.TempDir(), "t.json")
	if err := traces.WriteFileAtomic(path, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("a new file has mode %v (%v), want 0644", fi.Mode(), err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := traces.WriteFileAtomic(path, []byte("b")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("a replaced file has mode %v (%v), want its old 0600", fi.Mode(), err)
	}
}

func TestWriteFileAtomicRefusesNonRegularTargets(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim.txt")
	writeFile(t, victim, "precious")
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(victim, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	dangling := filepath.Join(dir, "dangling.json")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub.json")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"symlink to a file", link, "symbolic link"},
		{"dangling symlink", dangling, "symbolic link"},
		{"directory", sub, "directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := traces.WriteFileAtomic(tc.path, []byte("attacker's content"))
			if err == nil || !strings.HasPrefix(err.Error(), "traces: refusing to replace "+tc.path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("WriteFileAtomic over a %s: %v", tc.name, err)
			}
			if got := readString(t, victim); got != "precious" {
				t.Fatalf("the symlink's destination now holds %q", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "nowhere")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the dangling symlink's destination was created: %v", err)
			}
			if fi, err := os.Lstat(tc.path); err != nil || fi.Mode().IsRegular() {
				t.Fatalf("the target was replaced: %v, %v", fi, err)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Fatalf("temporary files left behind: %v", l)
			}
		})
	}
	// The trace writer goes through the same checks.
	if err := failingTrace(t).WriteFile(link); err == nil || readString(t, victim) != "precious" {
		t.Fatalf("Trace.WriteFile through a symlink: %v", err)
	}
}

func TestWriteFileAtomicFailureLeavesTargetAlone(t *testing.T) {
	dir := t.TempDir()
	// The parent "directory" is a file: nothing can be created under it.
	blocker := filepath.Join(dir, "file")
	writeFile(t, blocker, "not a directory")
	if err := traces.WriteFileAtomic(filepath.Join(blocker, "t.json"), []byte("x")); err == nil || !strings.HasPrefix(err.Error(), "traces: ") {
		t.Fatalf("WriteFileAtomic under a file: %v", err)
	}
	if got := readString(t, blocker); got != "not a directory" {
		t.Fatalf("the file in the way now holds %q", got)
	}
	// A path that names no file.
	for _, p := range []string{"", dir + string(filepath.Separator), filepath.Join(dir, "..")} {
		if err := traces.WriteFileAtomic(p, []byte("x")); err == nil {
			t.Errorf("WriteFileAtomic(%q) succeeded", p)
		}
	}
}

func TestWriteFileAtomicUnwritableDirectory(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("permissions do not stop this user") // see TestWriteAtomicFailedWrite for the same case as root
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	writeFile(t, path, "old trace")
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if err := traces.WriteFileAtomic(path, []byte("new trace")); err == nil {
		t.Fatal("WriteFileAtomic into a read-only directory succeeded")
	}
	if got := readString(t, path); got != "old trace" {
		t.Fatalf("the old file now holds %q", got)
	}
}

func TestWriteFileAtomicConcurrentWriters(t *testing.T) {
	const (
		writers = 8
		rounds  = 20
	)
	// Different full traces, one per writer.
	contents := make([][]byte, writers)
	for i := range contents {
		contents[i] = marshal(t, record(t, "reference", "racing-terminators", uint64(i+1)))
	}
	for i := 1; i < writers; i++ {
		if bytes.Equal(contents[i], contents[0]) {
			t.Fatalf("seeds 1 and %d give the same trace; the test cannot tell the writers apart", i+1)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "t.json")
	var wg sync.WaitGroup
	errs := make(chan error, writers*rounds)
	for i := range writers {
		wg.Go(func() {
			for range rounds {
				if err := traces.WriteFileAtomic(path, contents[i]); err != nil {
					errs <- err
				}
				// Every reader in between sees a whole trace.
				if _, err := traces.ReadFile(path); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := traces.Decode(bytes.NewReader(b)); err != nil {
		t.Fatalf("the file the writers left does not decode: %v", err)
	}
	if !slices.ContainsFunc(contents, func(c []byte) bool { return bytes.Equal(c, b) }) {
		t.Fatal("the file the writers left is none of the traces written")
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Fatalf("temporary files left behind: %v", l)
	}
}

func TestWriteFileRefusesMalformedTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.json")
	writeFile(t, path, "old")
	tr := failingTrace(t)
	tr.Config.Tier = "most"
	err := tr.WriteFile(path)
	if !errors.Is(err, traces.ErrFormat) || !strings.HasPrefix(err.Error(), path+": refusing to write: ") {
		t.Fatalf("WriteFile of a malformed trace: %v", err)
	}
	if got := readString(t, path); got != "old" {
		t.Fatalf("the old file now holds %q", got)
	}
}

func TestReadRegularFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	writeFile(t, file, "0123456789")
	link := filepath.Join(dir, "link.txt")
	haveLinks := os.Symlink(file, link) == nil
	for _, tc := range []struct {
		name  string
		path  string
		limit int64
		want  string // the content, or a part of the error
		ok    bool
	}{
		{"regular file", file, 100, "0123456789", true},
		{"exactly the limit", file, 10, "0123456789", true},
		{"over the limit", file, 9, "has 10 bytes, more than 9", false},
		{"negative limit", file, -1, "negative limit", false},
		{"symlink to a regular file", link, 100, "0123456789", true},
		{"directory", dir, 100, dir + " is a directory, not a regular file", false},
		{"missing", filepath.Join(dir, "missing"), 100, "no such file", false},
		{"device", os.DevNull, 100, os.DevNull + " is a character device, not a regular file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == link && !haveLinks {
				t.Skip("no symbolic links here")
			}
			if tc.path == os.DevNull && runtime.GOOS == "windows" {
				t.Skip("NUL is not a file here")
			}
			b, err := traces.ReadRegularFile(tc.path, tc.limit)
			if tc.ok {
				if err != nil || string(b) != tc.want {
					t.Fatalf("got %q, %v; want %q", b, err, tc.want)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "traces: ") || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %q, %v; want an error containing %q", b, err, tc.want)
			}
		})
	}
	if _, err := traces.ReadRegularFile(file, 9); !errors.Is(err, traces.ErrTooLarge) {
		t.Fatalf("a file over the limit: %v does not wrap ErrTooLarge", err)
	}
	if _, err := traces.ReadFile(dir); err == nil || !strings.Contains(err.Error(), "is a directory, not a regular file") {
		t.Fatalf("ReadFile of a directory: %v", err)
	}
}

func TestSafeName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"TestMine/sub case", "TestMine_sub_case"},
		{"a//b", "a_b"},
		{"résumé-1.json", "r_sum_-1.json"},
		{"ok_name-1.2", "ok_name-1.2"},
		{"", ""},
	} {
		if got := traces.SafeName(tc.in); got != tc.want {
			t.Errorf("SafeName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
