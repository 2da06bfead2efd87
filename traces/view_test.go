package traces_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clussim/clussim/traces"
)

// terminalUnsafe returns the first character of s that a terminal could
// take as a control, or -1.
func terminalUnsafe(s string) rune {
	for i, r := range s {
		switch {
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD"):
			return r
		case r < 0x20 && r != '\n', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c,
			r == 0x2028, r == 0x2029:
			return r
		}
	}
	return -1
}

func TestSanitize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"owner w0", "owner w0"},
		{"héllo, 世界 \uFFFD", "héllo, 世界 \uFFFD"},
		{"\x1b[2J", `\x1b[2J`},
		{"\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\x00\x01\x1f\x7f", `\x00\x01\x1f\x7f`},
		{"\u0080\u009b2J", `\u0080\u009b2J`},
		{"user\u202eexe.txt", `user\u202eexe.txt`},
		{"\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069", `\u202a\u202b\u202c\u202d\u2066\u2067\u2068\u2069`},
		{"\u200e\u200f\u061c\u2028\u2029", `\u200e\u200f\u061c\u2028\u2029`},
		{"bad \xff\xfe utf-8 \xc3", `bad \xff\xfe utf-8 \xc3`},
		{`a\x1b stays`, `a\x1b stays`},
	} {
		if got := traces.Sanitize(tc.in); got != tc.want {
			t.Errorf("Sanitize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSanitizeEveryRune(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if r >= 0xd800 && r < 0xe000 {
			continue
		}
		s := "<" + string(r) + ">"
		got := traces.Sanitize(s)
		if c := terminalUnsafe(got); c >= 0 || strings.Contains(got, "\n") {
			t.Fatalf("Sanitize(%q) = %q still holds %U", s, got, c)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("Sanitize(%q) = %q is not valid UTF-8", s, got)
		}
		if terminalUnsafe(s) < 0 && r != '\n' && got != s {
			t.Fatalf("Sanitize(%q) = %q changed a harmless rune", s, got)
		}
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\xff\u009b\u202e\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := traces.Sanitize(s)
		if c := terminalUnsafe(got); c >= 0 || strings.Contains(got, "\n") || !utf8.ValidString(got) {
			t.Fatalf("Sanitize(%q) = %q is not terminal-safe", s, got)
		}
		if traces.Sanitize(got) != got {
			t.Fatalf("Sanitize(%q) = %q is not a fixed point", s, got)
		}
	})
}

// hostileTrace is a valid trace every string of which tries to take over
// the terminal.
func hostileTrace(t *testing.T) *traces.Trace {
	t.Helper()
	tr := failingTrace(t)
	const esc = "\x1b[2J\x1b]0;pwned\x07\u009b31m\u202e\n"
	tr.Impl = "impl" + esc
	tr.Scenario.Name = "scenario" + esc
	tr.Strategy.Name = "strategy" + esc
	for i := range tr.Threads {
		tr.Threads[i] += esc
	}
	for i := range tr.Cells {
		tr.Cells[i] += esc
	}
	for i := range tr.Events {
		if tr.Events[i].Kind == "step" && tr.Events[i].Op == "Sleep" {
			tr.Events[i].Op += esc // an unknown operation is shown by its name
			break
		}
	}
	tr.Verdict.Rule += esc
	tr.Verdict.Message += esc
	tr.Verdict.Violations[0].Rule, tr.Verdict.Violations[0].Message = tr.Verdict.Rule, tr.Verdict.Message
	second := tr.Verdict.Violations[0]
	tr.Verdict.Violations = append(tr.Verdict.Violations, second)
	tr.Verdict.Failure = &traces.Failure{Kind: "deadlock", Step: 3, Thread: -1, Message: "failure" + esc}
	// The file round-trips: every hostile string is valid JSON text.
	back, err := traces.Decode(bytes.NewReader(marshal(t, tr)))
	if err != nil {
		t.Fatalf("the hostile trace does not decode: %v", err)
	}
	return back
}

func TestTimelineIsTerminalSafe(t *testing.T) {
	tr := hostileTrace(t)
	for _, o := range []traces.ViewOptions{{}, {Width: 12, Steps: true}, {Width: traces.MaxColumnWidth}} {
		out := traces.Timeline(tr, o)
		if strings.Contains(out, "\x1b") {
			t.Fatalf("the timeline holds a raw ESC:\n%s", out)
		}
		if c := terminalUnsafe(out); c >= 0 {
			t.Fatalf("the timeline holds %U", c)
		}
		for _, want := range []string{`T1 owner w0\x1b[2J`, `impl\x1b[2J`, `scenario\x1b[2J`, `strategy\x1b[2J`, `failure\x1b[2J`, `\u202e\n`} {
			if o.Width != 12 && !strings.Contains(out, want) {
				t.Errorf("the timeline lacks %q:\n%s", want, out)
			}
		}
	}
}

func TestViewOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		width int
		ok    bool
	}{
		{0, true}, {1, true}, {30, true}, {traces.MaxColumnWidth, true},
		{-1, false}, {traces.MaxColumnWidth + 1, false}, {math.MaxInt, false}, {math.MinInt, false},
	} {
		err := traces.ViewOptions{Width: tc.width}.Validate()
		if tc.ok != (err == nil) {
			t.Errorf("Validate of width %d: %v", tc.width, err)
		}
		if err != nil && (!errors.Is(err, traces.ErrOption) || !strings.Contains(err.Error(), "1 to 200") ||
			!strings.HasPrefix(err.Error(), "traces: ")) {
			t.Errorf("Validate of width %d: %v does not wrap ErrOption or name the limits", tc.width, err)
		}
	}
}

func TestTimelineClampsWidth(t *testing.T) {
	tr := failingTrace(t)
	// The longest line the widest columns allow: the row prefix, then a
	// column per thread.
	longest := len(">> 999999 999999 9999999 |") + len(tr.Threads)*(traces.MaxColumnWidth+1)
	for _, w := range []int{math.MinInt, -1, 1, 11, traces.MaxColumnWidth + 1, 1 << 40, math.MaxInt} {
		out := traces.Timeline(tr, traces.ViewOptions{Width: w})
		for line := range strings.SplitSeq(out, "\n") {
			if utf8.RuneCountInString(line) > longest && !strings.Contains(line, tr.Verdict.Message) {
				t.Fatalf("width %d: a line of %d characters", w, len(line))
			}
		}
	}
	// Columns narrower than the minimum are widened to it, wider ones cut to
	// the maximum.
	if a, b := traces.Timeline(tr, traces.ViewOptions{Width: 1}), traces.Timeline(tr, traces.ViewOptions{Width: 12}); a != b {
		t.Error("width 1 and width 12 render differently")
	}
	if a, b := traces.Timeline(tr, traces.ViewOptions{Width: math.MaxInt}), traces.Timeline(tr, traces.ViewOptions{Width: traces.MaxColumnWidth}); a != b {
		t.Error("a huge width and MaxColumnWidth render differently")
	}
}

func TestTimelineCutsNamesAtCharacters(t *testing.T) {
	tr := failingTrace(t)
	tr.Threads[1] = strings.Repeat("é", 40)
	out := traces.Timeline(tr, traces.ViewOptions{Width: 12})
	if !utf8.ValidString(out) {
		t.Fatal("cutting a long name split a character")
	}
	if !strings.Contains(out, "T1 "+strings.Repeat("é", 7)+"~") {
		t.Fatalf("the long name is not cut to the column:\n%s", out)
	}
}

// The ">>" marker sits on the row of the first violation's own tick, not
// on whichever rows share its step.
func TestTimelineMarksTheViolationsTick(t *testing.T) {
	tr := failingTrace(t)
	// Point the first violation at a row that shares its step with a
	// scheduling step of another operation, as a call's return does.
	k := -1
	for i, ev := range tr.Events {
		if ev.Kind == "step" || ev.Step == 0 {
			continue
		}
		for _, other := range tr.Events {
			if other.Kind == "step" && other.Step == ev.Step {
				k = i
			}
		}
		if k >= 0 {
			break
		}
	}
	if k < 0 {
		t.Fatal("no event shares its step with a scheduling step")
	}
	tr.Verdict.Violations[0].Tick, tr.Verdict.Step = int64(k), tr.Events[k].Step
	v := tr.Verdict.Violations[0]
	out := traces.Timeline(tr, traces.ViewOptions{Steps: true})
	var marked []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, ">>") {
			marked = append(marked, line)
		}
	}
	if v.Tick < 0 || v.Tick >= int64(len(tr.Events)) {
		t.Skipf("the first violation has no row of its own (tick %d)", v.Tick)
	}
	want := fmt.Sprintf(">> %6d ", v.Tick)
	if len(marked) != 1 || !strings.HasPrefix(marked[0], want) {
		t.Fatalf("want one marked row, at tick %d; got %q", v.Tick, marked)
	}
}
