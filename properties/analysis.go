package properties

import (
	"fmt"
	"slices"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
)

// Tuning numbers of the checks.
const (
	// promptSteps bounds the own steps of a call that must return "at
	// once" (a non-first Terminate, a self-call, a Terminate on a NULL
	// struct): a few dozen kernel calls at most, never a wait on the thread.
	promptSteps = 64
)

// flagWrite is one write of a struct's Terminate cell.
type flagWrite struct {
	tick   int64
	step   int64
	thread scheduler.ThreadID
	value  bool
	// blind is set for a plain or interlocked store, which does not learn
	// the value it overwrites (unlike an exchange or a compare-exchange).
	blind bool
}

// incarnation is one successful Create of a struct and the life of the
// routine it started.
type incarnation struct {
	create      *sim.Call
	start, exit int64 // ticks of the routine's start and exit; -1 if none
	// gone is the tick at which the routine's thread finished (its kernel
	// object signalled), at or after exit; -1 if it had not.
	gone   int64
	thread scheduler.ThreadID
}

// analysis is everything the checks read about one run, precomputed.
type analysis struct {
	res     *sim.Result
	events  []scheduler.Event
	calls   []sim.Call
	workers int
	// per worker
	flags [][]flagWrite
	reads [][]flagWrite // reads of the flag (value = what was read)
	incs  [][]incarnation
	// creates[w] are all Create calls on w, in order.
	creates [][]*sim.Call
}

func analyze(res *sim.Result, h *sim.Harness) *analysis {
	calls, workers := h.Calls(), h.NumWorkers()
	a := &analysis{res: res, events: res.Events, calls: calls, workers: workers,
		flags: make([][]flagWrite, workers), reads: make([][]flagWrite, workers), incs: make([][]incarnation, workers), creates: make([][]*sim.Call, workers)}
	a.collectFlagWrites(h)
	for i := range calls {
		c := &calls[i]
		if c.Worker < 0 || c.Worker >= workers {
			continue
		}
		switch c.Kind {
		case sim.CallCreate:
			a.creates[c.Worker] = append(a.creates[c.Worker], c)
			if c.Returned && c.Result == sim.ErrorSuccess || !c.Returned {
				a.incs[c.Worker] = append(a.incs[c.Worker], incarnation{create: c, start: -1, exit: -1, gone: -1, thread: scheduler.NoThread})
			}
		}
	}
	// Match routine starts and exits to incarnations, in order.
	for i := range calls {
		c := &calls[i]
		if c.Worker < 0 || c.Worker >= workers || (c.Kind != sim.CallStart && c.Kind != sim.CallExit) {
			continue
		}
		inc := a.incarnationAt(c.Worker, c.CallTick)
		if inc == nil {
			continue
		}
		if c.Kind == sim.CallStart && inc.start < 0 {
			inc.start, inc.thread = c.CallTick, c.Thread
		} else if c.Kind == sim.CallExit && inc.exit < 0 {
			inc.exit = c.CallTick
			if g := goneTick(c.Thread, c.CallTick, a.events); g > 0 {
				inc.gone = g
			}
		}
	}
	return a
}

// collectFlagWrites gathers the writes and reads of each struct's
// Terminate cell, which the harness identifies by its id in the log.
func (a *analysis) collectFlagWrites(h *sim.Harness) {
	cellWorker := make([]int, len(a.res.CellNames))
	for id := range cellWorker {
		cellWorker[id] = -1
	}
	for w := range a.workers {
		if id, ok := h.FlagCell(w); ok && id >= 0 && int(id) < len(cellWorker) {
			cellWorker[id] = w
		}
	}
	for tick, ev := range a.events {
		if ev.Kind != scheduler.EvStep {
			continue
		}
		var value, read bool
		op := a.res.OpName(ev)
		switch op {
		case sim.OpStore, sim.OpAtomicStore, sim.OpSwap:
			value = ev.Args[1] != 0
		case sim.OpCAS:
			if ev.Result == 0 {
				continue
			}
			value = ev.Args[2] != 0
		case sim.OpLoad, sim.OpAtomicLoad:
			read, value = true, ev.Result != 0
		default:
			continue
		}
		id := ev.Args[0]
		if id < 0 || int(id) >= len(cellWorker) || cellWorker[id] < 0 {
			continue
		}
		w := cellWorker[id]
		f := flagWrite{tick: int64(tick), step: ev.Step, thread: ev.Thread, value: value, blind: op == sim.OpStore || op == sim.OpAtomicStore}
		if read {
			a.reads[w] = append(a.reads[w], f)
		} else {
			a.flags[w] = append(a.flags[w], f)
		}
	}
}

