package properties

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Colours and row names of the annotations Visualize adds.
const (
	violationColour = "#ff9191"
	faultColour     = "#ffc46b"
	injectedColour  = "#b5d8ff"
	failureColour   = "#efaefc"
	// The LIN row is coloured by LIN's own result, not by the verdict.
	linOkColour      = "#d7f5d0"
	linIllegalColour = "#ff9191"
	linUnknownColour = "#e0e0e0"

	tagViolations = "violations"
	tagFaults     = "kernel faults"
	tagInjected   = "injected faults"
	tagEngine     = "engine"
	// tagChecker sorts first among the tags (porcupine orders the rows by
	// tag, and upper case before lower), right under the threads.
	tagChecker = "LIN check"
)

// Visualize writes porcupine's HTML view of the run a trace records to w:
// one row per simulated thread with its CLUS_WORKER calls (as the model's
// operations, on the tick clock), the linearization the model found or,
// for a history that is not linearizable, the longest partial ones, and
// annotations for what the checks found: every violation at its tick, the
// kernel faults the implementation caused (double closes, waits on closed
// handles, ...), the kernel calls that fault injection failed, and the
// engine's failure when the run ended early.
//
// Porcupine's page is then given clussim's own head: a title naming the
// implementation, the scenario and the verdict, and above the chart a
// header with the run's facts, the verdict in words and colour, every
// violation (rule, tier, step, message) in plain text, and a legend of the
// chart. Every string from the trace is HTML-escaped. The chart scrolls
// sideways inside its own box (or, by default when it is not too wide, is
// scaled to the window), so the page never runs off the right edge.
//
// Visualize works on the trace alone; it does not re-execute the run. It
// returns an error, never panics, when the history cannot be rendered;
// then nothing is written to w.
func Visualize(tr *traces.Trace, w io.Writer) (err error) {
	events, err := schedulerEvents(tr)
	if err != nil {
		return err
	}
	ops := Operations(tr.SimCalls(), events)
	if err := model.Validate(ops); err != nil {
		return fmt.Errorf("properties: the trace's history cannot be checked: %w", err)
	}
	m := model.New()
	res, info := linVerbose(ops)
	info.AddAnnotations(annotations(tr, res))
	// porcupine.Visualize replays the model over the partial
	// linearizations and panics if a step it found legal fails; the
	// model is deterministic, so that would be a bug, but it must not take
	// the command line down with it. The page is built in memory and
	// written in one piece, so nothing partial reaches w.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("properties: porcupine could not render the history: %v", r)
		}
	}()
	var page bytes.Buffer
	if err := porcupine.Visualize(m, info, &page); err != nil {
		return fmt.Errorf("properties: render visualization: %w", err)
	}
	out, err := decoratePage(page.Bytes(), tr, res)
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("properties: write visualization: %w", err)
	}
	return nil
}

// schedulerEvents converts a trace's log back to engine events, as far as
// Operations needs them (kinds, threads, steps, times, arguments, results).
func schedulerEvents(tr *traces.Trace) ([]scheduler.Event, error) {
	out := make([]scheduler.Event, len(tr.Events))
	for i, ev := range tr.Events {
		kind, ok := scheduler.ParseEventKind(ev.Kind)
		if !ok {
			return nil, fmt.Errorf("%w: event %d: unknown kind %q", traces.ErrFormat, i, ev.Kind)
		}
		out[i] = scheduler.Event{Kind: kind, Thread: scheduler.ThreadID(ev.Thread), Step: ev.Step, Time: ev.Time,
			Args: ev.Args, Result: ev.Result}
	}
	return out, nil
}

