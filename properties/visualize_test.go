package properties

import (
	"bytes"
	"encoding/json"
	"errors"
	"html"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

func TestVisualizeFailingRun(t *testing.T) {
	for _, name := range []string{"literal", "bug-ex-double-close", "bug-ex-success-on-timeout"} {
		t.Run(name, func(t *testing.T) {
			tr, _ := failingTrace(t, name)
			var buf bytes.Buffer
			if err := Visualize(tr, &buf); err != nil {
				t.Fatalf("Visualize: %v", err)
			}
			html := buf.String()
			for _, want := range []string{"<html", tr.Verdict.Rule, tagViolations} {
				if !strings.Contains(html, want) && !(want == tagViolations && onlyFaults(tr)) {
					t.Errorf("the page lacks %q", want)
				}
			}
		})
	}
}

// onlyFaults reports whether every violation of tr is a kernel fault, which
// Visualize puts in the fault row instead of the violation row.
func onlyFaults(tr *traces.Trace) bool {
	for _, v := range tr.Verdict.Violations {
		if v.Fault == "" {
			return false
		}
	}
	return true
}

func TestVisualizeCleanRun(t *testing.T) {
	e, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("multi-timeout")
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(3))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("reference", StrategySpec{Name: "random", Seed: 3}, DefaultMaxSteps, false)
	var buf bytes.Buffer
	if err := Visualize(tr, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<html") || !strings.Contains(buf.String(), "LIN (linearizability): ok") {
		t.Fatal("the page of a clean run lacks the HTML or the checker's verdict")
	}
}

func TestVisualizeMalformedHistory(t *testing.T) {
	e, _ := impls.Lookup("reference")
	s, _ := scenario.Lookup("join")
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(1))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("reference", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false)
	// A routine exit at tick 0 is not a history the harness can make.
	for i := range tr.Calls {
		if tr.Calls[i].Kind == "RoutineExit" {
			tr.Calls[i].CallTick, tr.Calls[i].ReturnTick = 0, 0
		}
	}
	var buf bytes.Buffer
	err = Visualize(tr, &buf)
	if err == nil {
		t.Fatal("Visualize accepted a malformed history")
	}
	if buf.Len() != 0 {
		t.Fatal("Visualize wrote a partial page before failing")
	}
}

// FuzzVisualize renders arbitrary traces that Decode accepts: Visualize must
// return an error rather than panic on a history the checks never made.
func FuzzVisualize(f *testing.F) {
	e, _ := impls.Lookup("literal")
	for _, name := range []string{"racing-terminators", "join", "multi-null"} {
		s, _ := scenario.Lookup(name)
		o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(1))
		if err != nil {
			f.Fatal(err)
		}
		b, err := o.Trace("literal", StrategySpec{Name: "random", Seed: 1}, DefaultMaxSteps, false).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := traces.Decode(bytes.NewReader(data))
		if err != nil {
			return
		}
		_ = Visualize(tr, io.Discard)
	})
}

// passingTrace is a clean run of the reference implementation.
func passingTrace(t *testing.T, scn string, seed uint64) *traces.Trace {
	t.Helper()
	e, _ := impls.Lookup("reference")
	s, ok := scenario.Lookup(scn)
	if !ok {
		t.Fatalf("no scenario %q", scn)
	}
	o, err := NewRunner(e.New, 0, false).Run(s, scheduler.NewRandom(seed))
	if err != nil {
		t.Fatal(err)
	}
	tr := o.Trace("reference", StrategySpec{Name: "random", Seed: seed}, DefaultMaxSteps, false)
	if tr.Verdict.Failed {
		t.Fatalf("reference fails %s on %s: %s", tr.Verdict.Rule, scn, tr.Verdict.Message)
	}
	return tr
}

