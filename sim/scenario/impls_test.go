package scenario_test

import "clussim/sim/impls"

// The correct implementations of package impls (the reference and its
// alternatives) must complete every scenario too.
func init() {
	for _, e := range impls.All() {
		if e.Correct {
			correctImpls = append(correctImpls, implementation{name: e.Name, newAPI: e.New})
		}
	}
}
