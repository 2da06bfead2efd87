// Command simrun is the command line of clussim, the executable spec and
// model checker for the Windows Failover Cluster worker-thread API
// (CLUS_WORKER, ClusWorkerCreate, ClusWorkerCheckTerminate,
// ClusWorkerTerminate, ClusWorkerTerminateEx, ClusWorkersTerminate).
//
// Run with no arguments, it runs the conformance battery on the reference
// implementation (which passes) and on the historical "literal" logic (whose
// known bugs it finds), saves the failing traces and prints how to replay
// them. Its commands:
//
//	simrun list                      implementations, scenarios, strategies, rules
//	simrun explore --impl NAME       search schedules for a failure, save traces
//	simrun replay FILE               re-execute a trace, show its timeline and verdict
//	simrun shrink -o OUT FILE        make a failing trace smaller
//	simrun view [--html OUT] FILE    show a trace as a timeline or an HTML page
//	simrun check --impl NAME|all     run the conformance battery
//	simrun verify --impl NAME        prove named scenarios with DPOR within a preemption bound
//	simrun merge SUMMARY...          combine the summaries of a sharded verification
//	simrun help [COMMAND]            explain a command
//
// Exit codes: 0 when nothing failed, 1 when a run broke a rule (for the
// default run and "check --impl all": when a result differs from what the
// catalogue expects), 2 on a usage or input error.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clussim/clussim/internal/names"
)

// Exit codes of every simrun command.
const (
	// exitOK: nothing failed.
	exitOK = 0
	// exitFailure: a run broke a rule (or a result was not the expected one).
	exitFailure = 1
	// exitUsage: a usage error, or an input that cannot be used (a
	// malformed trace, an unknown name, a replay that diverges).
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// command is one subcommand of simrun.
type command struct {
	name string
	// synopsis is the argument pattern, e.g. "[flags] FILE".
	synopsis string
	// summary says in one line what the command does.
	summary string
	run     func(e *env, args []string) int
}

// commands returns the subcommands in the order help lists them.
func commands() []command {
	return []command{
		{"list", "[impls|scenarios|strategies|rules] [--json]", "list implementations, scenarios, strategies and rules", runList},
		{"explore", "--impl NAME [flags]", "search schedules for a run that breaks a rule; save failing traces", runExplore},
		{"replay", "[flags] FILE", "re-execute a trace exactly; print its timeline and verdict", runReplay},
		{"shrink", "[-o OUT] [--budget N] [--rule RULE] FILE", "make a failing trace smaller (fewer decisions and preemptions)", runShrink},
		{"view", "[--width N] [--steps] [--html OUT] FILE", "show a trace as a per-thread timeline, or as an HTML page", runView},
		{"check", "--impl NAME|all [flags]", "run the conformance battery on an implementation", runCheck},
		{"verify", "--impl NAME [--scenario NAME] [--bound K|none] [flags]", "prove named scenarios with partial-order reduction, within a preemption bound", runVerify},
		{"bench", "[--impl NAMES] [--strategy LIST] [--seeds N] [--cap N]", "measure schedules and seconds to the first failure of every bug under every strategy", runBench},
		{"merge", "[-o OUT] SUMMARY...", "combine the summaries of the shards of a verification into one report", runMerge},
		{"help", "[COMMAND]", "explain simrun or one of its commands", runHelp},
	}
}

// commandNames lists the names of the subcommands.
func commandNames() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}

// run is simrun with its arguments (without the program name) and its
// output streams; it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		return runDefault(e, nil)
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		topUsage(e.stdout)
		return exitOK
	}
	if strings.HasPrefix(name, "-") {
		return e.usageError("", "unknown flag %s before the command (valid commands: %s; run 'simrun help')",
			name, strings.Join(commandNames(), ", "))
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(e, args[1:])
		}
	}
	return e.usageError("", "%s", names.Unknown("command", name, commandNames()))
}

// topUsage writes the overview of simrun.
func topUsage(w io.Writer) {
	fmt.Fprintf(w, `simrun is the command line of clussim, the executable spec and model checker
for the CLUS_WORKER worker-thread API of Windows Failover Clustering.

usage:
  simrun                      run the conformance battery on the reference and the
                              historical implementation (the first thing to try)
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  simrun %-20s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Run 'simrun help COMMAND' or 'simrun COMMAND -h' for a command's flags.

exit codes:
  0  nothing failed
  1  a run broke a rule (default run, check --impl all: a result the catalogue
     does not expect)
  2  usage or input error: bad flag, unknown name, malformed trace, replay
     that diverges
`)
}

// runHelp is "simrun help [COMMAND]".
func runHelp(e *env, args []string) int {
	if len(args) == 0 {
		topUsage(e.stdout)
		return exitOK
	}
	switch args[0] {
	case "-h", "-help", "--help":
		topUsage(e.stdout)
		return exitOK
	}
	if len(args) > 1 {
		return e.usageError("help", "help takes at most one command name")
	}
	for _, c := range commands() {
		if c.name == args[0] {
			if c.name == "help" {
				topUsage(e.stdout)
				return exitOK
			}
			return c.run(&env{stdout: e.stdout, stderr: e.stdout}, []string{"-h"})
		}
	}
	return e.usageError("", "%s", names.Unknown("command", args[0], commandNames()))
}
