package properties

import (
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// HistoryHash tells histories apart by the order of calls and returns and
// by their results, and not by ticks nobody observes.
func TestHistoryHash(t *testing.T) {
	call := func(id int, kind sim.CallKind, th scheduler.ThreadID, callTick, retTick int64, result uint32) sim.Call {
		return sim.Call{ID: id, Kind: kind, Thread: th, Worker: 0, CallTick: callTick, ReturnTick: retTick, Returned: true, Result: result}
	}
	base := []sim.Call{call(1, sim.CallTerminate, 1, 10, 20, 0), call(2, sim.CallTerminate, 2, 12, 30, 0)}
	shifted := []sim.Call{call(1, sim.CallTerminate, 1, 15, 25, 0), call(2, sim.CallTerminate, 2, 17, 40, 0)}
	swapped := []sim.Call{call(1, sim.CallTerminate, 1, 10, 35, 0), call(2, sim.CallTerminate, 2, 12, 30, 0)}
	other := []sim.Call{call(1, sim.CallTerminate, 1, 10, 20, 0), call(2, sim.CallTerminateEx, 2, 12, 30, 0)}
	if HistoryHash("s", base) != HistoryHash("s", shifted) {
		t.Error("the same order of calls and returns at other ticks hashes differently")
	}
	if HistoryHash("s", base) == HistoryHash("s", swapped) {
		t.Error("returns in another order hash the same")
	}
	if HistoryHash("s", base) == HistoryHash("s", other) {
		t.Error("another call kind hashes the same")
	}
	if HistoryHash("s", base) == HistoryHash("t", base) {
		t.Error("another scenario hashes the same")
	}
	// Calls that begin one after the other commute; a return between them
	// does not.
	begunOtherWay := []sim.Call{call(1, sim.CallTerminate, 1, 12, 20, 0), call(2, sim.CallTerminate, 2, 10, 30, 0)}
	if HistoryHash("s", base) != HistoryHash("s", begunOtherWay) {
		t.Error("two calls that begin in the other order, with nothing between, hash differently")
	}
	returnedFirst := []sim.Call{call(1, sim.CallTerminate, 1, 10, 11, 0), call(2, sim.CallTerminate, 2, 12, 30, 0)}
	if HistoryHash("s", base) == HistoryHash("s", returnedFirst) {
		t.Error("a call that returned before the other began hashes like overlapping calls")
	}
	// Calls on structs that no call names together commute.
	on := func(c sim.Call, w int) sim.Call { c.Worker = w; return c }
	apart := []sim.Call{on(call(1, sim.CallTerminate, 1, 10, 11, 0), 0), on(call(2, sim.CallTerminate, 2, 12, 13, 0), 1)}
	apartOtherWay := []sim.Call{on(call(1, sim.CallTerminate, 1, 12, 13, 0), 0), on(call(2, sim.CallTerminate, 2, 10, 11, 0), 1)}
	if HistoryHash("s", apart) != HistoryHash("s", apartOtherWay) {
		t.Error("calls on unrelated structs in the other order hash differently")
	}
	multi := sim.Call{ID: 3, Kind: sim.CallWorkersTerminate, Thread: 3, Worker: -1, Workers: []int{0, 1}, CallTick: 1, ReturnTick: 2, Returned: true}
	if HistoryHash("s", append(apart, multi)) == HistoryHash("s", append(apartOtherWay, multi)) {
		t.Error("calls on structs that a ClusWorkersTerminate names together hash the same in either order")
	}
}
