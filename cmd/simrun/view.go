package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/traces"
)

const viewAbout = `
Show the run a trace records, without re-executing it: a table with one
column per simulated thread and one row per event, with the virtual time and
scheduling step of each row; the step of the first violation is marked
">>". With --html OUT, write porcupine's interactive view of the history
instead (open it in a browser): each thread's CLUS_WORKER calls on the tick
clock, the model's linearization (or its longest partial ones), and
annotations for the violations, kernel faults and injected faults.

Exit status: 0 when the view was shown, 2 when the file is not a valid trace.`

// runView is "simrun view".
func runView(e *env, args []string) int {
	f := newFlags(e, "view", "[--width N] [--steps] [--html OUT] FILE", viewAbout)
	width := f.Int("width", 0, "`WIDTH` of one thread's column (default 30)")
	steps := f.Bool("steps", false, "show every scheduling step, cell loads and stores included")
	html := f.String("html", "", "write porcupine's HTML view of the history to file `OUT`")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return e.usageError("view", "view takes exactly one trace file")
	}
	if *width < 0 {
		return e.usageError("view", "--width must not be negative")
	}
	tr, err := traces.ReadFile(pos[0])
	if err != nil {
		return e.errorf("%s", errText(err))
	}
	if *html == "" {
		fmt.Fprint(e.stdout, traces.Timeline(tr, traces.ViewOptions{Width: *width, Steps: *steps}))
		return exitOK
	}
	if err := writeHTML(tr, *html); err != nil {
		return e.errorf("%s", errText(err))
	}
	fmt.Fprintf(e.stdout, "wrote %s: porcupine's view of %s on %s (%s); open it in a browser\n",
		filepath.ToSlash(*html), tr.Impl, tr.Scenario.Name, verdictLine(tr))
	return exitOK
}

// writeHTML writes the HTML view of tr to path; a failed write leaves no
// file behind.
func writeHTML(tr *traces.Trace, path string) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := properties.Visualize(tr, f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// verdictLine summarizes a trace's recorded verdict.
func verdictLine(tr *traces.Trace) string {
	if !tr.Verdict.Failed {
		return "no rule broken"
	}
	return fmt.Sprintf("breaks %s, %s tier", tr.Verdict.Rule, tr.Verdict.Tier)
}
