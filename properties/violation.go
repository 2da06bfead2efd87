package properties

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// A Violation is one broken rule in one run. Its message is deterministic
// (no pointers, paths or timings), as rapid's shrinking requires.
type Violation struct {
	// Rule is the rule's ID in the model's rule table: model.D5, model.P2,
	// model.LIN, model.DEADLOCK, ...
	Rule model.RuleID
	// Tier is the rule's tier: documented or safe.
	Tier model.Tier
	// Message says what happened, naming calls, threads and steps.
	Message string
	// Threads are the simulated threads involved.
	Threads []scheduler.ThreadID
	// Tick is the position in the run's log where the violation shows; it
	// orders the violations of a run.
	Tick int64
	// Step is the scheduling step at Tick.
	Step int64
	// Fault is the kind of kernel fault the violation reports (a P2
	// violation for a double close, a wait on a closed handle, ...), or 0
	// when it reports none.
	Fault sim.FaultKind
}

// String renders the violation as "RULE (tier): message".
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s", v.Rule, v.Tier, v.Message)
}

// engineRule reports whether rule stands for a failure of the run itself
// (the rule table's Engine flag); such failures are reported whatever the
// tier filter.
func engineRule(rule model.RuleID) bool {
	r, ok := model.LookupRule(rule)
	return ok && r.Engine
}

// admitted reports whether a tier filter admits rule: every rule, or with
// documentedOnly the documented ones and the failures of the run itself.
func admitted(rule model.RuleID, documentedOnly bool) bool {
	if !documentedOnly {
		return true
	}
	r, ok := model.LookupRule(rule)
	return ok && (r.Engine || r.Tier == model.Documented)
}

func newViolation(rule model.RuleID, tick, step int64, threads []scheduler.ThreadID, format string, args ...any) Violation {
	tier := model.Safe
	if r, ok := model.LookupRule(rule); ok {
		tier = r.Tier
	}
	return Violation{Rule: rule, Tier: tier, Message: fmt.Sprintf(format, args...), Threads: threads, Tick: tick, Step: step}
}

// sortViolations orders violations by where they show, then by rule, and
// drops exact duplicates.
func sortViolations(vs []Violation) []Violation {
	slices.SortStableFunc(vs, func(a, b Violation) int {
		return cmp.Or(cmp.Compare(a.Tick, b.Tick), strings.Compare(string(a.Rule), string(b.Rule)), strings.Compare(a.Message, b.Message))
	})
	return slices.CompactFunc(vs, func(a, b Violation) bool { return a.Rule == b.Rule && a.Message == b.Message })
}

// filterTier keeps the violations a tier filter admits.
func filterTier(vs []Violation, documentedOnly bool) []Violation {
	if !documentedOnly {
		return vs
	}
	return slices.DeleteFunc(vs, func(v Violation) bool { return !admitted(v.Rule, true) })
}

// ruleIDs lists the distinct rules of vs, in order.
func ruleIDs(vs []Violation) []model.RuleID {
	var out []model.RuleID
	for _, v := range vs {
		if !slices.Contains(out, v.Rule) {
			out = append(out, v.Rule)
		}
	}
	return out
}

// Rules lists the distinct rules the run's violations break, in the order
// of the violations (the first violation's rule first).
func (o *Outcome) Rules() []model.RuleID { return ruleIDs(o.Violations) }
