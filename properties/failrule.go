package properties

import (
	"slices"

	"pgregory.net/rapid"

	"github.com/clussim/clussim/model"
)

// failRule fails a rapid check with v. rapid keeps a shrunk case only when
// its failure has the same traceback as the original, so the traceback
// tells the rules apart: failAtDepth recurses once per position of the rule
// in the rule table before it fails, which gives every rule a traceback of
// its own from a single call site. Shrinking then keeps the rule that
// failed first, instead of wandering to whichever rule a smaller case
// happens to break.
func failRule(t *rapid.T, v Violation, replay string) {
	failAtDepth(t, ruleIndex(v.Rule), v, replay)
}

// failAtDepth calls itself depth times, then fails t.
func failAtDepth(t *rapid.T, depth int, v Violation, replay string) {
	if depth > 0 {
		failAtDepth(t, depth-1, v, replay)
		return
	}
	t.Fatalf("%s\nreplay the last failing run: %s", v, replay)
}

// ruleIndex is the position of rule in the rule table, plus one; 0 for a
// rule the table does not have.
func ruleIndex(rule model.RuleID) int {
	return 1 + slices.IndexFunc(model.Rules(), func(r model.Rule) bool { return r.ID == rule })
}
