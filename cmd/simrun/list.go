package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/clussim/clussim/internal/names"
	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

const listAbout = `
List what simrun knows: the implementations of the CLUS_WORKER functions
(correct ones, the historical "literal" logic, and buggy variants with the
rules they break), the named scenarios, the exploration strategies, and the
rules of the spec with their tier. Name one section to list only it.`

// listSections are the sections of "simrun list", in order.
func listSections() []string { return []string{"impls", "scenarios", "strategies", "rules"} }

// runList is "simrun list".
func runList(e *env, args []string) int {
	f := newFlags(e, "list", "[impls|scenarios|strategies|rules] [--json]", listAbout)
	asJSON := f.Bool("json", false, "print the lists as one JSON object")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	sections := listSections()
	switch {
	case len(pos) > 1:
		return e.usageError("list", "list takes at most one section")
	case len(pos) == 1:
		found := false
		for _, s := range sections {
			if s == pos[0] {
				found = true
			}
		}
		if !found {
			return e.usageError("list", "%s", names.Unknown("section", pos[0], sections))
		}
		sections = pos
	}
	if *asJSON {
		return listJSON(e, sections)
	}
	for i, s := range sections {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		switch s {
		case "impls":
			listImpls(e)
		case "scenarios":
			listScenarios(e)
		case "strategies":
			listStrategies(e)
		case "rules":
			listRules(e)
		}
	}
	return exitOK
}

func listImpls(e *env) {
	all, bench := impls.All(), impls.Benchmark()
	fmt.Fprintf(e.stdout, "IMPLEMENTATIONS (%d)   simrun check --impl NAME, simrun explore --impl NAME\n", len(all))
	nameW, verdictW := 0, 0
	verdicts := make([]string, len(all))
	for i, x := range all {
		verdicts[i] = "correct"
		if !x.Correct {
			verdicts[i] = "breaks " + model.JoinRuleIDs(x.Breaks, " ")
		}
		nameW, verdictW = max(nameW, len(x.Name)), max(verdictW, len(verdicts[i]))
	}
	for _, x := range bench {
		nameW = max(nameW, len(x.Name))
	}
	for i, x := range all {
		fmt.Fprintf(e.stdout, "  %-*s  %-*s  %s\n", nameW, x.Name, verdictW, verdicts[i], x.Summary)
	}
	fmt.Fprintf(e.stdout, "BENCHMARK BUGS (%d)   simrun bench; not in check --impl all\n", len(bench))
	for _, x := range bench {
		fmt.Fprintf(e.stdout, "  %-*s  %-*s  %s\n", nameW, x.Name, verdictW, "breaks "+model.JoinRuleIDs(x.Breaks, " "), x.Summary)
	}
}

func listScenarios(e *env) {
	named := scenario.Named()
	fmt.Fprintf(e.stdout, "SCENARIOS (%d named; gen-SEED names a generated one)   simrun explore --scenario NAME\n", len(named))
	for _, s := range named {
		fmt.Fprintf(e.stdout, "  %-24s %s\n", s.Name, scenarioSummary(s))
	}
	bench := scenario.Benchmark()
	fmt.Fprintf(e.stdout, "BENCHMARK SCENARIOS (%d)   simrun bench; not in the battery\n", len(bench))
	for _, s := range bench {
		fmt.Fprintf(e.stdout, "  %-24s %s\n", s.Name, scenarioSummary(s))
	}
}

func listStrategies(e *env) {
	fmt.Fprintf(e.stdout, "STRATEGIES   simrun explore --strategy SPEC\n")
	for _, s := range strategies() {
		fmt.Fprintf(e.stdout, "  %-14s %s\n", s.spec, s.summary)
	}
}

func listRules(e *env) {
	rules := model.Rules()
	fmt.Fprintf(e.stdout, "RULES (%d)   documented: what Microsoft's pages and samples say; safe: clussim's decisions where they are silent\n", len(rules))
	for _, r := range rules {
		fmt.Fprintf(e.stdout, "  %-10s %-11s %s\n", r.ID, r.Tier, r.Title)
	}
}

// strategyInfo describes one exploration strategy for list and help.
type strategyInfo struct{ name, spec, summary string }

