package properties

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/clussim/clussim/traces"
)

// SummaryFormat is the format name of a verification summary file.
const SummaryFormat = "clussim-verify-summary"

// summaryVersion is the version of the summary format.
const summaryVersion = 1

// maxSummaryBytes bounds the size of a summary file simrun merge reads.
const maxSummaryBytes = 256 << 20

// ErrSummary is wrapped by every error about a summary file that cannot be
// used: malformed, of another format, or not part of the same
// verification as the others.
var ErrSummary = errors.New("properties: bad summary")

// A Summary is what one shard of a verification found, in a form that
// [MergeSummaries] combines with the other shards' into the summary of the
// whole verification. Everything in it is deterministic (no times, no host
// names), so the merged summary and its report are the same bytes however
// many shards there were.
type Summary struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Impl names the implementation; Bound is the preemption bound (-1:
	// none); Runs the per-scenario cap.
	Impl  string `json:"impl"`
	Bound int    `json:"bound"`
	Runs  int    `json:"runs"`
	// Scenarios names every scenario of the verification, in job order.
	Scenarios []string `json:"scenarios"`
	// KeepGoing: every scenario was verified, not only those up to the
	// first failure.
	KeepGoing bool `json:"keepGoing"`
	// Shard is "i/n" for a shard's summary and "all" for a merged one.
	Shard string `json:"shard"`
	// Results holds the scenarios this summary covers, in job order.
	Results []SummaryResult `json:"results"`
}

// SummaryResult is one scenario's verification in a [Summary].
type SummaryResult struct {
	Job          int     `json:"job"`
	Scenario     string  `json:"scenario"`
	Complete     bool    `json:"complete"`
	Classes      int     `json:"classes"`
	Runs         int     `json:"runs"`
	DFS          float64 `json:"dfs"`
	DFSExact     bool    `json:"dfsExact"`
	DFSAtLeast   int     `json:"dfsAtLeast"`
	LinUndecided int     `json:"linUndecided"`
	// Rule and Message describe the first failure; Trace is the failing
	// run's trace, as a trace file holds it.
	Rule    string          `json:"rule,omitempty"`
	Message string          `json:"message,omitempty"`
	Trace   json.RawMessage `json:"trace,omitempty"`
}

// NewSummary returns the summary of a verification's shard: vs is what
// [Verify] returned for scenarios (nil entries are not this shard's).
func NewSummary(impl string, scenarios []string, o VerifyOptions, vs []*Verification) (*Summary, error) {
	s := &Summary{Format: SummaryFormat, Version: summaryVersion, Impl: impl, Bound: max(o.Bound, -1), Runs: o.Runs,
		Scenarios: slices.Clone(scenarios), KeepGoing: o.KeepGoing, Shard: o.Shard.String(), Results: []SummaryResult{}}
	if s.Runs <= 0 {
		s.Runs = DefaultVerifyRuns
	}
	for j, v := range vs {
		if v == nil {
			continue
		}
		r := SummaryResult{Job: j, Scenario: v.Scenario, Complete: v.Complete, Classes: v.Classes, Runs: v.Runs,
			DFS: v.DFS, DFSExact: v.DFSExact, DFSAtLeast: v.DFSAtLeast, LinUndecided: v.LinUndecided}
		if f := v.Failure; f != nil {
			first := f.First()
			r.Rule, r.Message = string(first.Rule), first.Message
			b, err := f.Trace(impl, v.Strategy, o.MaxSteps, o.DocumentedOnly).Marshal()
			if err != nil {
				return nil, err
			}
			r.Trace = b
		}
		s.Results = append(s.Results, r)
	}
	return s, nil
}

// Marshal encodes the summary as indented JSON.
func (s *Summary) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteFile writes the summary to path atomically (see
// traces.WriteFileAtomic).
func (s *Summary) WriteFile(path string) error {
	b, err := s.Marshal()
	if err != nil {
		return err
	}
	return traces.WriteFileAtomic(path, b)
}

// ReadSummary reads and checks a summary file.
func ReadSummary(path string) (*Summary, error) {
	b, err := traces.ReadRegularFile(path, maxSummaryBytes)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var s Summary
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSummary, path, err)
	}
	if s.Format != SummaryFormat || s.Version != summaryVersion {
		return nil, fmt.Errorf("%w: %s is not a %s file of version %d", ErrSummary, path, SummaryFormat, summaryVersion)
	}
	for _, r := range s.Results {
		if r.Job < 0 || r.Job >= len(s.Scenarios) || s.Scenarios[r.Job] != r.Scenario {
			return nil, fmt.Errorf("%w: %s: result for job %d (%q) does not match its scenario list", ErrSummary, path, r.Job, r.Scenario)
		}
	}
	return &s, nil
}

