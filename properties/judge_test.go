package properties

import (
	"strings"
	"testing"

	"github.com/clussim/clussim/model"
)

func TestJudge(t *testing.T) {
	pass := &Report{Impl: "x", Runs: 10}
	fail := func(rules ...model.RuleID) *Report {
		o := &Outcome{}
		for _, r := range rules {
			o.Violations = append(o.Violations, Violation{Rule: r})
		}
		return &Report{Impl: "x", Runs: 3, Failure: o}
	}
	for _, tc := range []struct {
		name       string
		want       Expectation
		rep        *Report
		documented bool
		ok         bool
		why        string
	}{
		{"correct passes", Expectation{Name: "ref", Correct: true}, pass, false, true, "is correct"},
		{"correct fails", Expectation{Name: "ref", Correct: true}, fail("D5"), false, false, "listed as correct but breaks D5"},
		{"bug caught", Expectation{Name: "b", Breaks: []model.RuleID{"D7", "P5"}}, fail("D7"), false, true, "as expected"},
		{"bug caught by a later violation", Expectation{Name: "b", Breaks: []model.RuleID{"P5"}}, fail("D7", "P5"), false, true, "D7 P5 found"},
		{"bug breaks something else", Expectation{Name: "b", Breaks: []model.RuleID{"P5"}}, fail("D3"), false, false, "but the failing run breaks D3"},
		{"bug missed", Expectation{Name: "b", Breaks: []model.RuleID{"P5"}}, pass, false, false, "found no failure in 10 runs"},
		{"safe-only bug under documented", Expectation{Name: "b", Breaks: []model.RuleID{"P5", "RACE"}}, pass, true, true, "which this tier does not check"},
		{"engine rule under documented", Expectation{Name: "b", Breaks: []model.RuleID{"P1", "DEADLOCK"}}, pass, true, false, "should break DEADLOCK"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := Judge(tc.want, tc.rep, tc.documented)
			if j.AsExpected != tc.ok || !strings.Contains(j.Why, tc.why) {
				t.Fatalf("Judge = %v %q; want %v and %q", j.AsExpected, j.Why, tc.ok, tc.why)
			}
		})
	}
}
