package sim

import "fmt"

// CloseHandle closes h. Closing a handle that is not open returns false with
// ErrorInvalidHandle and records a handle fault (a double close when h was
// open once). Closing a handle another thread is blocked waiting on closes
// it but records a fault: on Windows the outcome is undefined.
func (t *Thread) CloseHandle(h Handle) bool {
	t.step(t.k.ops[cCloseHandle], int64(h), 0, 0)
	k := t.k
	if h == CurrentThread || h == CurrentProcess {
		// Closing a pseudo-handle does nothing, and succeeds.
		t.result(1)
		return true
	}
	e := k.entry(h)
	if i := handleIndex(h); i >= 0 {
		t.touch(depHandle, i, true)
	}
	switch {
	case e == nil:
		k.fault(t, FaultBadHandle, h, fmt.Sprintf("CloseHandle(%v): handle was never opened", h))
	case !e.open:
		k.fault(t, FaultDoubleClose, h, fmt.Sprintf("CloseHandle(%v): handle to %s was already closed by T%d at step %d",
			h, e.obj.describe(), e.closedBy, e.closedStep))
	default:
		if e.waiters > 0 {
			k.fault(t, FaultCloseWhileWaited, h, fmt.Sprintf("CloseHandle(%v): %d thread(s) are blocked waiting on this handle to %s",
				h, e.waiters, e.obj.describe()))
		}
		e.open = false
		e.closedBy, e.closedStep = t.task.ID(), t.task.StepCount()
		t.result(1)
		return true
	}
	t.lastErr = ErrorInvalidHandle
	t.result(0)
	return false
}

// DuplicateHandle opens a second handle to the object h refers to. It
// returns 0 and false when h is not open (a handle fault) or, under fault
// injection inside the implementation, when the strategy makes it fail with
// ErrorNotEnoughMemory.
func (t *Thread) DuplicateHandle(h Handle) (Handle, bool) {
	t.step(t.k.ops[cDuplicateHandle], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpDuplicateHandle, false)
	if !ok {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return 0, false
	}
	if t.k.cfg.Faults && t.implDepth > 0 && t.task.Choose(t.k.ops[cDuplicateHandleFails], 2) == 1 {
		t.lastErr = ErrorNotEnoughMemory
		t.result(0)
		return 0, false
	}
	d := t.k.newHandle(t, e.obj, OpDuplicateHandle)
	t.result(int64(d))
	return d, true
}

// CreateEvent creates an event, manual-reset or auto-reset, initially set
// or not, and returns a handle to it.
func (t *Thread) CreateEvent(manualReset, initialState bool) Handle {
	t.step(t.k.ops[cCreateEvent], b2i(manualReset), b2i(initialState), 0)
	o := t.k.newObject(t, objEvent)
	o.manual, o.signaled = manualReset, initialState
	if initialState {
		t.k.races.release(t, &o.vc)
	}
	// CreateEvent sets the last error on success too: 0 here, where a named
	// event that existed would give ERROR_ALREADY_EXISTS.
	t.lastErr = ErrorSuccess
	h := t.k.newHandle(t, o, OpCreateEvent)
	t.result(int64(h))
	return h
}

// SetEvent sets the event h refers to. Threads already blocked on it are
// released inside the call, as on Windows: a set auto-reset event releases
// exactly one of them (the strategy chooses which) and stays reset, or, with
// none, stays set until one wait takes it; a manual-reset one releases all
// of them and stays set until ResetEvent.
func (t *Thread) SetEvent(h Handle) bool {
	t.step(t.k.ops[cSetEvent], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpSetEvent, true)
	if !ok || e.obj.kind != objEvent {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return false
	}
	t.signal(e.obj, 1)
	t.result(1)
	return true
}

// ResetEvent resets the event h refers to.
func (t *Thread) ResetEvent(h Handle) bool {
	t.step(t.k.ops[cResetEvent], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpResetEvent, true)
	if !ok || e.obj.kind != objEvent {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return false
	}
	e.obj.signaled = false
	t.result(1)
	return true
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