// annotations lists what Visualize marks on the history.
func annotations(tr *traces.Trace, res porcupine.CheckResult) []porcupine.Annotation {
	var out []porcupine.Annotation
	end := int64(len(tr.Events))
	lin := linResult(res)
	out = append(out, porcupine.Annotation{Tag: tagChecker, Start: 0, End: end, Description: lin.label,
		Details: lin.details + " " + linScope, TextColor: "#000", BackgroundColor: lin.colour})
	for tick, ev := range tr.Events {
		if ev.Kind == scheduler.EvChoice.String() && ev.Result != 0 {
			out = append(out, porcupine.Annotation{Tag: tagInjected, Start: int64(tick),
				Description: ev.Op, Details: fmt.Sprintf("fault injection failed %s by T%d at step %d", ev.Op, ev.Thread, ev.Step),
				BackgroundColor: injectedColour})
		}
	}
	for _, v := range tr.Verdict.Violations {
		tick := min(max(v.Tick, 0), end)
		if v.Fault != "" {
			out = append(out, porcupine.Annotation{Tag: tagFaults, Start: tick, Description: v.Fault,
				Details: fmt.Sprintf("%s (%s tier): %s", v.Rule, v.Tier, v.Message), BackgroundColor: faultColour})
			continue
		}
		out = append(out, porcupine.Annotation{Tag: tagViolations, Start: tick, Description: v.Rule,
			Details:         fmt.Sprintf("%s (%s tier) at step %d: %s", v.Rule, v.Tier, v.Step, v.Message),
			BackgroundColor: violationColour})
	}
	if f := tr.Verdict.Failure; f != nil {
		out = append(out, porcupine.Annotation{Tag: tagEngine, Start: tickOfStep(tr, f.Step), End: end,
			Description: f.Kind, Details: fmt.Sprintf("the run ended early (%s at step %d): %s", f.Kind, f.Step, f.Message),
			BackgroundColor: failureColour})
	}
	return out
}

// linScope says, with the LIN row's details, what the row does not cover.
const linScope = "This row is rule LIN alone; the other rules are checked separately, " +
	"and the run's verdict, over every rule, is in the header above the chart."

// linView is how the page shows LIN's result: the LIN row's label, its
// colour (that of LIN's own result, whatever the verdict) and a sentence.
type linView struct {
	label, colour, details string
}

func linResult(res porcupine.CheckResult) linView {
	switch res {
	case porcupine.Ok:
		return linView{"LIN (linearizability): ok", linOkColour,
			"LIN holds: the Terminate-flag model accepts every call's result, in the order of the linearization the chart draws."}
	case porcupine.Illegal:
		return linView{"LIN: NOT linearizable", linIllegalColour,
			"LIN fails: no order of the calls explains their results; the chart shows the longest partial linearizations and, in red, the calls that cannot come next."}
	}
	return linView{"LIN: not decided", linUnknownColour,
		"LIN was not decided: the checker stopped before it found a linearization or proved there is none."}
}

// tickOfStep returns the first tick at or after step, or one past the log.
func tickOfStep(tr *traces.Trace, step int64) int64 {
	for i, ev := range tr.Events {
		if ev.Step >= step {
			return int64(i)
		}
	}
	return int64(len(tr.Events))
}

// errPageLayout is wrapped by the error of a page whose layout Visualize
// cannot post-process (porcupine's template changed): Visualize then fails
// rather than write a page without its header.
var errPageLayout = errors.New("properties: porcupine's page does not have the expected layout")

// decoratePage adds clussim's title, style, header and chart script to the
// page porcupine wrote. It finds, in order, <title>...</title>, </head>,
// <body> and the last </body>, and fails if one is missing.
func decoratePage(page []byte, tr *traces.Trace, res porcupine.CheckResult) ([]byte, error) {
	s := string(page)
	pos, from := make([]int, 0, 5), 0
	for _, anchor := range []string{"<title>", "</title>", "</head>", "<body>"} {
		i := strings.Index(s[from:], anchor)
		if i < 0 {
			return nil, fmt.Errorf("%w: no %s", errPageLayout, anchor)
		}
		pos = append(pos, from+i)
		from += i + len(anchor)
	}
	bodyEnd := strings.LastIndex(s, "</body>")
	if bodyEnd < from {
		return nil, fmt.Errorf("%w: no </body> after <body>", errPageLayout)
	}
	title, titleEnd, headEnd, body := pos[0]+len("<title>"), pos[1], pos[2], pos[3]+len("<body>")
	var b strings.Builder
	b.Grow(len(s) + 8<<10)
	b.WriteString(s[:title])
	b.WriteString(esc(pageTitle(tr)))
	b.WriteString(s[titleEnd:headEnd])
	b.WriteString(pageStyle)
	b.WriteString(s[headEnd:body])
	writeHeader(&b, tr, res)
	b.WriteString(s[body:bodyEnd])
	b.WriteString(pageScript)
	b.WriteString(s[bodyEnd:])
	return []byte(b.String()), nil
}

