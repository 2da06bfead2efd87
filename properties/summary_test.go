package properties

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	"github.com/clussim/clussim/sim/impls"
	"github.com/clussim/clussim/sim/scenario"
)

func scenariosNamed(t *testing.T, names ...string) []scenario.Scenario {
	t.Helper()
	var out []scenario.Scenario
	for _, n := range names {
		s, ok := scenario.Lookup(n)
		if !ok {
			t.Fatalf("no scenario %s", n)
		}
		out = append(out, s)
	}
	return out
}

// shardedSummary verifies scenarios in n shards, each written to a file and
// read back, and returns the merged summary's bytes and report.
func shardedSummary(t *testing.T, impl string, scns []scenario.Scenario, n, parallel int) ([]byte, string) {
	t.Helper()
	e, ok := impls.Lookup(impl)
	if !ok {
		t.Fatalf("no implementation %s", impl)
	}
	var names []string
	for _, s := range scns {
		names = append(names, s.Name)
	}
	dir := t.TempDir()
	var parts []*Summary
	for i := range n {
		o := VerifyOptions{Bound: 1, Runs: 2000, DFSRuns: 500, Parallel: parallel, Shard: Shard{Index: i, Count: n}}
		vs, err := Verify(e.New, scns, o)
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewSummary(impl, names, o, vs)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "shard.json")
		if err := s.WriteFile(path); err != nil {
			t.Fatal(err)
		}
		back, err := ReadSummary(path)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, back)
	}
	m, err := MergeSummaries(parts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b, m.Report()
}

// TestShardsMergeToTheSameBytes: a verification split in 1, 2 or 4 shards,
// each on 1 or 3 goroutines, merges to the same summary and report, byte
// for byte, for a correct implementation and for one that fails (where
// the merged report stops at the first failing scenario).
func TestShardsMergeToTheSameBytes(t *testing.T) {
	scns := scenariosNamed(t, "reuse", "self-terminate", "join", "self-terminate-ex", "reuse-eager")
	for _, impl := range []string{"reference", "bug-ex-self-waits"} {
		want, wantReport := shardedSummary(t, impl, scns, 1, 1)
		for _, n := range []int{2, 4} {
			for _, par := range []int{1, 3} {
				got, report := shardedSummary(t, impl, scns, n, par)
				if !bytes.Equal(got, want) || report != wantReport {
					t.Fatalf("%s: %d shards on %d goroutines merge to\n%s\nnot\n%s", impl, n, par, report, wantReport)
				}
			}
		}
		t.Logf("%s:\n%s", impl, wantReport)
	}
}

func TestMergeRefusesWhatIsNotOneVerification(t *testing.T) {
	a := &Summary{Format: SummaryFormat, Version: summaryVersion, Impl: "reference", Bound: 1, Runs: 10,
		Scenarios: []string{"join", "reuse"}, Shard: "0/2", Results: []SummaryResult{{Job: 0, Scenario: "join", Complete: true}}}
	b := *a
	b.Shard, b.Results = "1/2", []SummaryResult{{Job: 1, Scenario: "reuse", Complete: true}}
	other := b
	other.Bound = 2
	for name, parts := range map[string][]*Summary{
		"missing shard":  {a},
		"twice":          {a, a},
		"other bound":    {a, &other},
		"no summary":     nil,
		"correct (none)": {a, &b},
	} {
		_, err := MergeSummaries(parts)
		if name == "correct (none)" {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if !errors.Is(err, ErrSummary) {
			t.Errorf("%s: got %v, want ErrSummary", name, err)
		}
	}
}

func TestParseShard(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == ShardIndexEnv {
				return v
			}
			return ""
		}
	}
	cases := []struct {
		spec, env string
		want      Shard
		ok        bool
	}{
		{"1/4", "", Shard{1, 4}, true},
		{"0/1", "", Shard{0, 1}, true},
		{"/4", "3", Shard{3, 4}, true},
		{"4", "2", Shard{2, 4}, true},
		{"/4", "", Shard{}, false},
		{"4/4", "", Shard{}, false},
		{"-1/4", "", Shard{}, false},
		{"1/0", "", Shard{}, false},
		{"x/4", "", Shard{}, false},
		{"1/4x", "", Shard{}, false},
		{"/4", "9", Shard{}, false},
	}
	for _, c := range cases {
		got, err := ParseShard(c.spec, env(c.env))
		if c.ok != (err == nil) || c.ok && got != c.want {
			t.Errorf("ParseShard(%q) with index %q = %v, %v", c.spec, c.env, got, err)
		}
		if err != nil && !errors.Is(err, ErrShard) {
			t.Errorf("ParseShard(%q): %v does not wrap ErrShard", c.spec, err)
		}
	}
}
