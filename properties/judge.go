package properties

import (
	"fmt"
	"slices"

	"github.com/clussim/clussim/model"
)

// Expectation is what a catalogue says of an implementation: that it is
// correct, or which rules it is known to break (the one its mistake is
// about first). The built-in catalogue (package sim/impls) gives one per
// entry; an implementer's own table of known bugs can use the same.
type Expectation struct {
	// Name names the implementation in the judgement.
	Name string
	// Correct says the implementation breaks no rule.
	Correct bool
	// Breaks lists the IDs of the rules it is known to break.
	Breaks []model.RuleID
}

// Judgement is how a battery's result compares with an Expectation.
type Judgement struct {
	// AsExpected reports that the result is the expected one: a correct
	// implementation passed, or a buggy one broke one of its rules (or
	// passed because the tier checked leaves all of its rules out).
	AsExpected bool
	// Why says so in one sentence.
	Why string
}

// Judge compares rep, a battery's report under the given tier filter, with
// what want says: a correct implementation must pass; a buggy one must fail
// with a run that breaks at least one of its listed rules, unless none of
// them is checked under documentedOnly, in which case it must pass.
func Judge(want Expectation, rep *Report, documentedOnly bool) Judgement {
	checked := checkedRules(want.Breaks, documentedOnly)
	if rep.Failure == nil {
		switch {
		case want.Correct:
			return Judgement{true, fmt.Sprintf("%s is correct; no rule broken, as expected", want.Name)}
		case len(checked) == 0:
			return Judgement{true, fmt.Sprintf("%s breaks only %s, which this tier does not check; no rule broken, as expected",
				want.Name, model.JoinRuleIDs(want.Breaks, " "))}
		}
		return Judgement{false, fmt.Sprintf("UNEXPECTED: %s should break %s, but the battery found no failure in %d runs (try a larger budget)",
			want.Name, model.JoinRuleIDs(checked, " or "), rep.Runs)}
	}
	found := ruleIDs(rep.Failure.Violations)
	first := rep.Failure.First().Rule
	switch {
	case want.Correct:
		return Judgement{false, fmt.Sprintf("UNEXPECTED: %s is listed as correct but breaks %s", want.Name, first)}
	case slices.ContainsFunc(found, func(r model.RuleID) bool { return slices.Contains(want.Breaks, r) }):
		return Judgement{true, fmt.Sprintf("%s is known to break %s; %s found, as expected", want.Name,
			model.JoinRuleIDs(want.Breaks, " "), model.JoinRuleIDs(found, " "))}
	}
	return Judgement{false, fmt.Sprintf("UNEXPECTED: %s should break %s, but the failing run breaks %s", want.Name,
		model.JoinRuleIDs(want.Breaks, " "), model.JoinRuleIDs(found, " "))}
}

// checkedRules keeps the rules of rules that a battery reports under the
// tier filter: all of them, or with documentedOnly the documented ones and
// the failures of the run itself.
func checkedRules(rules []model.RuleID, documentedOnly bool) []model.RuleID {
	var out []model.RuleID
	for _, id := range rules {
		if admitted(id, documentedOnly) {
			out = append(out, id)
		}
	}
	return out
}
