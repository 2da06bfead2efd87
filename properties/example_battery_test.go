package properties_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/impls"
)

// An implementer's whole test file is
//
//	func TestMyWorker(t *testing.T) {
//		properties.Check(t, func() sim.WorkerAPI { return &myImpl{} })
//	}
//
// Battery is the same battery (without rapid) for code that has no
// testing.T, such as the command line.
func ExampleBattery() {
	rep, err := properties.Battery("reference", func() sim.WorkerAPI { return impls.NewReference() },
		properties.Budget(2), properties.Scenarios("racing-terminators", "join"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep)
	// Output:
	// reference: 2 named scenarios, 8 generated ones, 36 runs: no rule broken; none of the named scenarios was fully verified within preemption bound 1 in the budget (all sampled)
}

// A buggy implementation fails with the rule it breaks.
func ExampleBattery_failure() {
	early, _ := impls.Lookup("bug-early-return")
	rep, _ := properties.Battery(early.Name, early.New, properties.Budget(5),
		properties.Scenarios("racing-terminators"), properties.TraceDir(filepath.Join(os.TempDir(), "clussim-example")))
	v := rep.Failure.First()
	fmt.Println(v.Rule, v.Tier)
	// Output:
	// D5 documented
}
