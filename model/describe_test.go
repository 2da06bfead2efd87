package model

import "testing"

func TestDescribeOperation(t *testing.T) {
	cases := []struct {
		in   Input
		out  Output
		want string
	}{
		{Input{Kind: TerminateSignal, Thread: 3, Call: 5, Worker: 0}, Output{}, "T3 Terminate#5 w0 signal"},
		{Input{Kind: TerminateReturn, Thread: 3, Call: 5, Worker: 0}, Output{}, "T3 Terminate#5 w0 return"},
		{Input{Kind: TerminateReturn, Thread: 2, Call: 5, Worker: 1, Self: true}, Output{Unknown: true}, "T2 Terminate#5 w1 return -> ? (self)"},
		{Input{Kind: ExReturn, Thread: 3, Call: 7, Worker: 0, Timeout: 250}, Output{Code: WaitTimeout}, "T3 TerminateEx#7 w0 (250ms) -> WAIT_TIMEOUT"},
		{Input{Kind: ExReturn, Thread: 3, Call: 7, Worker: 0, Timeout: Infinite, WaitOnly: true}, Output{}, "T3 TerminateEx#7 w0 (INFINITE, wait only) -> ERROR_SUCCESS"},
		{Input{Kind: ExSignal, Thread: 3, Call: 7, Worker: 2}, Output{}, "T3 TerminateEx#7 w2 signal"},
		{Input{Kind: ExSignal, Thread: 3, Call: 8, Workers: []int{0, 2}}, Output{}, "T3 WorkersTerminate#8 [w0 w2] signal"},
		{Input{Kind: MultiReturn, Thread: 4, Call: 9, Workers: []int{1}, NullEntry: true, Timeout: 0}, Output{Code: ErrorInvalidParameter}, "T4 WorkersTerminate#9 [w1 NULL] (0ms) -> ERROR_INVALID_PARAMETER"},
		{Input{Kind: CheckTerminate, Thread: 2, Worker: 0}, Output{Flag: true}, "T2 Check w0 -> TRUE"},
		{Input{Kind: CheckTerminate, Thread: 2, Worker: 0}, Output{}, "T2 Check w0 -> FALSE"},
		{Input{Kind: Create, Thread: 1, Worker: 3}, Output{Code: ErrorNotEnoughMemory}, "T1 Create w3 -> ERROR_NOT_ENOUGH_MEMORY"},
		{Input{Kind: Create, Thread: 1, Worker: 3}, Output{Unknown: true}, "T1 Create w3 -> ?"},
		{Input{Kind: Exit, Thread: 2, Worker: 0, Tick: 9}, Output{}, "w0 exit"},
	}
	for _, c := range cases {
		if got := describeOperation(c.in, c.out); got != c.want {
			t.Errorf("describeOperation(%v) = %q, want %q", c.in.Kind, got, c.want)
		}
	}
	if got := describeOperation(&cases[0].in, nil); got != cases[0].want {
		t.Errorf("pointer input: %q", got)
	}
	if got := describeOperation("junk", 1); got != "?junk -> 1" {
		t.Errorf("junk input: %q", got)
	}
}

func TestDescribeState(t *testing.T) {
	s := dense(
		worker{created: true, flag: true, exited: true, exitTick: 12, first: 5},
		worker{},
		worker{created: true, aliveAt: 8, signaled: []int{3, 4}},
	)
	want := "w0{created flag exited@12 first=#5} w2{created alive@8 signaled=#3,#4}"
	if got := describeState(s); got != want {
		t.Errorf("describeState = %q, want %q", got, want)
	}
	if got := describeState(state(nil)); got != "(all zero)" {
		t.Errorf("empty state: %q", got)
	}
}

func TestKindAndCodeNames(t *testing.T) {
	kinds := map[Kind]string{
		Create: "Create", CheckTerminate: "CheckTerminate", Exit: "Exit",
		TerminateSignal: "TerminateSignal", TerminateReturn: "TerminateReturn",
		ExSignal: "ExSignal", ExReturn: "ExReturn", MultiReturn: "MultiReturn",
		0: "Kind(0)", 42: "Kind(42)",
	}
	for k, want := range kinds {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", uint8(k), got, want)
		}
	}
	codes := map[uint32]string{
		0: "ERROR_SUCCESS", 8: "ERROR_NOT_ENOUGH_MEMORY", 87: "ERROR_INVALID_PARAMETER",
		258: "WAIT_TIMEOUT", 1131: "ERROR_POSSIBLE_DEADLOCK", 997: "997", Infinite: "4294967295",
	}
	for c, want := range codes {
		if got := CodeName(c); got != want {
			t.Errorf("CodeName(%d) = %q, want %q", c, got, want)
		}
	}
}
