package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/internal/shell"
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
	"github.com/clussim/clussim/traces"
)

// Defaults shared by several commands.
const (
	// defaultTraceDir is where explore, check and the default run save
	// failing traces, relative to the working directory.
	defaultTraceDir = "simrun-traces"
	// textWidth is the width messages are wrapped to.
	textWidth = 96
	// tierAll and tierDocumented are the values of --tier.
	tierAll        = "all"
	tierDocumented = "documented"
)

// env carries the output streams of one invocation of simrun.
type env struct {
	stdout, stderr io.Writer
}

// errorf prints "simrun: " and the message on stderr and returns the exit
// code of an input error.
func (e *env) errorf(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "simrun: %s\n", fmt.Sprintf(format, args...))
	return exitUsage
}

// usageError is errorf for a mistake in the command line of command cmd:
// it also says how to get the command's help.
func (e *env) usageError(cmd, format string, args ...any) int {
	e.errorf(format, args...)
	if cmd == "" {
		fmt.Fprintf(e.stderr, "run 'simrun help' for usage\n")
	} else {
		fmt.Fprintf(e.stderr, "run 'simrun %s -h' for usage\n", cmd)
	}
	return exitUsage
}

// flags is the flag set of one subcommand, with its usage text.
type flags struct {
	*flag.FlagSet
	cmd, synopsis, about string
	e                    *env
}

// newFlags returns an empty flag set for subcommand cmd. synopsis is the
// argument pattern and about the paragraph that explains the command.
func newFlags(e *env, cmd, synopsis, about string) *flags {
	fs := flag.NewFlagSet("simrun "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flags{FlagSet: fs, cmd: cmd, synopsis: synopsis, about: about, e: e}
	fs.Usage = func() {}
	return f
}

// isSet reports whether the flag called name was given on the command line.
func (f *flags) isSet(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// usage writes the command's help to w.
func (f *flags) usage(w io.Writer) {
	fmt.Fprintf(w, "usage: simrun %s %s\n\n%s\n", f.cmd, f.synopsis, strings.TrimSpace(f.about))
	n := 0
	f.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\nflags:\n")
	f.VisitAll(func(fl *flag.Flag) {
		dash := "--"
		if len(fl.Name) == 1 {
			dash = "-"
		}
		typ, usage := flag.UnquoteUsage(fl)
		line := "  " + dash + fl.Name
		if typ != "" {
			line += " " + typ
		}
		if def := fl.DefValue; def != "" && def != "0" && def != "0s" && def != "false" && !strings.Contains(usage, "default") {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		fmt.Fprintf(w, "%s\n%s", line, wrap(usage, textWidth, "        "))
	})
}

// parse parses args, allowing flags after the positional arguments
// ("simrun replay FILE --width 40"), and returns the positional ones. When
// ok is false the caller returns code: 0 after -h, 2 after a bad flag.
func (f *flags) parse(args []string) (pos []string, code int, ok bool) {
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.usage(f.e.stdout)
				return nil, exitOK, false
			}
			return nil, f.e.usageError(f.cmd, "%s: %v", f.cmd, err), false
		}
		rest := f.Args()
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		// The flag package stops at the first non-flag argument, or just
		// after "--"; everything after "--" is positional.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), exitOK, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// lookupImpl returns the catalogue entry called name.
func lookupImpl(name string) (impls.Entry, error) {
	if e, ok := impls.Lookup(name); ok {
		return e, nil
	}
	return impls.Entry{}, errors.New(names.Unknown("implementation", name, impls.Names()))
}

// generatedPrefix names a generated scenario: "gen-42" is
// scenario.Generate(42, scenario.DefaultLimits()).
const generatedPrefix = "gen-"

// lookupScenario returns the named scenario called name, or the generated
// scenario "gen-SEED".
func lookupScenario(name string) (scenario.Scenario, error) {
	if s, ok := scenario.Lookup(name); ok {
		return s, nil
	}
	if rest, ok := strings.CutPrefix(name, generatedPrefix); ok {
		var seed uint64
		if _, err := fmt.Sscanf(rest, "%d", &seed); err == nil && fmt.Sprint(seed) == rest {
			return scenario.Generate(seed, scenario.DefaultLimits()), nil
		}
	}
	return scenario.Scenario{}, fmt.Errorf("%s; or gen-SEED for a generated one", names.Unknown("scenario", name, scenario.Names()))
}

// parseTier reads --tier.
func parseTier(s string) (documentedOnly bool, err error) {
	switch s {
	case tierAll, "":
		return false, nil
	case tierDocumented:
		return true, nil
	}
	return false, errors.New(names.Unknown("tier", s, []string{tierAll, tierDocumented}))
}

// errForeignImpl is wrapped by readTrace's error for a trace of an
// implementation simrun does not have.
var errForeignImpl = errors.New("which is not built into simrun")

// readTrace reads and checks the trace at path, and finds the
// implementation it names.
func readTrace(path string) (*traces.Trace, impls.Entry, error) {
	tr, err := traces.ReadFile(path)
	if err != nil {
		return nil, impls.Entry{}, err
	}
	e, ok := impls.Lookup(tr.Impl)
	if !ok {
		return tr, impls.Entry{}, fmt.Errorf("%s was recorded with implementation %q, %w "+
			"(built in: %s); a trace of your own implementation replays and shrinks in the package of the test "+
			"that recorded it:\n  %s\n  %s",
			traces.Sanitize(path), traces.Sanitize(tr.Impl), errForeignImpl, strings.Join(impls.Names(), ", "),
			traces.Sanitize(properties.ReplayCommand(tr.Impl, path)), traces.Sanitize(properties.ShrinkCommand(tr.Impl, path)))
	}
	return tr, e, nil
}

// specOf returns the strategy a trace records.
func specOf(tr *traces.Trace) properties.StrategySpec { return tr.Strategy }

// fileName joins parts into a file name safe on every system.
func fileName(parts ...string) string {
	for i, p := range parts {
		parts[i] = traces.SafeName(p)
	}
	return strings.Join(parts, "-") + ".json"
}

// replayCommand is the command that replays the trace at path.
func replayCommand(path string) string { return "simrun replay " + shell.Quote(path) }

// shrinkCommand is the command that shrinks the trace at path.
func shrinkCommand(path string) string {
	return "simrun shrink -o " + shell.Quote(shrunkPath(path)) + " " + shell.Quote(path)
}

// shrunkPath is where simrun shrink writes by default.
func shrunkPath(path string) string {
	return strings.TrimSuffix(path, ".json") + ".shrunk.json"
}

// isTerminal reports whether w is a terminal (a character device), where a
// progress line may be redrawn.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// wrap breaks s into lines of at most width columns, each prefixed with
// indent.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(s) {
		if len(line) > len(indent) && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = indent
		}
		if len(line) > len(indent) {
			line += " "
		}
		line += word
	}
	if len(line) > len(indent) {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// ruleTitle returns the one-line title of a rule, or "" for an unknown one.
func ruleTitle(id model.RuleID) string {
	if r, ok := model.LookupRule(id); ok {
		return r.Title
	}
	return ""
}

// pluralWord returns word, in the plural ("s", or "ies" for a final "y")
// when n is not one.
func pluralWord(n int, word string) string {
	switch {
	case n == 1:
		return word
	case strings.HasSuffix(word, "y"):
		return strings.TrimSuffix(word, "y") + "ies"
	}
	return word + "s"
}

// plural returns "n word", in the plural ("s", or "ies" for a final "y")
// when n is not one.
func plural(n int, word string) string { return fmt.Sprintf("%d %s", n, pluralWord(n, word)) }