// MergeSummaries combines the summaries of every shard of one verification
// into the summary of the whole: the same implementation, bound, cap and
// scenarios, and together every scenario exactly once (up to the first
// failure unless KeepGoing). The merged summary is the one a single shard
// would have written, byte for byte.
func MergeSummaries(parts []*Summary) (*Summary, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("%w: no summaries to merge", ErrSummary)
	}
	first := parts[0]
	out := &Summary{Format: SummaryFormat, Version: summaryVersion, Impl: first.Impl, Bound: first.Bound, Runs: first.Runs,
		Scenarios: first.Scenarios, KeepGoing: first.KeepGoing, Shard: Shard{}.String()}
	byJob := make([]*SummaryResult, len(first.Scenarios))
	for _, p := range parts {
		if p.Impl != first.Impl || p.Bound != first.Bound || p.Runs != first.Runs || p.KeepGoing != first.KeepGoing ||
			!slices.Equal(p.Scenarios, first.Scenarios) {
			return nil, fmt.Errorf("%w: shard %s is not part of the same verification as shard %s", ErrSummary, p.Shard, first.Shard)
		}
		for i := range p.Results {
			r := &p.Results[i]
			if byJob[r.Job] != nil {
				return nil, fmt.Errorf("%w: scenario %s is in two summaries", ErrSummary, r.Scenario)
			}
			byJob[r.Job] = r
		}
	}
	out.Results = []SummaryResult{}
	for j, r := range byJob {
		if r == nil {
			return nil, fmt.Errorf("%w: no summary has scenario %s (job %d): a shard is missing, or stopped at a failure of its own",
				ErrSummary, first.Scenarios[j], j)
		}
		out.Results = append(out.Results, *r)
		if r.Rule != "" && !first.KeepGoing {
			break
		}
	}
	return out, nil
}

// complete reports whether the summary covers every scenario, or every one
// up to a failure.
func (s *Summary) complete() bool {
	if len(s.Results) == len(s.Scenarios) {
		return true
	}
	return len(s.Results) > 0 && s.Results[len(s.Results)-1].Rule != ""
}

// Failed reports whether a scenario failed verification.
func (s *Summary) Failed() bool {
	for _, r := range s.Results {
		if r.Rule != "" {
			return true
		}
	}
	return false
}

// Report renders the summary as simrun verify prints it: one line per
// scenario, then the total.
func (s *Summary) Report() string {
	var b strings.Builder
	for _, r := range s.Results {
		v := Verification{Scenario: r.Scenario, Bound: s.Bound, Complete: r.Complete, Classes: r.Classes, Runs: r.Runs,
			DFS: r.DFS, DFSExact: r.DFSExact, DFSAtLeast: r.DFSAtLeast, LinUndecided: r.LinUndecided}
		line := v.Claim()
		if r.Rule != "" {
			line = failedLine(r.Scenario, r.Rule, v.within(), r.Runs, r.Message)
		}
		fmt.Fprintln(&b, line)
	}
	b.WriteString(s.Total())
	return b.String()
}

// Total is the last line of the report: how many scenarios were verified,
// and the classes and runs it took.
func (s *Summary) Total() string {
	verified := 0
	classes, runs := 0, 0
	for _, r := range s.Results {
		if r.Complete && r.Rule == "" && r.LinUndecided == 0 {
			verified++
		}
		classes += r.Classes
		runs += r.Runs
	}
	var b strings.Builder
	state := ""
	if !s.complete() {
		state = " (some shards' results are missing)"
	}
	counts := fmt.Sprintf("%d classes, %d runs", classes, runs)
	if s.Bound >= 0 {
		counts = fmt.Sprintf("%d runs", runs)
	}
	fmt.Fprintf(&b, "%s: %d of %d scenarios verified %s; %s%s\n", s.Impl, verified, len(s.Scenarios),
		(&Verification{Bound: s.Bound}).within(), counts, state)
	return b.String()
}

// within renders the bound as the claim states it.
func (v *Verification) within() string {
	if v.Bound >= 0 {
		return fmt.Sprintf("within preemption bound %d", v.Bound)
	}
	return "with any number of preemptions"
}