// renderPage is Visualize's page for tr, split at clussim's header.
func renderPage(t *testing.T, tr *traces.Trace) (page, header string) {
	t.Helper()
	var buf bytes.Buffer
	if err := Visualize(tr, &buf); err != nil {
		t.Fatalf("Visualize: %v", err)
	}
	page = buf.String()
	_, rest, ok := strings.Cut(page, `<header id="clussim-header">`)
	if !ok {
		t.Fatal("the page has no clussim header")
	}
	header, _, ok = strings.Cut(rest, "</header>")
	if !ok {
		t.Fatal("the clussim header is not closed")
	}
	if i, j := strings.Index(page, "<body>"), strings.Index(page, `<header id="clussim-header">`); i < 0 || j < i {
		t.Error("the header is not inside the body")
	}
	return page, header
}

// pageTitleOf returns the text of the page's <title>.
func pageTitleOf(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, "<title>")
	if !ok {
		t.Fatal("the page has no <title>")
	}
	title, _, ok := strings.Cut(rest, "</title>")
	if !ok {
		t.Fatal("the page's <title> is not closed")
	}
	return title
}

// checkerAnnotation returns the LIN row's annotation from the data the page
// hands porcupine's script.
func checkerAnnotation(t *testing.T, page string) (description, background string) {
	t.Helper()
	_, rest, ok := strings.Cut(page, "const data = ")
	if !ok {
		t.Fatal("the page has no visualization data")
	}
	line, _, _ := strings.Cut(rest, "\n")
	var data struct {
		Annotations []struct {
			Tag, Description, BackgroundColor string
		}
	}
	if err := json.Unmarshal([]byte(line), &data); err != nil {
		t.Fatalf("the visualization data does not parse: %v", err)
	}
	n := 0
	for _, a := range data.Annotations {
		if a.Tag == tagChecker {
			description, background = a.Description, a.BackgroundColor
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the page has %d %q annotations, want 1", n, tagChecker)
	}
	return description, background
}

// linOf checks tr's history against the model, as the page's LIN row does.
func linOf(t *testing.T, tr *traces.Trace) porcupine.CheckResult {
	t.Helper()
	events, err := schedulerEvents(tr)
	if err != nil {
		t.Fatal(err)
	}
	return model.Check(Operations(tr.SimCalls(), events))
}

// TestVisualizePageTellsTheVerdict renders a passing run and failing runs
// of the catalogue (D7, D5) and reads the page as a person would: the title
// names the implementation, the scenario and the verdict; the header shows
// the verdict and every violation without hovering; the LIN row says LIN's
// own result in words and colour, whatever the verdict.
func TestVisualizePageTellsTheVerdict(t *testing.T) {
	seen := map[porcupine.CheckResult]bool{}
	t.Run("pass", func(t *testing.T) {
		tr := passingTrace(t, "racing-terminators", 3)
		page, header := renderPage(t, tr)
		if got, want := pageTitleOf(t, page), "clussim: reference on racing-terminators — PASS"; got != want {
			t.Errorf("title %q, want %q", got, want)
		}
		for _, want := range []string{"PASS: no rule broken", "cs-pass", "<b>reference</b>", "<b>racing-terminators</b>",
			"three threads call ClusWorkerTerminate at once", "random, seed 3"} {
			if !strings.Contains(header, want) {
				t.Errorf("the header lacks %q", want)
			}
		}
		if strings.Contains(header, "FAIL") || strings.Contains(header, "cs-fail") {
			t.Error("the header of a passing run says FAIL")
		}
		checkLINRow(t, tr, page, header, seen)
	})
	for _, c := range []struct{ impl, rule string }{{"bug-check-then-set", "D7"}, {"bug-early-return", "D5"}} {
		t.Run(c.impl, func(t *testing.T) {
			tr, _ := failingTrace(t, c.impl)
			v := tr.Verdict
			if v.Rule != c.rule {
				t.Fatalf("%s breaks %s first, want %s", c.impl, v.Rule, c.rule)
			}
			page, header := renderPage(t, tr)
			want := html.EscapeString("clussim: " + c.impl + " on " + tr.Scenario.Name + " — FAIL " + c.rule + " (documented)")
			if got := pageTitleOf(t, page); got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			r, _ := model.LookupRule(model.RuleID(c.rule))
			for _, want := range []string{"FAIL: breaks " + c.rule, "cs-fail", html.EscapeString(r.Title),
				"<b>" + html.EscapeString(c.impl) + "</b>", "<b>" + html.EscapeString(tr.Scenario.Name) + "</b>"} {
				if !strings.Contains(header, want) {
					t.Errorf("the header lacks %q", want)
				}
			}
			if strings.Contains(header, "PASS") {
				t.Error("the header of a failing run says PASS")
			}
			if len(v.Violations) == 0 {
				t.Fatal("the failing trace lists no violation")
			}
			for i, x := range v.Violations {
				for _, want := range []string{
					`<span class="cs-rule">` + html.EscapeString(x.Rule) + "</span>",
					html.EscapeString(x.Message),
				} {
					if !strings.Contains(header, want) {
						t.Errorf("violation %d: the header lacks %q", i, want)
					}
				}
			}
			if got := strings.Count(header, `<span class="cs-rule">`); got != len(v.Violations) {
				t.Errorf("the header lists %d violations, the trace %d", got, len(v.Violations))
			}
			checkLINRow(t, tr, page, header, seen)
		})
	}
	// The catalogue has both kinds: D7's history is linearizable, D5's is
	// not (the model rejects it and the diagnosis names D5).
	if !seen[porcupine.Ok] || !seen[porcupine.Illegal] {
		t.Errorf("the cases cover LIN results %v; want both ok and illegal", seen)
	}
}

// checkLINRow checks that the LIN row's text and colour, and the header's
// LIN line, agree with LIN's result on tr.
func checkLINRow(t *testing.T, tr *traces.Trace, page, header string, seen map[porcupine.CheckResult]bool) {
	t.Helper()
	res := linOf(t, tr)
	seen[res] = true
	desc, bg := checkerAnnotation(t, page)
	switch res {
	case porcupine.Ok:
		if desc != "LIN (linearizability): ok" || bg != linOkColour {
			t.Errorf("LIN holds, but its row says %q on %s", desc, bg)
		}
	case porcupine.Illegal:
		if desc != "LIN: NOT linearizable" || bg != linIllegalColour {
			t.Errorf("LIN fails, but its row says %q on %s", desc, bg)
		}
	default:
		t.Fatalf("model.Check returned %v", res)
	}
	if !strings.Contains(header, html.EscapeString(desc)) {
		t.Errorf("the header does not show LIN's result %q", desc)
	}
	if tr.Verdict.Failed && res == porcupine.Ok && !strings.Contains(header, "the run fails "+tr.Verdict.Rule+" all the same") {
		t.Error("the header does not say why LIN is green on a failing run")
	}
}

// TestVisualizeEscapesTraceStrings renders a trace whose names and messages
// hold markup: none of it may reach the page as markup.
func TestVisualizeEscapesTraceStrings(t *testing.T) {
	const evil = "<script>alert(1)</script>"
	tr := passingTrace(t, "racing-terminators", 3)
	tr.Impl = "impl" + evil
	tr.Scenario.Name = "scenario" + evil
	tr.Strategy.Name = "strategy" + evil
	tr.Threads[1] = "thread" + evil
	tr.Verdict.Failed, tr.Verdict.Rule, tr.Verdict.Tier = true, "R"+evil, "tier"+evil
	tr.Verdict.Message = "message" + evil
	tr.Verdict.Violations = []traces.Violation{{Rule: "R" + evil, Tier: "tier" + evil, Message: "message" + evil, Step: 1, Tick: 1}}
	tr.Verdict.Failure = &traces.Failure{Kind: "kind" + evil, Message: "failure" + evil}
	page, header := renderPage(t, tr)
	if strings.Contains(strings.ToLower(page), "<script>alert") {
		t.Fatal("a string from the trace reached the page as markup")
	}
	escaped := html.EscapeString(evil)
	for _, want := range []string{"impl", "scenario", "strategy", "thread", "R", "tier", "message", "kind", "failure"} {
		if !strings.Contains(header, want+escaped) {
			t.Errorf("the header lacks the escaped %q", want+evil)
		}
	}
	if title := pageTitleOf(t, page); !strings.Contains(title, "impl"+escaped) || !strings.Contains(title, "scenario"+escaped) {
		t.Errorf("the title %q lacks the escaped names", title)
	}
}

// TestVisualizeRefusesAnUnknownLayout: if porcupine's page lacks an anchor
// the post-processing needs, Visualize's helper fails instead of writing a
// page without its header.
func TestVisualizeRefusesAnUnknownLayout(t *testing.T) {
	tr := passingTrace(t, "join", 1)
	good := "<html><head><title>Porcupine</title><style></style></head><body><div id=\"canvas\"></div></body></html>"
	out, err := decoratePage([]byte(good), tr, porcupine.Ok)
	if err != nil {
		t.Fatalf("decoratePage: %v", err)
	}
	if !strings.Contains(string(out), "<title>clussim: reference on join — PASS</title>") {
		t.Errorf("the title was not replaced:\n%s", out)
	}
	for _, anchor := range []string{"<title>", "</title>", "</head>", "<body>", "</body>"} {
		page := strings.Replace(good, anchor, "", 1)
		if _, err := decoratePage([]byte(page), tr, porcupine.Ok); !errors.Is(err, errPageLayout) {
			t.Errorf("without %s: err = %v, want errPageLayout", anchor, err)
		}
	}
}

// TestFaultKindIsData: a violation that reports a kernel fault carries the
// fault's kind from the check through the trace to the page, and a message
// that merely begins with a fault's name is not taken for one.
func TestFaultKindIsData(t *testing.T) {
	e := mustImpl("bug-ex-double-close")
	r := NewRunner(e.New, 0, false)
	var found *Outcome
	for _, s := range scenario.Named() {
		for seed := uint64(0); seed < 50 && found == nil; seed++ {
			o, err := r.Run(s, scheduler.NewRandom(seed))
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(o.Violations, func(v Violation) bool { return v.Fault != 0 }) {
				found = o.Keep()
			}
		}
	}
	if found == nil {
		t.Fatal("bug-ex-double-close caused no kernel fault in any named scenario")
	}
	tr := found.Trace(e.Name, StrategySpec{Name: "random"}, DefaultMaxSteps, false)
	i := slices.IndexFunc(found.Violations, func(v Violation) bool { return v.Fault != 0 })
	if got, want := tr.Verdict.Violations[i].Fault, found.Violations[i].Fault.String(); got != want {
		t.Fatalf("the trace's violation has fault %q, want %q", got, want)
	}

	tr = passingTrace(t, "racing-terminators", 3)
	tr.Verdict.Failed, tr.Verdict.Rule, tr.Verdict.Tier, tr.Verdict.Message = true, "P2", "safe", "double-close by T3 in a message"
	tr.Verdict.Violations = []traces.Violation{
		{Rule: "P2", Tier: "safe", Message: "double-close by T3 in a message", Step: 1, Tick: 1},
		{Rule: "P2", Tier: "safe", Message: "a handle was closed twice", Step: 1, Tick: 1, Fault: "wait-closed"},
	}
	_, header := renderPage(t, tr)
	if n := strings.Count(header, "(kernel fault "); n != 1 || !strings.Contains(header, "(kernel fault wait-closed)") {
		t.Errorf("the header marks %d violations as kernel faults, want only the one with Fault set:\n%s", n, header)
	}
}
