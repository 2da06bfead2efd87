package properties_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/clussim/clussim/properties"
	"github.com/clussim/clussim/sim"
)

// exchangeFirst is a small implementation of the five functions, as an
// implementer would write it against package sim: an interlocked exchange
// elects the first Terminate caller, which waits for the thread and closes
// its handle. It looks right, and is not: ClusWorkersTerminate gives every
// worker the whole timeout in turn, so with several workers the call can
// wait several times as long as it was told to (rule D9: one overall
// timeout). It has a second bug the battery would find next: TerminateEx
// closes the handle it read without taking it out of the struct first, so
// two concurrent callers can close it twice (rule P2).
type exchangeFirst struct{}

func (exchangeFirst) Create(t *sim.Thread, w *sim.ClusWorker, start sim.StartRoutine, param any) uint32 {
	w.Terminate.AtomicStore(t, false)
	h, err := t.CreateThread(func(wt *sim.Thread) uint32 { return start(wt, w, param) })
	w.HThread.AtomicStore(t, h)
	return err
}

func (exchangeFirst) CheckTerminate(t *sim.Thread, w *sim.ClusWorker) bool {
	return w.Terminate.AtomicLoad(t)
}

func (exchangeFirst) Terminate(t *sim.Thread, w *sim.ClusWorker) {
	if w.Terminate.Swap(t, true) {
		return // not the first caller
	}
	if h := w.HThread.Swap(t, 0); h != 0 {
		t.WaitForSingleObject(h, sim.Infinite)
		t.CloseHandle(h)
	}
}

func (exchangeFirst) TerminateEx(t *sim.Thread, w *sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	h := w.HThread.AtomicLoad(t)
	if h == 0 {
		return sim.ErrorSuccess
	}
	if !waitOnly {
		w.Terminate.AtomicStore(t, true)
	}
	if t.WaitForSingleObject(h, timeoutMs) == sim.WaitTimeout {
		return sim.WaitTimeout
	}
	t.CloseHandle(h) // the second bug: h is still in the struct for another caller
	w.HThread.AtomicStore(t, 0)
	return sim.ErrorSuccess
}

func (e exchangeFirst) WorkersTerminate(t *sim.Thread, ws []*sim.ClusWorker, timeoutMs uint32, waitOnly bool) uint32 {
	for _, w := range ws {
		if w == nil {
			return sim.ErrorInvalidParameter
		}
	}
	for _, w := range ws {
		if !waitOnly {
			w.Terminate.AtomicStore(t, true)
		}
	}
	for _, w := range ws {
		// The first bug: each worker gets the whole timeout.
		if rc := e.TerminateEx(t, w, timeoutMs, true); rc != sim.ErrorSuccess {
			return rc
		}
	}
	return sim.ErrorSuccess
}

// In a test of your own module, the whole test is
//
//	func TestExchangeFirst(t *testing.T) {
//		properties.Check(t, func() sim.WorkerAPI { return exchangeFirst{} })
//	}
//
// and go test fails it with the rule, a saved trace and the command that
// replays it. Here the same battery runs through Battery, which needs no
// testing.T.
func ExampleCheck() {
	rep, err := properties.Battery("exchange-first", func() sim.WorkerAPI { return exchangeFirst{} },
		properties.TraceDir(filepath.Join(os.TempDir(), "clussim-example")))
	if err != nil {
		fmt.Println(err)
		return
	}
	v := rep.Failure.First()
	fmt.Println(v.Rule, v.Tier, rep.Failure.Scenario.Name)
	// Output:
	// D9 documented multi-timeout
}
