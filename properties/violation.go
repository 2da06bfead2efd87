package properties

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/model"
	"github.com/clussim/clussim/scheduler"
)

// A Violation is one broken rule in one run. Its message is deterministic
// (no pointers, paths or timings), as rapid's shrinking requires.
type Violation struct {
	// Rule is the rule's ID in the model's rule table: "D5", "P2", "LIN",
	// "DEADLOCK", ...
	Rule string
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
}

// String renders the violation as "RULE (tier): message".
func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s", v.Rule, v.Tier, v.Message)
}

// engineRules are the rules that stand for failures of the run itself; they
// are reported whatever the tier filter, since a crash, a hang or an escape
// is a defect under any reading of the documents.
func engineRule(rule string) bool {
	switch rule {
	case "DEADLOCK", "STEPBOUND", "PANIC", "ESCAPE":
		return true
	}
	return false
}

func newViolation(rule string, tick, step int64, threads []scheduler.ThreadID, format string, args ...any) Violation {
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
		return cmp.Or(cmp.Compare(a.Tick, b.Tick), strings.Compare(a.Rule, b.Rule), strings.Compare(a.Message, b.Message))
	})
	return slices.CompactFunc(vs, func(a, b Violation) bool { return a.Rule == b.Rule && a.Message == b.Message })
}

// filterTier keeps the violations a tier filter admits.
func filterTier(vs []Violation, documentedOnly bool) []Violation {
	if !documentedOnly {
		return vs
	}
	return slices.DeleteFunc(vs, func(v Violation) bool { return v.Tier != model.Documented && !engineRule(v.Rule) })
}