// esc makes a string from the trace safe to put in the page: terminal and
// bidirectional controls are made visible (traces.Sanitize), then the
// result is HTML-escaped.
func esc(s string) string { return html.EscapeString(traces.Sanitize(s)) }

// pageTitle is "clussim: IMPL on SCENARIO — FAIL D7 (documented)" or
// "... — PASS", unescaped.
func pageTitle(tr *traces.Trace) string {
	t := fmt.Sprintf("clussim: %s on %s — ", tr.Impl, tr.Scenario.Name)
	v := &tr.Verdict
	if !v.Failed {
		return t + "PASS"
	}
	return t + strings.TrimSpace(fmt.Sprintf("FAIL %s (%s)", v.Rule, v.Tier))
}

// scenarioSummary is the one-line description of a named scenario (or of
// the scenario a shrunk trace comes from), or "".
func scenarioSummary(name string) string {
	if s, ok := scenario.Summary(name); ok {
		return s
	}
	if s, ok := scenario.Summary(strings.TrimSuffix(name, shrunkSuffix)); ok {
		return s + " (shrunk)"
	}
	return ""
}

// strategyText describes how the run's schedule was chosen.
func strategyText(s traces.Strategy) string {
	switch s.Name {
	case "random":
		return fmt.Sprintf("random, seed %d", s.Seed)
	case "pct":
		return fmt.Sprintf("pct, depth %d, seed %d", s.Depth, s.Seed)
	case "dfs", "dpor":
		if s.Depth < 0 {
			return s.Name + ", no preemption bound"
		}
		return fmt.Sprintf("%s, preemption bound %d", s.Name, s.Depth)
	}
	return fmt.Sprintf("%s, seed %d", s.Name, s.Seed)
}

// ruleTitle is the rule's one-line title, or "" for a rule the model
// does not list.
func ruleTitle(id string) string {
	if r, ok := model.LookupRule(model.RuleID(id)); ok {
		return r.Title
	}
	return ""
}

// maxRowKey bounds the threads the legend names one by one.
const maxRowKey = 200