// flagAt returns the value of w's Terminate cell just before tick.
func (a *analysis) flagAt(w int, tick int64) bool {
	v := false
	for _, f := range a.flags[w] {
		if f.tick >= tick {
			break
		}
		v = f.value
	}
	return v
}

// raisedBy returns the write by which call c turned w's flag from FALSE to
// TRUE, and false when c made no such write (the flag was already TRUE at
// each of its writes, or it wrote none).
func (a *analysis) raisedBy(w int, c *sim.Call) (flagWrite, bool) {
	to := c.ReturnTick
	if !c.Returned {
		to = int64(len(a.events))
	}
	for _, f := range a.writesBy(w, c.Thread, c.CallTick, to) {
		if f.value && !a.flagAt(w, f.tick) {
			return f, true
		}
	}
	return flagWrite{}, false
}

// writesBy returns the writes of w's flag by thread within (from, to).
func (a *analysis) writesBy(w int, th scheduler.ThreadID, from, to int64) []flagWrite {
	var out []flagWrite
	for _, f := range a.flags[w] {
		if f.tick > from && f.tick < to && f.thread == th {
			out = append(out, f)
		}
	}
	return out
}

// incarnationAt returns the incarnation of w whose Create began last before
// tick, or nil.
func (a *analysis) incarnationAt(w int, tick int64) *incarnation {
	var found *incarnation
	for i := range a.incs[w] {
		if a.incs[w][i].create.CallTick < tick {
			found = &a.incs[w][i]
		}
	}
	return found
}

// nullAt reports whether w's hThread is known to be NULL at tick: no
// Create has begun yet, or the last Create before tick failed, or the last
// call on w that returned before tick (after the last Create began) left
// hThread NULL.
func (a *analysis) nullAt(w int, tick int64) bool {
	var last *sim.Call
	for _, c := range a.creates[w] {
		if c.CallTick < tick {
			last = c
		}
	}
	if last == nil {
		return true
	}
	if !last.Returned || last.ReturnTick >= tick {
		return false
	}
	if last.Result != sim.ErrorSuccess {
		return true
	}
	var latest *sim.Call
	for i := range a.calls {
		c := &a.calls[i]
		if c.Worker == w && c.Returned && c.ReturnTick > last.ReturnTick && c.ReturnTick < tick &&
			(c.Kind == sim.CallTerminate || c.Kind == sim.CallTerminateEx || c.Kind == sim.CallCheckTerminate) &&
			(latest == nil || c.ReturnTick > latest.ReturnTick) {
			latest = c
		}
	}
	return latest != nil && latest.HThread == 0
}

// end returns the tick a call ended at: its return, or one past the log.
func (a *analysis) end(c *sim.Call) int64 {
	if c.Returned {
		return c.ReturnTick
	}
	return int64(len(a.events))
}

// waitsIn returns the ticks at which thread th blocked in a wait or a sleep
// within (from, to). Blocking on a critical section is not a wait: a lock
// held for a few steps is how a guarded implementation works.
func (a *analysis) waitsIn(th scheduler.ThreadID, from, to int64) []int64 {
	var out []int64
	to = min(to, int64(len(a.events)))
	for tick := from + 1; tick < to; tick++ {
		if ev := a.events[tick]; ev.Kind == scheduler.EvBlock && ev.Thread == th && a.res.OpName(ev) != sim.OpEnterCS {
			out = append(out, tick)
		}
	}
	return out
}

// timeoutsIn returns the ticks at which thread th resumed from a wait
// because its timeout elapsed, within (from, to).
func (a *analysis) timeoutsIn(th scheduler.ThreadID, from, to int64) []int64 {
	var out []int64
	to = min(to, int64(len(a.events)))
	for tick := from + 1; tick < to; tick++ {
		if ev := a.events[tick]; ev.Kind == scheduler.EvTimeout && ev.Thread == th {
			out = append(out, tick)
		}
	}
	return out
}

