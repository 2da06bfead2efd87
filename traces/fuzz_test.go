package traces_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clussim/clussim/traces"
)

// corpusDir holds the committed seed corpus of FuzzDecode.
const corpusDir = "testdata/fuzz/FuzzDecode"

// writeCorpusEnv, when set to 1, makes TestWriteFuzzCorpus rewrite the seed
// corpus from real runs:
//
//	CLUSSIM_WRITE_FUZZ_CORPUS=1 go test -run TestWriteFuzzCorpus ./traces/
const writeCorpusEnv = "CLUSSIM_WRITE_FUZZ_CORPUS"

// FuzzDecode feeds arbitrary bytes to Decode. Decode must never panic, must
// wrap ErrFormat in every error about the bytes, and must return a trace
// only with no error. A trace it accepts must survive what the command line
// does with it (Marshal, a second Decode, the timeline at any width, which
// must hold no raw escape character, Clone, the conversions), and
// Marshal must round-trip: encoding the second decode gives the same bytes
// as encoding the first.
//
// The seed corpus in testdata/fuzz/FuzzDecode holds valid traces of real
// runs and every malformation of TestDecodeErrors. Run the fuzzer with
//
//	go test -run XXX -fuzz FuzzDecode -fuzztime 60s ./traces/
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "{}", "null", `{"format": "clussim-trace", "version": 1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := traces.Decode(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, traces.ErrFormat) {
				t.Fatalf("a decode error does not wrap ErrFormat: %v", err)
			}
			if tr != nil {
				t.Fatalf("Decode returned a trace together with an error")
			}
			return
		}
		first, err := tr.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a decoded trace failed: %v", err)
		}
		again, err := traces.Decode(bytes.NewReader(first))
		if err != nil {
			t.Fatalf("the encoding of a decoded trace does not decode: %v", err)
		}
		second, err := again.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a re-decoded trace failed: %v", err)
		}
		if !bytes.Equal(first, second) {
			t.Fatalf("Marshal does not round-trip:\nfirst:\n%s\nsecond:\n%s", first, second)
		}
		for _, o := range []traces.ViewOptions{{}, {Width: 1, Steps: true}, {Width: -1}, {Width: math.MaxInt}} {
			if out := traces.Timeline(tr, o); strings.Contains(out, "\x1b") {
				t.Fatalf("the timeline holds a raw ESC")
			}
		}
		if c := tr.Clone(); !bytes.Equal(mustMarshal(t, c), first) {
			t.Fatalf("the clone of a decoded trace marshals differently")
		}
		_ = tr.SimCalls()
		_ = tr.SchedulerDecisions()
	})
}

func mustMarshal(t *testing.T, tr *traces.Trace) []byte {
	b, err := tr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// corpusSeeds returns the seed corpus: valid traces of real runs, then every
// malformation of TestDecodeErrors.
func corpusSeeds(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{
		"valid-failing-literal":  marshal(t, failingTrace(t)),
		"valid-clean-reference":  marshal(t, record(t, "reference", "join", 1)),
		"valid-faults-reference": marshal(t, record(t, "reference", "create-fails", 8)),
	}
	for _, m := range malformations() {
		seeds[m.name] = m.data(t)
	}
	return seeds
}

// corpusFile encodes one seed in the format of go test's fuzz corpus.
func corpusFile(data []byte) []byte {
	return []byte("go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n")
}

// parseCorpusFile decodes one file of the fuzz corpus.
func parseCorpusFile(b []byte) ([]byte, error) {
	head, body, ok := strings.Cut(string(b), "\n")
	if !ok || head != "go test fuzz v1" {
		return nil, errors.New("not a go test fuzz v1 file")
	}
	body = strings.TrimSpace(body)
	lit, ok := strings.CutPrefix(body, "[]byte(")
	if !ok || !strings.HasSuffix(lit, ")") {
		return nil, errors.New("not a single []byte value")
	}
	s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
	if err != nil {
		return nil, err
	}
	return []byte(s), nil
}

func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv(writeCorpusEnv) != "1" {
		t.Skipf("set %s=1 to rewrite %s", writeCorpusEnv, corpusDir)
	}
	if err := os.MkdirAll(corpusDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range corpusSeeds(t) {
		if err := os.WriteFile(filepath.Join(corpusDir, name), corpusFile(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFuzzCorpusIsCurrent checks that the committed corpus still holds
// valid traces of the current format, so the fuzzer starts from inputs that
// reach past the header.
func TestFuzzCorpusIsCurrent(t *testing.T) {
	for _, name := range []string{"valid-failing-literal", "valid-clean-reference", "valid-faults-reference"} {
		b, err := os.ReadFile(filepath.Join(corpusDir, name))
		if err != nil {
			t.Fatal(err)
		}
		data, err := parseCorpusFile(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := traces.Decode(bytes.NewReader(data)); err != nil {
			t.Errorf("%s no longer decodes (%v); rewrite the corpus: %s=1 go test -run TestWriteFuzzCorpus ./traces/",
				name, err, writeCorpusEnv)
		}
	}
	for _, m := range malformations() {
		if _, err := os.Stat(filepath.Join(corpusDir, m.name)); err != nil {
			t.Errorf("the corpus lacks %s: %v", m.name, err)
		}
	}
}

func TestCorpusFileFormat(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("\x00\xff\"\\\n"), []byte(`{"a": 1}`)} {
		back, err := parseCorpusFile(corpusFile(data))
		if err != nil || !bytes.Equal(back, data) {
			t.Fatalf("corpus file round trip of %q: %q, %v", data, back, err)
		}
	}
}
