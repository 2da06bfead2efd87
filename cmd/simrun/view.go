package main

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/traces"
)

const viewAbout = `
Show the run a trace records, without re-executing it: a table with one
column per simulated thread and one row per event, with the virtual time and
scheduling step of each row; the step of the first violation is marked
">>". With --html OUT, write an HTML page instead (open it in a browser):
a header with the implementation, the scenario, the strategy and the
verdict, and every violation in plain text; below it porcupine's
interactive view of the history: each thread's CLUS_WORKER calls on the
tick clock, the model's linearization (or its longest partial ones), a LIN
row coloured by LIN's own result, and annotations for the violations,
kernel faults and injected faults. deploy/screenshot-html-view.sh takes a
screenshot of such a page with headless Chromium.

Exit status: 0 when the view was shown, 2 when the file is not a valid trace.`

// runView is "simrun view".
func runView(e *env, args []string) int {
	f := newFlags(e, "view", "[--width N] [--steps] [--html OUT] FILE", viewAbout)
	width := f.Int("width", 0, "`WIDTH` of one thread's column (default 30)")
	steps := f.Bool("steps", false, "show every scheduling step, cell loads and stores included")
	html := f.String("html", "", "write the HTML view (verdict, violations, porcupine's chart of the history) to file `OUT`")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.usageError("view", "view takes exactly one trace file")
	}
	if err := (traces.ViewOptions{Width: *width}).Validate(); err != nil {
		return e.usageError("view", "--width: %v", err)
	}
	tr, err := traces.ReadFile(pos[0])
	if err != nil {
		return e.errorf("%v", err)
	}
	if *html == "" {
		fmt.Fprint(e.stdout, traces.Timeline(tr, traces.ViewOptions{Width: *width, Steps: *steps}))
		return exitOK
	}
	if err := writeHTML(tr, *html); err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s: porcupine's view of %s on %s (%s); open it in a browser\n",
		traces.Sanitize(filepath.ToSlash(*html)), traces.Sanitize(tr.Impl), traces.Sanitize(tr.Scenario.Name),
		traces.Sanitize(verdictLine(tr)))
	return exitOK
}

// writeHTML writes the HTML view of tr to path; a failed write leaves no
// file behind.
func writeHTML(tr *traces.Trace, path string) error {
	var page bytes.Buffer
	if err := properties.Visualize(tr, &page); err != nil {
		return err
	}
	return traces.WriteFileAtomic(path, page.Bytes())
}

// verdictLine summarizes a trace's recorded verdict.
func verdictLine(tr *traces.Trace) string {
	if !tr.Verdict.Failed {
		return "no rule broken"
	}
	return fmt.Sprintf("breaks %s, %s tier", tr.Verdict.Rule, tr.Verdict.Tier)
}
