package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestVerify(t *testing.T) {
	dir := inTempDir(t)
	code, out, errOut := simrun(t, "verify", "--impl", "reference", "--scenario", "reuse,self-terminate", "--bound", "1", "-j", "2")
	if code != exitOK || !strings.Contains(out, "verified: every class of schedules of reuse within preemption bound 1 covered (16 runs, plain DFS would need 24)") ||
		!strings.Contains(out, "reference: 2 of 2 scenarios verified within preemption bound 1") {
		t.Fatalf("verify reference: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = simrun(t, "verify", "--impl", "bug-ex-self-waits", "--scenario", "self-terminate-ex", "--bound", "0", "--out", dir)
	if code != exitFailure || !strings.Contains(out, "FAILED: self-terminate-ex breaks rule P1 within preemption bound 0") || !strings.Contains(out, "replay: simrun replay") {
		t.Fatalf("verify of a bug: exit %d\n%s%s", code, out, errOut)
	}
	trace := tracePath(t, out)
	if !strings.HasSuffix(trace, "-P1-dpor.json") {
		t.Errorf("the trace is named %s, want IMPL-SCENARIO-RULE-dpor.json", trace)
	}
	if code, rout, rerr := simrun(t, "replay", trace); code != exitFailure || !strings.Contains(rout, "P1") {
		t.Fatalf("the failing trace does not replay to its failure: exit %d\n%s%s", code, rout, rerr)
	}
	code, out, _ = simrun(t, "verify", "--impl", "reference", "--scenario", "join", "--bound", "none", "--runs", "4")
	if code != exitOK || !strings.Contains(out, "not verified: join: ") || !strings.Contains(out, "with any number of preemptions") {
		t.Fatalf("verify with a cap too small: exit %d\n%s", code, out)
	}
	for _, bad := range [][]string{
		{"verify"},
		{"verify", "--impl", "nope"},
		{"verify", "--impl", "reference", "--bound", "x"},
		{"verify", "--impl", "reference", "--shard", "3/2"},
		{"verify", "--impl", "reference", "--scenario", "nope"},
		{"merge"},
		{"merge", filepath.Join(dir, "missing.json")},
	} {
		if code, _, _ := simrun(t, bad...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", bad, code, exitUsage)
		}
	}
}

// TestVerifyShardsMerge: the report of a verification run in two shards
// (one given its index, one reading JOB_COMPLETION_INDEX) and merged is the
// unsharded report, byte for byte.
func TestVerifyShardsMerge(t *testing.T) {
	dir := inTempDir(t)
	args := []string{"verify", "--impl", "reference", "--scenario", "reuse,self-terminate,join", "--bound", "1", "--dfs-runs", "200"}
	code, whole, _ := simrun(t, args...)
	if code != exitOK {
		t.Fatalf("unsharded verify: exit %d\n%s", code, whole)
	}
	a, b := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")
	if code, out, errOut := simrun(t, append(args, "--shard", "0/2", "--summary", a)...); code != exitOK {
		t.Fatalf("shard 0: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("JOB_COMPLETION_INDEX", "1")
	if code, out, errOut := simrun(t, append(args, "--shard", "/2", "--summary", b)...); code != exitOK {
		t.Fatalf("shard 1: exit %d\n%s%s", code, out, errOut)
	}
	code, merged, errOut := simrun(t, "merge", b, a)
	if code != exitOK || merged != whole {
		t.Fatalf("merge: exit %d\n%s%s\nwant\n%s", code, merged, errOut, whole)
	}
	if code, _, _ := simrun(t, "merge", a); code != exitUsage {
		t.Fatalf("merge of one shard of two: exit %d, want %d", code, exitUsage)
	}
}
