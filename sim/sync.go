package sim

// CreateSemaphore creates a semaphore with the given count and maximum
// count and returns a handle to it. It returns 0 with ErrorInvalidParameter
// when max is not positive or initial is outside [0, max].
func (t *Thread) CreateSemaphore(initial, max int32) Handle {
	t.step(t.k.ops[cCreateSemaphore], int64(initial), int64(max), 0)
	if max <= 0 || initial < 0 || initial > max {
		t.lastErr = ErrorInvalidParameter
		t.result(0)
		return 0
	}
	o := t.k.newObject(t, objSemaphore)
	o.count, o.max, o.signaled = initial, max, initial > 0
	if initial > 0 {
		t.k.races.release(t, &o.vc)
	}
	t.lastErr = ErrorSuccess
	h := t.k.newHandle(t, o, OpCreateSemaphore)
	t.result(int64(h))
	return h
}

// ReleaseSemaphore adds n to the count of the semaphore h refers to and
// returns the count before. Threads blocked on it are released inside the
// call, as many as the count allows (the strategy chooses which). It fails,
// changing nothing, with ErrorTooManyPosts when the count would pass the
// maximum, ErrorInvalidParameter when n is not positive, and
// ErrorInvalidHandle when h is not an open semaphore handle.
func (t *Thread) ReleaseSemaphore(h Handle, n int32) (prev int32, ok bool) {
	t.step(t.k.ops[cReleaseSem], int64(h), int64(n), 0)
	e, ok := t.k.use(t, h, OpReleaseSem, true)
	code := ErrorInvalidHandle
	if ok && e.obj.kind == objSemaphore {
		prev = e.obj.count
		if code = t.signal(e.obj, n); code == ErrorSuccess {
			t.result(int64(prev))
			return prev, true
		}
	}
	t.lastErr = code
	t.result(-1)
	return 0, false
}

// signal makes one release of o by t, the release that SetEvent,
// ReleaseMutex and ReleaseSemaphore(n) make: an event is set, t gives up
// one level of its ownership of a mutex, a semaphore's count rises by n.
// When that leaves o signalled, o carries t's clock and goes to the waits
// blocked on it (see handOff). It returns ErrorSuccess, or the error that
// refuses the release (and then changes nothing): ErrorNotOwner for a
// mutex t does not own, ErrorInvalidParameter for n < 1 and
// ErrorTooManyPosts for a count past the maximum, ErrorInvalidHandle for
// an object that cannot be released.
func (t *Thread) signal(o *object, n int32) uint32 {
	switch o.kind {
	case objEvent:
		o.signaled = true
	case objMutex:
		if o.owner != t {
			return ErrorNotOwner
		}
		if o.depth--; o.depth > 0 {
			return ErrorSuccess
		}
		t.disown(o)
	case objSemaphore:
		switch {
		case n <= 0:
			return ErrorInvalidParameter
		case int64(o.count)+int64(n) > int64(o.max):
			return ErrorTooManyPosts
		}
		o.count += n
		o.signaled = true
	default:
		return ErrorInvalidHandle
	}
	t.k.races.release(t, &o.vc)
	t.handOff(o)
	return ErrorSuccess
}

// CreateMutex creates a mutex, owned by the caller when initialOwner is
// set, and returns a handle to it. A mutex is recursive: its owner's waits
// on it succeed at once, and it is free for others once each of them has
// its ReleaseMutex. A mutex whose owner ends without releasing it is
// abandoned: the next wait that takes it returns WaitAbandoned0 (+ its
// index) and owns it.
func (t *Thread) CreateMutex(initialOwner bool) Handle {
	t.step(t.k.ops[cCreateMutex], b2i(initialOwner), 0, 0)
	o := t.k.newObject(t, objMutex)
	o.signaled = true
	if initialOwner {
		t.acquire(o)
	}
	t.lastErr = ErrorSuccess
	h := t.k.newHandle(t, o, OpCreateMutex)
	t.result(int64(h))
	return h
}