// strategies describes the strategies of properties.StrategyNames.
func strategies() []strategyInfo {
	var out []strategyInfo
	for _, name := range properties.StrategyNames() {
		switch name {
		case "random":
			out = append(out, strategyInfo{name, "random", "uniformly random thread at every step, one seed per schedule"})
		case "pct":
			out = append(out, strategyInfo{name, "pct[:DEPTH]", fmt.Sprintf(
				"probabilistic concurrency testing: random priorities and DEPTH-1 change points (default depth %d)",
				properties.DefaultPCTDepth)})
		case "pos":
			out = append(out, strategyInfo{name, "pos", "partial order sampling: random priorities per pending step, redrawn for the steps that race with the one that ran"})
		case "urw":
			out = append(out, strategyInfo{name, "urw", "uniform random walk: each thread in proportion to the steps it has left, learnt from earlier schedules"})
		case properties.Portfolio:
			out = append(out, strategyInfo{name, name, "random, pos, urw and pct by turns, run by run; each trace names the one that made its run (default)"})
		case "dfs":
			out = append(out, strategyInfo{name, "dfs[:BOUND]", fmt.Sprintf(
				"systematic depth-first search of every schedule with at most BOUND preemptions (default %d)",
				properties.DefaultDFSBound)})
		case "dpor":
			out = append(out, strategyInfo{name, "dpor[:BOUND|:none]", fmt.Sprintf(
				"dynamic partial-order reduction: one schedule of every class of equivalent schedules with at most BOUND preemptions (default %d)",
				properties.DefaultDFSBound)})
		default:
			out = append(out, strategyInfo{name, name, ""})
		}
	}
	return out
}

// scenarioSummary describes a scenario in one line: a named one by its
// summary, any other by its structure.
func scenarioSummary(s scenario.Scenario) string {
	if d, ok := scenario.Summary(s.Name); ok {
		return d
	}
	const maxLen = 90
	d := s.String()
	d = strings.TrimPrefix(d, s.Name+": ")
	if len(d) > maxLen {
		d = d[:maxLen-3] + "..."
	}
	return d
}

// listJSON prints the sections as one JSON object.
func listJSON(e *env, sections []string) int {
	type implJSON struct {
		Name    string         `json:"name"`
		Correct bool           `json:"correct"`
		Breaks  []model.RuleID `json:"breaks"`
		Summary string         `json:"summary"`
	}
	type scenarioJSON struct {
		Name       string `json:"name"`
		Summary    string `json:"summary"`
		Definition string `json:"definition"`
	}
	type strategyJSON struct {
		Name    string `json:"name"`
		Spec    string `json:"spec"`
		Summary string `json:"summary"`
	}
	type ruleJSON struct {
		ID      model.RuleID `json:"id"`
		Tier    string       `json:"tier"`
		Title   string       `json:"title"`
		Source  string       `json:"source"`
		InModel bool         `json:"inModel"`
	}
	out := struct {
		Impls      []implJSON     `json:"impls,omitempty"`
		Scenarios  []scenarioJSON `json:"scenarios,omitempty"`
		Strategies []strategyJSON `json:"strategies,omitempty"`
		Rules      []ruleJSON     `json:"rules,omitempty"`
	}{}
	for _, s := range sections {
		switch s {
		case "impls":
			for _, x := range impls.All() {
				out.Impls = append(out.Impls, implJSON{x.Name, x.Correct, append([]model.RuleID{}, x.Breaks...), x.Summary})
			}
		case "scenarios":
			for _, x := range scenario.Named() {
				out.Scenarios = append(out.Scenarios, scenarioJSON{x.Name, scenarioSummary(x), x.String()})
			}
		case "strategies":
			for _, x := range strategies() {
				out.Strategies = append(out.Strategies, strategyJSON{x.name, x.spec, x.summary})
			}
		case "rules":
			for _, r := range model.Rules() {
				out.Rules = append(out.Rules, ruleJSON{r.ID, r.Tier.String(), r.Title, r.Source, r.InModel})
			}
		}
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return e.errorf("%v", err)
	}
	fmt.Fprintf(e.stdout, "%s\n", b)
	return exitOK
}