// writeHeader writes the block the page opens with: the verdict, the run's
// facts, every violation, LIN's relation to the verdict and the legend of
// the chart below. Every string from the trace goes through esc.
func writeHeader(b *strings.Builder, tr *traces.Trace, res porcupine.CheckResult) {
	v := &tr.Verdict
	b.WriteString("\n<header id=\"clussim-header\">\n")
	if v.Failed {
		fmt.Fprintf(b, "<div class=\"cs-verdict cs-fail\">FAIL: breaks %s", esc(v.Rule))
		if t := ruleTitle(v.Rule); t != "" {
			fmt.Fprintf(b, " — %s", esc(t))
		}
		fmt.Fprintf(b, " <span class=\"cs-sub\">(%s tier, at step %d", esc(v.Tier), v.Step)
		if n := len(v.Violations); n > 1 {
			fmt.Fprintf(b, "; %d violations in all, listed below", n)
		}
		b.WriteString(")</span></div>\n")
	} else {
		b.WriteString("<div class=\"cs-verdict cs-pass\">PASS: no rule broken</div>\n")
	}

	b.WriteString("<table class=\"cs-facts\">\n")
	fact := func(name, value string) {
		fmt.Fprintf(b, "<tr><th>%s</th><td>%s</td></tr>\n", name, value)
	}
	fact("implementation", "<b>"+esc(tr.Impl)+"</b>")
	sc := "<b>" + esc(tr.Scenario.Name) + "</b>"
	if sum := scenarioSummary(tr.Scenario.Name); sum != "" {
		sc += " — " + esc(sum)
	}
	fact("scenario", sc)
	fact("strategy", esc(strategyText(tr.Strategy)))
	rules := "every rule (documented and safe tiers)"
	if tr.Config.Tier == model.Documented.String() {
		rules = "the documented tier only"
	}
	fact("rules checked", rules)
	if n := len(tr.Events); n > 0 {
		last := tr.Events[n-1]
		fact("run", fmt.Sprintf("%d ticks in the log (the chart's clock), %d scheduling steps, %d ms of virtual time",
			n, last.Step, last.Time))
	}
	lin := linResult(res)
	fact("LIN check", fmt.Sprintf("<span class=\"cs-chip\" style=\"background:%s\">%s</span> %s",
		lin.colour, esc(lin.label), esc(lin.details)))
	b.WriteString("</table>\n")

	if len(v.Violations) > 0 {
		fmt.Fprintf(b, "<h2 class=\"cs-h\">%s</h2>\n<ol class=\"cs-violations\">\n", nounCount(len(v.Violations), "violation"))
		for _, x := range v.Violations {
			fmt.Fprintf(b, "<li><span class=\"cs-rule\">%s</span> %s tier, step %d, tick %d",
				esc(x.Rule), esc(x.Tier), x.Step, x.Tick)
			if t := ruleTitle(x.Rule); t != "" {
				fmt.Fprintf(b, " — <b>%s</b>", esc(t))
			}
			if x.Fault != "" {
				fmt.Fprintf(b, " <span class=\"cs-sub\">(kernel fault %s)</span>", esc(x.Fault))
			}
			fmt.Fprintf(b, "<br><span class=\"cs-msg\">%s</span></li>\n", esc(x.Message))
		}
		b.WriteString("</ol>\n")
	} else if v.Failed {
		fmt.Fprintf(b, "<p class=\"cs-msg\">%s</p>\n", esc(v.Message))
	}
	if f := v.Failure; f != nil {
		fmt.Fprintf(b, "<p class=\"cs-note\">The run ended early: %s at step %d: %s</p>\n",
			esc(f.Kind), f.Step, esc(f.Message))
	}
	if note := linNote(tr, res); note != "" {
		fmt.Fprintf(b, "<p class=\"cs-note\">%s</p>\n", esc(note))
	}

	b.WriteString("<div class=\"cs-legend\">\n")
	fmt.Fprintf(b, "<p><b>The chart below</b> is the linearizability checker's view: one row per thread, one bar per call "+
		"(CLUS_WORKER calls, routine starts and exits) on the tick clock, and as lines the order the model found; "+
		"hover over or click a bar for the model's state. "+
		"<b>LIN's result is separate from the other rules:</b> the row <i>%s</i> shows LIN alone, coloured by its own result; "+
		"the verdict above covers every rule.", tagChecker)
	if len(tr.Verdict.Violations) > 0 {
		fmt.Fprintf(b, " The row <i>%s</i> marks each violation at its tick.", tagViolations)
	}
	b.WriteString("</p>\n")
	if n := len(tr.Threads); n > 0 {
		b.WriteString("<p>Rows by thread: ")
		for i, name := range tr.Threads[:min(n, maxRowKey)] {
			if i > 0 {
				b.WriteString(" · ")
			}
			fmt.Fprintf(b, "<b>%d</b> %s", i, esc(name))
		}
		if n > maxRowKey {
			fmt.Fprintf(b, " · and %d more", n-maxRowKey)
		}
		b.WriteString("</p>\n")
	}
	b.WriteString("<p><label><input type=\"checkbox\" id=\"clussim-fit\"> fit the chart to the window " +
		"(unchecked: full size, scrolled sideways in its box)</label> <span id=\"clussim-fit-hint\"></span></p>\n")
	b.WriteString("</div>\n</header>\n")
}

// linNote explains how LIN's result here relates to the recorded verdict
// when a reader could misread it, or returns "".
func linNote(tr *traces.Trace, res porcupine.CheckResult) string {
	vs := tr.Verdict.Violations
	recorded := false
	var inModel []string
	for _, x := range vs {
		recorded = recorded || model.RuleID(x.Rule) == model.LIN
		if r, ok := model.LookupRule(model.RuleID(x.Rule)); ok && r.InModel && r.ID != model.LIN && !slices.Contains(inModel, x.Rule) {
			inModel = append(inModel, x.Rule)
		}
	}
	switch {
	case res == porcupine.Ok && recorded:
		return "Note: the recorded verdict reports LIN, but this re-check of the history finds a linearization; " +
			"the trace may come from another version of clussim."
	case res == porcupine.Illegal && len(vs) == 0:
		return "Note: the recorded verdict has no violation, but this re-check finds the history not linearizable; " +
			"the trace may come from another version of clussim."
	case res == porcupine.Illegal && !recorded && len(inModel) > 0:
		return "The model rejects this history, yet no LIN violation is listed: clussim reports the documented rule " +
			"that explains the rejection instead (" + strings.Join(inModel, ", ") + ")."
	case res == porcupine.Ok && tr.Verdict.Failed:
		return "The LIN row is green because the model accepts this history; the run fails " + tr.Verdict.Rule +
			" all the same, found by a check of its own outside LIN."
	case res == porcupine.Unknown:
		return "LIN was not decided when drawing this page (the checker stopped early), so its row is grey; " +
			"the recorded verdict above does not depend on it."
	}
	return ""
}