// ReleaseMutex gives up one level of the caller's ownership of the mutex h
// refers to; the last one frees it, and a thread blocked on it gets it
// inside the call. It fails with ErrorNotOwner when the caller does not own
// it, and ErrorInvalidHandle when h is not an open mutex handle.
func (t *Thread) ReleaseMutex(h Handle) bool {
	t.step(t.k.ops[cReleaseMutex], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpReleaseMutex, true)
	code := ErrorInvalidHandle
	if ok && e.obj.kind == objMutex {
		if code = t.signal(e.obj, 1); code == ErrorSuccess {
			t.result(1)
			return true
		}
	}
	t.lastErr = code
	t.result(0)
	return false
}

// disown frees the mutex o, which t owns.
func (t *Thread) disown(o *object) {
	o.owner, o.depth, o.signaled = nil, 0, true
	for i, m := range t.owned {
		if m == o {
			t.owned = append(t.owned[:i], t.owned[i+1:]...)
			break
		}
	}
}

// abandonMutexes frees every mutex t still owns as it ends, marked
// abandoned, and hands each (on behalf of by, the running thread) to a
// thread blocked on it.
func (t *Thread) abandonMutexes(by *Thread) {
	for len(t.owned) > 0 {
		o := t.owned[len(t.owned)-1]
		by.touch(depObject, o.serial, true)
		t.disown(o)
		o.abandoned = true
		t.k.races.release(t, &o.vc)
		by.handOff(o)
	}
}

// PulseEvent sets the event h refers to and resets it at once: a
// manual-reset event releases every thread blocked on it, an auto-reset
// one at most one (the strategy chooses which), and with nobody waiting it
// releases nobody. (The PulseEvent page calls it unreliable on Windows,
// where a waiter briefly taken out of its wait misses the pulse; sim has no
// such moments, so it never misses one.)
func (t *Thread) PulseEvent(h Handle) bool {
	t.step(t.k.ops[cPulseEvent], int64(h), 0, 0)
	e, ok := t.k.use(t, h, OpPulseEvent, true)
	if !ok || e.obj.kind != objEvent {
		t.lastErr = ErrorInvalidHandle
		t.result(0)
		return false
	}
	t.signal(e.obj, 1)
	e.obj.signaled = false
	t.result(1)
	return true
}

// SignalObjectAndWait signals toSignal and then waits on toWait: an event
// is set, a mutex released once, a semaphore released by one, each handing
// itself to blocked waiters inside the call; then the wait is
// WaitForSingleObject's. The page does not promise that the two are one
// atomic operation, so there is a scheduling point between them. When the
// signal fails (ErrorNotOwner for a mutex the caller does not own,
// ErrorTooManyPosts for a full semaphore, ErrorInvalidHandle for anything
// else) it returns WaitFailed and does not wait.
func (t *Thread) SignalObjectAndWait(toSignal, toWait Handle, ms uint32) uint32 {
	t.step(t.k.ops[cSignalAndWait], int64(toSignal), int64(toWait), int64(ms))
	fail := func(code uint32) uint32 {
		t.lastErr = code
		t.result(int64(WaitFailed))
		return WaitFailed
	}
	// (Named apart from the wait, so that a closed toSignal is a use after
	// close, not a wait on a closed handle.)
	e, ok := t.k.use(t, toSignal, OpSignalAndWait+" (signal)", true)
	if !ok {
		return fail(ErrorInvalidHandle)
	}
	if code := t.signal(e.obj, 1); code != ErrorSuccess {
		return fail(code)
	}
	// The page does not promise that the signal and the wait are one
	// atomic operation, so other threads may run in between.
	t.task.Step(t.k.ops[cSignalAndWait], int64(toWait), int64(ms), 0)
	return t.waitSingle(toWait, ms, cSignalAndWait, OpSignalAndWait)
}