// waitingAt reports whether thread th is, at tick x, blocked waiting: in a
// wait or a sleep, or on a critical section whose owner is itself waiting
// (a lock held across a wait). A thread blocked on a lock whose owner is
// busy is only queued behind a few steps of work.
func (a *analysis) waitingAt(th scheduler.ThreadID, x int64) bool {
	owners := map[int64]scheduler.ThreadID{}
	counts := map[int64]int{}
	last := map[scheduler.ThreadID]scheduler.Event{}
	x = min(x, int64(len(a.events)))
	for tick := int64(0); tick < x; tick++ {
		ev := a.events[tick]
		switch ev.Kind {
		case scheduler.EvBlock, scheduler.EvWake, scheduler.EvTimeout:
			last[ev.Thread] = ev
		}
		op := a.res.OpName(ev)
		if op != sim.OpEnterCS && op != sim.OpLeaveCS && op != sim.OpTryEnterCS {
			continue
		}
		id := ev.Args[0]
		owner, held := owners[id]
		switch {
		case (op == sim.OpEnterCS || op == sim.OpTryEnterCS && ev.Result == 1) && ev.Kind == scheduler.EvStep && (!held || owner == ev.Thread):
			owners[id] = ev.Thread
			counts[id]++
		case op == sim.OpEnterCS && ev.Kind == scheduler.EvWake:
			owners[id], counts[id] = ev.Thread, 1
		case op == sim.OpLeaveCS && ev.Kind == scheduler.EvStep && held && owner == ev.Thread:
			if counts[id]--; counts[id] == 0 {
				delete(owners, id)
			}
		}
	}
	seen := map[scheduler.ThreadID]bool{}
	for !seen[th] {
		seen[th] = true
		ev, ok := last[th]
		if !ok || ev.Kind != scheduler.EvBlock {
			return false
		}
		if a.res.OpName(ev) != sim.OpEnterCS {
			return true
		}
		owner, held := owners[ev.Args[0]]
		if !held {
			return false
		}
		th = owner
	}
	return false
}

// ownSteps counts the scheduling steps thread th took within (from, to).
func (a *analysis) ownSteps(th scheduler.ThreadID, from, to int64) int {
	n := 0
	to = min(to, int64(len(a.events)))
	for tick := from + 1; tick < to; tick++ {
		ev := a.events[tick]
		if ev.Thread == th && (ev.Kind == scheduler.EvStep || ev.Kind == scheduler.EvWake || ev.Kind == scheduler.EvTimeout) {
			n++
		}
	}
	return n
}

func (a *analysis) stepAt(tick int64) int64 {
	if tick >= 0 && tick < int64(len(a.events)) {
		return a.events[tick].Step
	}
	if len(a.events) > 0 {
		return a.events[len(a.events)-1].Step
	}
	return 0
}

// describe names a call for messages: "ClusWorkerTerminate #7 on w0 by T3".
func describe(c *sim.Call) string {
	switch c.Kind {
	case sim.CallWorkersTerminate:
		return fmt.Sprintf("%s #%d on %s by T%d", c.Kind, c.ID, workerList(c.Workers), c.Thread)
	case sim.CallTerminateEx:
		wait := ""
		if c.WaitOnly {
			wait = ", WaitOnly"
		}
		return fmt.Sprintf("%s #%d on w%d (%s%s) by T%d", c.Kind, c.ID, c.Worker, timeoutName(c.Timeout), wait, c.Thread)
	}
	return fmt.Sprintf("%s #%d on w%d by T%d", c.Kind, c.ID, c.Worker, c.Thread)
}

func timeoutName(ms uint32) string {
	if ms == sim.Infinite {
		return "INFINITE"
	}
	return fmt.Sprintf("%d ms", ms)
}

func workerList(ws []int) string {
	s := "["
	for i, w := range ws {
		if i > 0 {
			s += " "
		}
		if w < 0 {
			s += "NULL"
		} else {
			s += fmt.Sprintf("w%d", w)
		}
	}
	return s + "]"
}

// callsOf returns the calls of the given kinds.
func (a *analysis) callsOf(kinds ...sim.CallKind) []*sim.Call {
	var out []*sim.Call
	for i := range a.calls {
		if slices.Contains(kinds, a.calls[i].Kind) {
			out = append(out, &a.calls[i])
		}
	}
	return out
}

// terminateBegan reports whether a call that may signal w (Terminate,
// TerminateEx or WorkersTerminate without WaitOnly) began within (from, to).
func (a *analysis) terminateBegan(w int, from, to int64) bool {
	for i := range a.calls {
		c := &a.calls[i]
		if c.CallTick <= from || c.CallTick >= to {
			continue
		}
		switch c.Kind {
		case sim.CallTerminate:
			if c.Worker == w {
				return true
			}
		case sim.CallTerminateEx:
			if c.Worker == w && !c.WaitOnly {
				return true
			}
		case sim.CallWorkersTerminate:
			if !c.WaitOnly && slices.Contains(c.Workers, w) {
				return true
			}
		}
	}
	return false
}
