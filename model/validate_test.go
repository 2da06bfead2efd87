package model

import (
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
)

func TestValidateAcceptsWellFormed(t *testing.T) {
	h := hist(
		create(0, 1, 2, ErrorSuccess), create(1, 3, 4, ErrorSuccess),
		workersTerminate([]int{0, 1}, 1, 5, 12, WaitTimeout, exArgs{timeout: 300, deadline: 10}),
		workersTerminate([]int{0, 1}, 2, 6, 13, ErrorSuccess, exArgs{timeout: Infinite, atomic: true}),
		terminateEx(0, 3, 7, pending, 0, exArgs{timeout: Infinite}),
		exit(0, 8), exit(1, 14),
	)
	if err := Validate(h); err != nil {
		t.Fatal(err)
	}
	if err := Validate(nil); err != nil {
		t.Fatalf("empty history: %v", err)
	}
}

func TestValidateRejectsMalformed(t *testing.T) {
	raw := func(in, out interface{}, call, ret int64) []porcupine.Operation {
		return []porcupine.Operation{{Input: in, Output: out, Call: call, Return: ret}}
	}
	sig := func(kind Kind, id, w int, call, ret int64) []porcupine.Operation {
		return raw(Input{Kind: kind, Call: id, Worker: w}, nil, call, ret)
	}
	cases := []struct {
		name string
		h    []porcupine.Operation
		want string
	}{
		{"input type", raw("x", nil, 1, 2), "Input is string"},
		{"output type", raw(Input{Kind: Create, Call: 1}, 7, 1, 2), "Output is int"},
		{"kind", raw(Input{Kind: 0, Call: 1}, nil, 1, 2), "unknown Kind"},
		{"worker", raw(Input{Kind: Create, Call: 1, Worker: -1}, nil, 1, 2), "Worker -1"},
		{"workers entry", raw(Input{Kind: MultiReturn, Call: 1, Workers: []int{MaxWorkers}}, nil, 1, 2), "Workers entry"},
		{"workers on create", raw(Input{Kind: Create, Call: 1, Workers: []int{0}}, nil, 1, 2), "Workers set"},
		{"null entry on ExReturn", raw(Input{Kind: ExReturn, Call: 1, NullEntry: true, WaitOnly: true}, nil, 1, 2), "NullEntry set"},
		{"interval", raw(Input{Kind: Create, Call: 1}, nil, 3, 2), "after Return"},
		{"exit ticks", raw(Input{Kind: Exit, Tick: 4}, nil, 3, 4), "Exit needs"},
		{"call id", raw(Input{Kind: Create}, nil, 1, 2), "not positive"},
		{"duplicate id", hist(raw(Input{Kind: Create, Call: 5}, nil, 1, 2), raw(Input{Kind: CheckTerminate, Call: 5}, nil, 3, 4)), "already used"},
		{"deadline outside", raw(Input{Kind: ExReturn, Call: 1, WaitOnly: true, Timeout: 5, DeadlineTick: 9}, nil, 1, 2), "outside"},
		{"deadline with INFINITE", raw(Input{Kind: ExReturn, Call: 1, WaitOnly: true, Timeout: Infinite, DeadlineTick: 2}, nil, 1, 3), "INFINITE"},
		{"unknown too early", hist(raw(Input{Kind: CheckTerminate, Call: 1}, Output{Unknown: true}, 1, 5), exit(0, 6)), "not after"},
		{"return without signal", sig(TerminateReturn, 1, 0, 1, 2), "no signal half"},
		{"ExReturn without signal", sig(ExReturn, 1, 0, 1, 2), "no signal half"},
		{"signal without return", sig(TerminateSignal, 1, 0, 1, 2), "no return half"},
		{"signal on wait-only", hist(sig(ExSignal, 1, 0, 1, 2), raw(Input{Kind: ExReturn, Call: 1, WaitOnly: true}, nil, 1, 2)), "ends with"},
		{"signal kinds crossed", hist(sig(TerminateSignal, 1, 0, 1, 2), sig(ExReturn, 1, 0, 1, 2)), "ends with"},
		{"interval mismatch", hist(sig(TerminateSignal, 1, 0, 1, 3), sig(TerminateReturn, 1, 0, 1, 2)), "spans"},
		{"wrong worker", hist(sig(TerminateSignal, 1, 1, 1, 2), sig(TerminateReturn, 1, 0, 1, 2)), "signals workers"},
		{"multi missing a worker", hist(sig(ExSignal, 1, 0, 1, 2),
			raw(Input{Kind: MultiReturn, Call: 1, Workers: []int{0, 1}}, nil, 1, 2)), "signals workers"},
		{"multi with NULL entry signals", hist(sig(ExSignal, 1, 0, 1, 2),
			raw(Input{Kind: MultiReturn, Call: 1, Workers: []int{0}, NullEntry: true}, nil, 1, 2)), "ends with"},
		{"multi without signals", raw(Input{Kind: MultiReturn, Call: 1, Workers: []int{0}}, nil, 1, 2), "no signal half"},
	}
	for _, c := range cases {
		err := Validate(c.h)
		if err == nil {
			t.Errorf("%s: Validate accepted a malformed history", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q does not mention %q", c.name, err, c.want)
		}
	}
}