// nounCount is "1 violation" or "3 violations".
func nounCount(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// pageStyle goes at the end of the page's head, after porcupine's style:
// the header's look, porcupine's legend taken out of its fixed position
// (it would cover the header), and the chart in a box of the window's
// width that scrolls sideways.
const pageStyle = `<style>
      body { margin: 0; padding: 0 16px 24px; }
      #clussim-header { margin: 12px 0 8px; line-height: 1.35; }
      #clussim-header .cs-verdict { padding: 10px 14px; border-radius: 6px; font-size: 1.4rem; font-weight: bold; color: #fff; }
      #clussim-header .cs-fail { background: #b3261e; }
      #clussim-header .cs-pass { background: #1e7b34; }
      #clussim-header .cs-sub { font-weight: normal; font-size: 0.95rem; }
      #clussim-header .cs-facts { border-collapse: collapse; margin: 8px 0; font-size: 0.95rem; }
      #clussim-header .cs-facts th { text-align: left; padding: 1px 14px 1px 0; color: #555; font-weight: normal; white-space: nowrap; vertical-align: top; }
      #clussim-header .cs-facts td { padding: 1px 0; overflow-wrap: anywhere; }
      #clussim-header .cs-h { font-size: 1.05rem; margin: 10px 0 4px; }
      #clussim-header .cs-violations { margin: 0; padding: 6px 12px 6px 34px; background: #fff4f3; border: 1px solid #f0b8b3; border-radius: 6px; max-height: 40vh; overflow: auto; font-size: 0.95rem; }
      #clussim-header .cs-violations li { margin: 4px 0; }
      #clussim-header .cs-rule { display: inline-block; background: #ff9191; padding: 0 6px; border-radius: 4px; font-weight: bold; }
      #clussim-header .cs-msg { font-family: Menlo, Courier New, monospace; font-size: 0.85rem; overflow-wrap: anywhere; }
      #clussim-header .cs-note { margin: 8px 0; padding: 6px 10px; background: #fff8e1; border: 1px solid #f0d890; border-radius: 6px; font-size: 0.95rem; }
      #clussim-header .cs-legend { font-size: 0.9rem; color: #333; border-top: 1px solid #ddd; margin-top: 10px; }
      #clussim-header .cs-legend p { margin: 6px 0; }
      #clussim-fit-hint { color: #b3261e; font-weight: bold; }
      #clussim-header .cs-chip { padding: 0 5px; border-radius: 3px; border: 1px solid #888; font-family: Menlo, Courier New, monospace; }
      #legend { position: static; display: inline-block; padding: 0; backdrop-filter: none; }
      #canvas { margin-top: 4px; max-width: 100%; overflow-x: auto; overflow-y: hidden; }
    </style>
  `

// pageScript goes at the end of the body, after porcupine's render: it
// gives the chart a viewBox so that it can be scaled to the window, and
// does so while the "fit" box is checked (by default when the chart is at
// most twice as wide as the window, so that its text stays legible; the
// address's fragment #fit or #full chooses); when it is not, a hint says
// how much of the chart is out of view.
const pageScript = `<script>
      (function () {
        const svg = document.querySelector('#canvas > svg')
        const box = document.querySelector('#canvas')
        const fit = document.querySelector('#clussim-fit')
        const hint = document.querySelector('#clussim-fit-hint')
        if (!svg || !box || !fit || !hint) return
        const w = Number(svg.getAttribute('width'))
        const h = Number(svg.getAttribute('height'))
        if (!(w > 0 && h > 0)) return
        svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h)
        box.dataset.chartWidth = w
        function apply() {
          svg.style.width = fit.checked ? '100%' : w + 'px'
          svg.style.maxWidth = w + 'px'
          svg.style.height = 'auto'
          const times = w / box.clientWidth
          hint.textContent = !fit.checked && times > 1
            ? '\u2192 the chart is ' + times.toFixed(1) + ' times as wide as the window: scroll it sideways to see the rest.'
            : ''
        }
        fit.checked = location.hash === '#fit' || (location.hash !== '#full' && w <= 2 * box.clientWidth)
        fit.addEventListener('change', apply)
        apply()
      })()
    </script>
  `
