package main

import (
	"fmt"

	"github.com/clussim/clussim/properties"
)

const mergeAbout = `
Combine the summaries that the shards of one "simrun verify --shard i/n
--summary FILE" wrote into the report of the whole verification, the same
bytes however many shards there were. With -o, also write the merged
summary.

Exit status: 0 when every scenario the summaries cover was verified or ran
out of runs without a failure, 1 when one failed, 2 on a usage error (a
missing shard, summaries of different verifications).`

// runMerge is "simrun merge".
func runMerge(e *env, args []string) int {
	f := newFlags(e, "merge", "[-o OUT] SUMMARY...", mergeAbout)
	out := f.String("o", "", "write the merged summary to `FILE`")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return e.usageError("merge", "give the summary files of every shard")
	}
	var parts []*properties.Summary
	for _, p := range pos {
		s, err := properties.ReadSummary(p)
		if err != nil {
			return e.usageError("merge", "%v", err)
		}
		parts = append(parts, s)
	}
	merged, err := properties.MergeSummaries(parts)
	if err != nil {
		return e.usageError("merge", "%v", err)
	}
	if *out != "" {
		if err := merged.WriteFile(*out); err != nil {
			return e.errorf("merge: %v", err)
		}
	}
	fmt.Fprint(e.stdout, merged.Report())
	if merged.Failed() {
		return exitFailure
	}
	return exitOK
}
