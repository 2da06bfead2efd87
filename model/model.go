package model

import (
	"sort"

	"github.com/anishathalye/porcupine"
)

// New returns the porcupine model of the CLUS_WORKER functions: the
// sequential specification that a history of Operations whose Input is an
// Input and whose Output is an Output must be linearizable against (rule
// LIN). The package documentation states the rules it encodes.
//
// The model is built from a porcupine.NondeterministicModel; its Step is pure
// and never panics, and it sets Equal, Hash, Partition, DescribeOperation and
// DescribeState.
func New() porcupine.Model {
	nm := porcupine.NondeterministicModel{
		Partition:         partition,
		Init:              func() []interface{} { return []interface{}{state(nil)} },
		Step:              step,
		Equal:             equalStates,
		Hash:              hashState,
		DescribeOperation: describeOperation,
		DescribeState:     describeState,
	}
	return nm.ToModel()
}

// Check reports whether history is linearizable against New(). It runs
// without a timeout, so the result is always porcupine.Ok or
// porcupine.Illegal, never porcupine.Unknown.
func Check(history []porcupine.Operation) porcupine.CheckResult {
	return porcupine.CheckOperationsTimeout(New(), history, 0)
}

// CheckVerbose is Check that also returns the linearization information for
// porcupine.Visualize (with New() as the model) and for annotations.
func CheckVerbose(history []porcupine.Operation) (porcupine.CheckResult, porcupine.LinearizationInfo) {
	return porcupine.CheckOperationsVerbose(New(), history, 0)
}

// partition splits a history by worker when no operation spans several
// workers (a MultiReturn, or an ExSignal with Workers); otherwise it keeps
// one partition. Partitions come out in increasing worker order, each in
// history order.
func partition(history []porcupine.Operation) [][]porcupine.Operation {
	byWorker := make(map[int][]porcupine.Operation)
	for _, op := range history {
		in, ok := inputOf(op.Input)
		if !ok || in.Kind == MultiReturn || len(in.Workers) > 0 {
			return [][]porcupine.Operation{history}
		}
		byWorker[in.Worker] = append(byWorker[in.Worker], op)
	}
	keys := make([]int, 0, len(byWorker))
	for k := range byWorker {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([][]porcupine.Operation, 0, len(keys))
	for _, k := range keys {
		out = append(out, byWorker[k])
	}
	return out
}
