package model

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func ruleIDs() []RuleID {
	return []RuleID{
		"D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10",
		"S1", "S2",
		"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10",
		"LIN", "DEADLOCK", "STEPBOUND", "PANIC", "RACE", "ESCAPE",
	}
}

func TestRuleTable(t *testing.T) {
	rules := Rules()
	var ids []RuleID
	for _, r := range rules {
		ids = append(ids, r.ID)
		if r.Title == "" || r.Source == "" || r.Text == "" {
			t.Errorf("%s: empty Title, Source or Text", r.ID)
		}
		var want Tier
		switch {
		case r.ID == LIN || strings.HasPrefix(string(r.ID), "D") && r.ID != DEADLOCK || strings.HasPrefix(string(r.ID), "S") && r.ID != STEPBOUND:
			want = Documented
		default:
			want = Safe
		}
		if r.Tier != want {
			t.Errorf("%s: tier %v, want %v", r.ID, r.Tier, want)
		}
		isPage := strings.HasPrefix(r.Source, "https://")
		if isPage == (r.Source == sourceSim) {
			t.Errorf("%s: source %q is neither a page nor %q", r.ID, r.Source, sourceSim)
		}
	}
	if !slices.Equal(ids, ruleIDs()) {
		t.Fatalf("rule IDs = %v, want %v", ids, ruleIDs())
	}
}

// TestEngineRules checks the Engine flag: exactly the failures of the run
// itself carry it, and none of them is in the model.
func TestEngineRules(t *testing.T) {
	var engine []RuleID
	for _, r := range Rules() {
		if r.Engine {
			engine = append(engine, r.ID)
			if r.InModel || r.Tier != Safe || r.Source != sourceSim {
				t.Errorf("engine rule %s: InModel %t, tier %v, source %q", r.ID, r.InModel, r.Tier, r.Source)
			}
		}
	}
	if want := []RuleID{DEADLOCK, STEPBOUND, PANIC, ESCAPE}; !slices.Equal(engine, want) {
		t.Errorf("engine rules = %v, want %v", engine, want)
	}
}

func TestRulesReturnsAFreshSlice(t *testing.T) {
	a := Rules()
	a[0].Title = "changed"
	a[0] = Rule{}
	if b := Rules(); b[0].ID != "D1" || b[0].Title == "changed" {
		t.Fatal("modifying one result of Rules changed the next")
	}
}

func TestLookupRule(t *testing.T) {
	for _, id := range ruleIDs() {
		r, ok := LookupRule(id)
		if !ok || r.ID != id {
			t.Errorf("LookupRule(%q) = %v, %t", id, r.ID, ok)
		}
	}
	for _, id := range []RuleID{"", "d1", "D11", "P0", "S3", "lin"} {
		if _, ok := LookupRule(id); ok {
			t.Errorf("LookupRule(%q) found a rule", id)
		}
	}
	if r, _ := LookupRule("P3"); r.Tier != Safe || !r.InModel {
		t.Errorf("P3 = %+v", r)
	}
}

func TestTierString(t *testing.T) {
	for tier, want := range map[Tier]string{Documented: "documented", Safe: "safe", 0: "Tier(0)", 7: "Tier(7)"} {
		if got := tier.String(); got != want {
			t.Errorf("Tier(%d).String() = %q, want %q", int(tier), got, want)
		}
	}
}

// TestDocCoversEveryRule checks that the package documentation states every
// rule of the table, each contract rule with its tier and a source page.
func TestDocCoversEveryRule(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	for _, r := range Rules() {
		var re *regexp.Regexp
		if r.Source == sourceSim {
			re = regexp.MustCompile(`(?m)^//   - ` + string(r.ID) + ` \(` + r.Tier.String() + `\):`)
		} else {
			re = regexp.MustCompile(`(?m)^// ` + string(r.ID) + ` \(` + r.Tier.String() + `; [^)]*https://`)
		}
		if !re.MatchString(doc) {
			t.Errorf("doc.go does not state rule %s with tier %q", r.ID, r.Tier)
		}
		if r.Source != sourceSim && !strings.Contains(doc, r.Source) {
			t.Errorf("doc.go does not cite %s's source %s", r.ID, r.Source)
		}
	}
}

func TestJoinRuleIDs(t *testing.T) {
	for _, c := range []struct {
		ids  []RuleID
		want string
	}{
		{nil, ""},
		{[]RuleID{D5}, "D5"},
		{[]RuleID{P2, LIN, ESCAPE}, "P2, LIN, ESCAPE"},
	} {
		if got := JoinRuleIDs(c.ids, ", "); got != c.want {
			t.Errorf("JoinRuleIDs(%v) = %q, want %q", c.ids, got, c.want)
		}
	}
}
