package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/clussim/clussim/internal/shell"
	"github.com/clussim/clussim/properties"
)

// simrun runs the command line in-process and returns its exit code and
// output.
func simrun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// inTempDir makes a fresh temporary directory the working directory of the
// test, so that commands writing to simrun-traces write there.
func inTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

// tracePath extracts the "trace:" path a command printed.
func tracePath(t *testing.T, stdout string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^\s*trace:\s+(\S+)$`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no trace path in the output:\n%s", stdout)
	}
	return m[1]
}

func TestExitCodes(t *testing.T) {
	inTempDir(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     []string
		stderr     []string
		stderrOnly bool
	}{
		// Top level.
		{"help", []string{"help"}, exitOK, []string{"usage:", "explore", "exit codes"}, nil, false},
		{"--help", []string{"--help"}, exitOK, []string{"usage:"}, nil, false},
		{"help command", []string{"help", "replay"}, exitOK, []string{"usage: simrun replay"}, nil, false},
		{"help unknown", []string{"help", "frob"}, exitUsage, nil, []string{"simrun: unknown command \"frob\"", "list, explore"}, false},
		{"unknown command", []string{"frob"}, exitUsage, nil, []string{"simrun: unknown command \"frob\" (valid: list, explore, replay, shrink, view, check, verify, bench, merge, help)"}, true},
		{"flag before command", []string{"--impl", "x"}, exitUsage, nil, []string{"simrun: unknown flag --impl"}, true},

		// list.
		{"list", []string{"list"}, exitOK, []string{"IMPLEMENTATIONS", "reference", "literal", "SCENARIOS", "racing-terminators", "STRATEGIES", "pct[:DEPTH]", "RULES", "P2", "documented"}, nil, false},
		{"list rules", []string{"list", "rules"}, exitOK, []string{"D7", "Exactly one Terminate caller is first"}, nil, false},
		{"list -h", []string{"list", "-h"}, exitOK, []string{"usage: simrun list"}, nil, false},
		{"list bad section", []string{"list", "frob"}, exitUsage, nil, []string{"simrun: unknown section \"frob\" (valid: impls, scenarios, strategies, rules)"}, true},
		{"list bad flag", []string{"list", "--frob"}, exitUsage, nil, []string{"simrun: list: flag provided but not defined: -frob", "simrun list -h"}, true},

		// explore.
		{"explore -h", []string{"explore", "-h"}, exitOK, []string{"usage: simrun explore", "--keep-going", "--strategy"}, nil, false},
		{"explore --help", []string{"explore", "--help"}, exitOK, []string{"usage: simrun explore"}, nil, false},
		{"explore no impl", []string{"explore"}, exitUsage, nil, []string{"simrun: --impl is required (valid: reference,"}, true},
		{"explore unknown impl", []string{"explore", "--impl", "nope"}, exitUsage, nil, []string{"simrun: unknown implementation \"nope\" (valid: reference, guarded", "literal"}, true},
		{"explore unknown scenario", []string{"explore", "--impl", "literal", "--scenario", "nope"}, exitUsage, nil, []string{"simrun: unknown scenario \"nope\" (valid: resource-dll, racing-terminators"}, true},
		{"explore unknown strategy", []string{"explore", "--impl", "literal", "--strategy", "nope"}, exitUsage, nil, []string{"simrun: properties: unknown strategy \"nope\" (valid: random, pct, pos, urw, dfs, dpor, portfolio)"}, true},
		{"explore bad pct depth", []string{"explore", "--impl", "literal", "--strategy", "pct:x"}, exitUsage, nil, []string{"simrun: properties: strategy \"pct:x\""}, true},
		{"explore unknown tier", []string{"explore", "--impl", "literal", "--tier", "nope"}, exitUsage, nil, []string{"simrun: unknown tier \"nope\" (valid: all, documented)"}, true},
		{"explore bad flag", []string{"explore", "--impl", "literal", "--frob"}, exitUsage, nil, []string{"flag provided but not defined"}, true},
		{"explore bad value", []string{"explore", "--impl", "literal", "--schedules", "many"}, exitUsage, nil, []string{"invalid value \"many\""}, true},
		{"explore extra argument", []string{"explore", "--impl", "literal", "extra"}, exitUsage, nil, []string{"unexpected argument \"extra\""}, true},
		{"explore clean", []string{"explore", "--impl", "reference", "--scenario", "join", "--schedules", "20", "--out", "t1"}, exitOK, []string{"20 schedules", "no rule broken"}, nil, false},
		{"explore dfs exhausts", []string{"explore", "--impl", "reference", "--scenario", "join", "--strategy", "dfs:0", "--out", "t1"}, exitOK, []string{"every schedule within the bound explored"}, nil, false},
		{"explore finds", []string{"explore", "--impl", "bug-check-then-set", "--scenario", "racing-terminators", "--schedules", "200", "--out", "t2"}, exitFailure, []string{"FAIL  D7 (documented tier)", "replay: simrun replay t2/", "stopped at the first"}, nil, false},
		{"explore pct finds", []string{"explore", "--impl", "bug-early-return", "--strategy", "pct:2", "--schedules", "200", "--out", "t3"}, exitFailure, []string{"FAIL  D5"}, nil, false},
		{"explore generated only", []string{"explore", "--impl", "reference", "--scenario", "generated", "--schedules", "30", "--out", "t1"}, exitOK, []string{"generated scenarios", "no rule broken"}, nil, false},
		{"bench bad seeds", []string{"bench", "--seeds", "0"}, exitUsage, nil, []string{"--seeds, --cap and -j must be at least 1"}, true},
		{"bench too many seeds", []string{"bench", "--seeds", "10001"}, exitUsage, nil, []string{"--seeds must be at most"}, true},
		{"bench unknown strategy", []string{"bench", "--strategy", "nope"}, exitUsage, nil, []string{"unknown strategy \"nope\""}, true},
		{"bench one bug", []string{"bench", "--impl", "bug-check-then-set", "--strategy", "random,portfolio", "--seeds", "3", "--cap", "500"}, exitOK, []string{"bug-check-then-set", "portfolio", "3/3"}, nil, false},
		{"bench a miss exits 1", []string{"bench", "--impl", "bug-multi-split-signal", "--strategy", "random", "--seeds", "1", "--cap", "5"}, exitFailure, []string{"0/1", ">5"}, nil, false},
		{"explore gen-SEED", []string{"explore", "--impl", "reference", "--scenario", "gen-7", "--schedules", "5", "--out", "t1"}, exitOK, []string{"scenario gen-7"}, nil, false},

		// replay, shrink, view.
		{"replay -h", []string{"replay", "-h"}, exitOK, []string{"usage: simrun replay", "--width"}, nil, false},
		{"replay no file", []string{"replay"}, exitUsage, nil, []string{"simrun: replay takes exactly one trace file"}, true},
		{"replay two files", []string{"replay", "a.json", "b.json"}, exitUsage, nil, []string{"exactly one trace file"}, true},
		{"replay missing file", []string{"replay", "missing.json"}, exitUsage, nil, []string{"simrun: traces: stat missing.json: no such file"}, true},
		{"shrink -h", []string{"shrink", "-h"}, exitOK, []string{"usage: simrun shrink", "-o OUT"}, nil, false},
		{"shrink no file", []string{"shrink"}, exitUsage, nil, []string{"simrun: shrink takes exactly one trace file"}, true},
		{"shrink unknown rule", []string{"shrink", "--rule", "FOO", "x.json"}, exitUsage, nil, []string{"simrun: unknown rule \"FOO\" (valid: D1, D2"}, true},
		{"shrink bad budget", []string{"shrink", "--budget", "0", "x.json"}, exitUsage, nil, []string{"--budget must be at least 1"}, true},
		{"view -h", []string{"view", "-h"}, exitOK, []string{"usage: simrun view", "--html OUT"}, nil, false},
		{"view no file", []string{"view"}, exitUsage, nil, []string{"simrun: view takes exactly one trace file"}, true},
		{"view missing file", []string{"view", "missing.json"}, exitUsage, nil, []string{"simrun: traces: stat missing.json: no such file"}, true},

		// check.
		{"check -h", []string{"check", "-h"}, exitOK, []string{"usage: simrun check", "--impl NAME"}, nil, false},
		{"help -h", []string{"help", "-h"}, exitOK, []string{"usage:"}, nil, false},
		{"help help", []string{"help", "help"}, exitOK, []string{"usage:"}, nil, false},
		{"did you mean impl", []string{"check", "--impl", "referenc"}, exitUsage, nil, []string{`did you mean "reference"?`}, true},
		{"did you mean command", []string{"explor"}, exitUsage, nil, []string{`did you mean "explore"?`}, true},
		{"check all shrink", []string{"check", "--impl", "all", "--shrink", "10"}, exitUsage, nil, []string{"does not go with --impl all"}, true},
		{"check no impl", []string{"check"}, exitUsage, nil, []string{"simrun: --impl is required (valid: all, reference"}, true},
		{"check unknown impl", []string{"check", "--impl", "nope"}, exitUsage, nil, []string{"simrun: unknown implementation \"nope\" (valid: reference"}, true},
		{"check unknown scenario", []string{"check", "--impl", "reference", "--scenario", "nope"}, exitUsage, nil, []string{"unknown named scenario \"nope\""}, true},
		{"check clean", []string{"check", "--impl", "reference", "--budget", "3", "--scenario", "join,after-exit", "--out", "c1"}, exitOK, []string{"no rule broken", "reference is correct"}, nil, false},
		{"check finds", []string{"check", "--impl", "bug-early-return", "--budget", "20", "--out", "c2"}, exitFailure, []string{"breaks rule D5", "replay: simrun replay c2/", "as expected"}, nil, false},
		{"check documented tier", []string{"check", "--impl", "bug-plain-flag-load", "--tier", "documented", "--budget", "2", "--scenario", "resource-dll", "--out", "c3"}, exitOK, []string{"no rule broken", "which this tier does not check"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := simrun(t, tc.args...)
			if code != tc.code {
				t.Fatalf("simrun %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(tc.args, " "), code, tc.code, stdout, stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tc.stderrOnly && stdout != "" {
				t.Errorf("an error must print nothing on stdout, got:\n%s", stdout)
			}
			if code == exitUsage && tc.stderrOnly && !strings.HasPrefix(stderr, "simrun: ") {
				t.Errorf("errors must start with \"simrun: \", got:\n%s", stderr)
			}
		})
	}
}

func TestExploreReplayShrinkView(t *testing.T) {
	inTempDir(t)
	code, stdout, stderr := simrun(t, "explore", "--impl", "literal", "--scenario", "racing-terminators", "--seed", "19", "--out", "found")
	if code != exitFailure {
		t.Fatalf("explore on literal: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	path := tracePath(t, stdout)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("explore did not write the trace it printed: %v", err)
	}
	if !strings.Contains(stdout, "replay: simrun replay "+path) {
		t.Errorf("explore did not print the replay command:\n%s", stdout)
	}
	rule := regexp.MustCompile(`FAIL  (\S+) \(`).FindStringSubmatch(stdout)[1]

	// replay reproduces the run and shows the rule.
	code, stdout, stderr = simrun(t, "replay", path)
	if code != exitFailure {
		t.Fatalf("replay: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"reproduces the recording exactly", "verdict: FAIL, " + rule, "T0 main", ">>"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("replay output lacks %q:\n%s", want, stdout)
		}
	}
	// Flags may follow the file.
	code, stdout, _ = simrun(t, "replay", path, "--quiet")
	if code != exitFailure || strings.Contains(stdout, "T0 main") || !strings.Contains(stdout, "verdict: FAIL") {
		t.Errorf("replay --quiet: exit %d, output:\n%s", code, stdout)
	}

	// shrink writes a smaller trace that replays.
	code, stdout, stderr = simrun(t, "shrink", "-o", "small.json", path)
	if code != exitOK {
		t.Fatalf("shrink: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"before   after", "decisions", "preemptions", "wrote small.json", "replay: simrun replay small.json"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("shrink output lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, stderr = simrun(t, "replay", "small.json")
	if code != exitFailure || !strings.Contains(stdout, "verdict: FAIL, "+rule) {
		t.Fatalf("replay of the shrunk trace: exit %d\n%s%s", code, stdout, stderr)
	}
	// --rule shrinks for a rule that shows behind the first one.
	code, stdout, stderr = simrun(t, "shrink", "--rule", "P2", "-o", "p2.json", path)
	if code != exitOK || !strings.Contains(stdout, "literal breaks P2 (safe tier)") {
		t.Fatalf("shrink --rule P2: exit %d\n%s%s", code, stdout, stderr)
	}
	// The default output name.
	if code, _, stderr = simrun(t, "shrink", path); code != exitOK {
		t.Fatalf("shrink without -o: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(strings.TrimSuffix(path, ".json") + ".shrunk.json"); err != nil {
		t.Errorf("shrink without -o wrote no FILE.shrunk.json: %v", err)
	}

	// view prints the timeline; --html writes porcupine's page.
	code, stdout, _ = simrun(t, "view", "--width", "20", path)
	if code != exitOK || !strings.Contains(stdout, "tick") || !strings.Contains(stdout, "T0 main") || !strings.Contains(stdout, rule) {
		t.Errorf("view: exit %d, output:\n%s", code, stdout)
	}
	code, stdout, stderr = simrun(t, "view", "--html", "page/trace.html", path)
	if code != exitOK {
		t.Fatalf("view --html: exit %d\n%s%s", code, stdout, stderr)
	}
	page, err := os.ReadFile("page/trace.html")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("<html")) || !bytes.Contains(page, []byte(rule)) {
		t.Errorf("the HTML view lacks <html or the rule %s", rule)
	}
}

func TestExploreIsDeterministic(t *testing.T) {
	inTempDir(t)
	args := func(dir string) []string {
		return []string{"explore", "--impl", "literal", "--keep-going", "--schedules", "300", "--seed", "5", "--out", dir}
	}
	var files [2]map[string][]byte
	for i, dir := range []string{"a", "b"} {
		if code, stdout, stderr := simrun(t, args(dir)...); code != exitFailure {
			t.Fatalf("explore: exit %d\n%s%s", code, stdout, stderr)
		}
		files[i] = map[string][]byte{}
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[i][e.Name()] = b
			if bytes.Contains(b, []byte(dir+"/")) || bytes.Contains(b, []byte(os.TempDir())) {
				t.Errorf("%s holds a path", e.Name())
			}
		}
	}
	if len(files[0]) < 2 || len(files[0]) != len(files[1]) {
		t.Fatalf("the two explorations saved %d and %d traces", len(files[0]), len(files[1]))
	}
	for name, b := range files[0] {
		if !bytes.Equal(b, files[1][name]) {
			t.Errorf("%s differs between two explorations with the same seed", name)
		}
	}
}

func TestExploreStrategiesAreDeterministic(t *testing.T) {
	inTempDir(t)
	for _, strat := range []string{"random", "pct:2", "dfs:1"} {
		var got [2][]byte
		for i := range got {
			dir := "s" + strings.ReplaceAll(strat, ":", "") + string(rune('a'+i))
			code, stdout, stderr := simrun(t, "explore", "--impl", "bug-check-then-set", "--scenario", "racing-terminators",
				"--strategy", strat, "--schedules", "2000", "--out", dir)
			if code != exitFailure {
				t.Fatalf("%s: exit %d\n%s%s", strat, code, stdout, stderr)
			}
			b, err := os.ReadFile(tracePath(t, stdout))
			if err != nil {
				t.Fatal(err)
			}
			got[i] = b
		}
		if !bytes.Equal(got[0], got[1]) {
			t.Errorf("%s: two explorations gave different traces", strat)
		}
	}
}

func TestExploreJSON(t *testing.T) {
	inTempDir(t)
	code, stdout, stderr := simrun(t, "explore", "--impl", "literal", "--scenario", "racing-terminators,self-terminate",
		"--keep-going", "--schedules", "100", "--json", "--out", "j")
	if code != exitFailure {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if stderr != "" {
		t.Errorf("stderr is not a terminal, so it must stay empty, got %q", stderr)
	}
	var sum struct {
		Impl              string         `json:"impl"`
		Schedules         int            `json:"schedules"`
		DistinctHistories int            `json:"distinctHistories"`
		FailingRuns       int            `json:"failingRuns"`
		FailuresByRule    map[string]int `json:"failuresByRule"`
		StoppedBy         string         `json:"stoppedBy"`
		Failures          []struct {
			Rule, Trace, Replay string
		} `json:"failures"`
	}
	if err := json.Unmarshal([]byte(stdout), &sum); err != nil {
		t.Fatalf("--json printed no JSON object: %v\n%s", err, stdout)
	}
	if sum.Impl != "literal" || sum.Schedules != 100 || sum.FailingRuns == 0 || sum.StoppedBy != stopSchedules ||
		len(sum.Failures) == 0 || sum.DistinctHistories == 0 || len(sum.FailuresByRule) == 0 {
		t.Fatalf("unexpected summary: %+v", sum)
	}
	for _, f := range sum.Failures {
		if _, err := os.Stat(f.Trace); err != nil || f.Replay != "simrun replay "+f.Trace {
			t.Errorf("failure %+v: trace missing or replay command wrong (%v)", f, err)
		}
	}
}

func TestMalformedTraces(t *testing.T) {
	inTempDir(t)
	code, stdout, stderr := simrun(t, "explore", "--impl", "bug-early-return", "--scenario", "resource-dll", "--out", "m")
	if code != exitFailure {
		t.Fatalf("explore: exit %d\n%s%s", code, stdout, stderr)
	}
	good, err := os.ReadFile(tracePath(t, stdout))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	edit := func(f func(map[string]any)) []byte {
		var d map[string]any
		if err := json.Unmarshal(good, &d); err != nil {
			t.Fatal(err)
		}
		f(d)
		b, err := json.MarshalIndent(d, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// diverging: a thread decision that names another existing thread, so
	// that the file is well formed but the run cannot follow it.
	diverging := edit(func(d map[string]any) {
		for _, x := range d["decisions"].([]any) {
			dec := x.(map[string]any)
			if dec["kind"] == "thread" {
				dec["value"] = float64(1 - int(dec["value"].(float64))%2)
				return
			}
		}
	})
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "malformed trace: unexpected end of JSON input"},
		{"garbage", []byte("this is not a trace\n"), "malformed trace: invalid character"},
		{"truncated", good[:len(good)/2], "malformed trace: unexpected end of JSON input"},
		{"future version", bytes.Replace(good, []byte(`"version": 1`), []byte(`"version": 2`), 1), "version 2 is newer than this clussim reads (1); upgrade clussim"},
		{"old version", bytes.Replace(good, []byte(`"version": 1`), []byte(`"version": 0`), 1), "unsupported version 0"},
		{"not a trace", []byte(`{"format": "something-else", "version": 1}`), `format is "something-else", not "clussim-trace"`},
		{"tampered tier", edit(func(d map[string]any) { d["config"].(map[string]any)["tier"] = "most" }), `config.tier is "most"`},
		{"unknown impl", edit(func(d map[string]any) { d["impl"] = "nope" }), `recorded with implementation "nope", which is not built into simrun (built in: reference`},
		{"unknown impl command", edit(func(d map[string]any) { d["impl"] = "TestMine/case" }), `go test -run '^TestMine$/^case$' -simrun.replay=`},
		{"diverging", diverging, "diverged at"},
		{"bad scenario", edit(func(d map[string]any) { d["scenario"].(map[string]any)["workers"] = []any{} }), "malformed trace: scenario: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := strings.ReplaceAll(tc.name, " ", "-") + ".json"
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			cmds := [][]string{{"replay", path}, {"shrink", "-o", "out.json", path}}
			if !strings.HasPrefix(tc.name, "unknown impl") && tc.name != "diverging" {
				cmds = append(cmds, []string{"view", path}, []string{"view", "--html", "out.html", path})
			}
			for _, args := range cmds {
				code, stdout, stderr := simrun(t, args...)
				if code != exitUsage {
					t.Errorf("simrun %s: exit %d, want 2\n%s%s", strings.Join(args, " "), code, stdout, stderr)
				}
				if !strings.HasPrefix(stderr, "simrun: ") || !strings.Contains(stderr, tc.want) {
					t.Errorf("simrun %s: stderr %q, want a \"simrun: \" error containing %q", strings.Join(args, " "), stderr, tc.want)
				}
				if w := doubledPrefix(stderr); w != "" {
					t.Errorf("simrun %s: stderr %q says %q twice in a row", strings.Join(args, " "), stderr, w)
				}
			}
		})
	}
}

func TestShrinkRejectsDivergingTrace(t *testing.T) {
	inTempDir(t)
	code, stdout, _ := simrun(t, "explore", "--impl", "bug-early-return", "--scenario", "resource-dll", "--out", "m")
	if code != exitFailure {
		t.Fatal("explore found nothing")
	}
	path := tracePath(t, stdout)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The same run against the implementation without the bug diverges.
	other := bytes.Replace(b, []byte(`"impl": "bug-early-return"`), []byte(`"impl": "reference"`), 1)
	if err := os.WriteFile("other.json", other, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := simrun(t, "shrink", "other.json")
	if code != exitUsage || !strings.Contains(stderr, "diverged") {
		t.Fatalf("shrink of a trace replayed against another implementation: exit %d, %q", code, stderr)
	}
}

func TestListJSON(t *testing.T) {
	code, stdout, _ := simrun(t, "list", "--json")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var out struct {
		Impls []struct {
			Name    string
			Correct bool
			Breaks  []string
		}
		Scenarios  []struct{ Name, Summary string }
		Strategies []struct{ Name string }
		Rules      []struct{ ID, Tier, Title string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Impls) == 0 || len(out.Scenarios) == 0 || len(out.Strategies) != len(properties.StrategyNames()) || len(out.Rules) == 0 {
		t.Fatalf("list --json misses a section: %+v", out)
	}
	for _, s := range out.Scenarios {
		if s.Summary == "" {
			t.Errorf("scenario %s has no summary", s.Name)
		}
	}
}

func TestDefaultRun(t *testing.T) {
	inTempDir(t)
	code, stdout, stderr := simrun(t)
	if code != exitOK {
		t.Fatalf("simrun with no arguments: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"reference  PASS", "literal    FAIL", "tier)", "replay: simrun replay simrun-traces/",
		"OK: every result is what the catalogue expects"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the default run's output lacks %q:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, "\n"); n > 40 {
		t.Errorf("the default run printed %d lines; keep it short", n)
	}
	// The headline trace replays and shows the same rule.
	path := tracePath(t, stdout)
	rule := regexp.MustCompile(`literal breaks (\S+) \(`).FindStringSubmatch(stdout)[1]
	code, out, _ := simrun(t, "replay", "--quiet", path)
	if code != exitFailure || !strings.Contains(out, "verdict: FAIL, "+rule) {
		t.Fatalf("replay of the default run's trace: exit %d\n%s", code, out)
	}
}

func TestParseFlagsAfterArguments(t *testing.T) {
	var errOut bytes.Buffer
	f := newFlags(&env{stdout: &errOut, stderr: &errOut}, "x", "FILE", "about")
	w := f.Int("width", 0, "")
	pos, _, ok := f.parse([]string{"a", "--width", "7", "b", "--", "--c"})
	if !ok || *w != 7 || strings.Join(pos, " ") != "a b --c" {
		t.Fatalf("parse = %v, %v, width %d", pos, ok, *w)
	}
}

func TestHelpers(t *testing.T) {
	if got := plural(1, "history"); got != "1 history" {
		t.Errorf("plural(1) = %q", got)
	}
	if got := plural(2, "history"); got != "2 histories" {
		t.Errorf("plural(2) = %q", got)
	}
	if got := shell.Quote("simrun-traces/a b.json"); got != "'simrun-traces/a b.json'" {
		t.Errorf("shell.Quote = %q", got)
	}
	if got := fileName("lit", "gen-1", "P2", "random-s3"); got != "lit-gen-1-P2-random-s3.json" {
		t.Errorf("fileName = %q", got)
	}
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	if w := wrap("aaa bbb ccc", 8, "  "); w != "  aaa\n  bbb\n  ccc\n" {
		t.Errorf("wrap = %q", w)
	}
}

// The set of distinct histories stops growing at its cap, and the count
// is then reported as a lower bound, so a long exploration keeps bounded
// memory and its summary says so.
func TestDistinctHistoriesCapped(t *testing.T) {
	x := &explorer{seen: map[uint64]struct{}{}}
	for i := range maxDistinctHistories - 1 {
		x.noteHistory(uint64(i))
	}
	if got := x.distinct(); got != fmt.Sprintf("%d distinct histories", maxDistinctHistories-1) {
		t.Fatalf("below the cap: %s", got)
	}
	x.noteHistory(1 << 62)
	x.noteHistory(1 << 63)
	if len(x.seen) != maxDistinctHistories {
		t.Fatalf("the set grew past its cap: %d", len(x.seen))
	}
	if got := x.distinct(); !strings.HasPrefix(got, fmt.Sprintf("at least %d distinct histories", maxDistinctHistories)) {
		t.Fatalf("at the cap: %s", got)
	}
}

// doubledPrefix returns a prefix such as "scenario: " that a message repeats
// at once ("scenario: scenario: ..."), or "".
func doubledPrefix(msg string) string {
	words := strings.Fields(msg)
	for i := 1; i < len(words); i++ {
		if strings.HasSuffix(words[i], ":") && words[i] == words[i-1] {
			return words[i]
		}
	}
	return ""
}
