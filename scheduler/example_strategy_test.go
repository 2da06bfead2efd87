package scheduler_test

import (
	"fmt"

	"github.com/clussim/clussim/scheduler"
)

// lostUpdate returns a program in which two tasks increment a counter
// without a lock, reading it in one step and writing it in the next, and a
// pointer to the counter, to read after the run.
func lostUpdate() (func(*scheduler.Task), *int) {
	counter := new(int)
	program := func(t *scheduler.Task) {
		*counter = 0
		inc := func(t *scheduler.Task) {
			t.Step(t.Intern("read"), 0, 0, 0)
			v := *counter
			t.Step(t.Intern("write"), int64(v+1), 0, 0)
			*counter = v + 1
		}
		t.Spawn("a", inc)
		t.Spawn("b", inc)
	}
	return program, counter
}

// ExampleDFS explores every schedule of the lost-update program with at
// most one preemption and counts those that lose an increment.
func ExampleDFS() {
	program, counter := lostUpdate()
	e := scheduler.New(scheduler.Config{})
	d := scheduler.NewDFS(1)
	lost := 0
	for !d.Done() {
		if r := e.Run(d, program); r.Failure != nil {
			fmt.Println(r.Failure)
			return
		}
		if *counter != 2 {
			lost++
		}
	}
	fmt.Printf("%d schedules, %d lose an update\n", d.Runs(), lost)
	// Output: 6 schedules, 2 lose an update
}

// ExamplePCT runs the lost-update program under PCT until a run loses an
// increment, then replays that run from its decisions.
func ExamplePCT() {
	program, counter := lostUpdate()
	e := scheduler.New(scheduler.Config{})
	p, err := scheduler.NewPCT(1, 2, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for run := 1; run <= 100; run++ {
		r := e.Run(p, program)
		if r.Failure != nil {
			fmt.Println(r.Failure)
			return
		}
		if *counter != 2 {
			fmt.Printf("run %d lost an update\n", run)
			decisions := append([]scheduler.Decision(nil), r.Decisions...)
			e.Run(scheduler.NewReplay(decisions), program)
			fmt.Printf("its replay ends with the counter at %d\n", *counter)
			return
		}
	}
	fmt.Println("no lost update in 100 runs")
	// Output:
	// run 8 lost an update
	// its replay ends with the counter at 1
}
