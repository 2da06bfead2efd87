package scheduler

import "slices"

// dporAnalysis is the scratch of DPOR's end-of-run analysis, kept between
// runs so that steady-state runs do not allocate.
type dporAnalysis struct {
	steps  []dstep
	nt     int       // tasks in the run
	vcs    []int32   // step k's vector clock is vcs[k*nt : (k+1)*nt]
	cur    []int32   // each task's clock, task t's at cur[t*nt : (t+1)*nt]
	index  map[Object]int32
	states []objState
	acc    []access
	races  [][2]int32
	cands  []int32
	seen   []ThreadID
}

// dstep is one step of the analysed run.
type dstep struct {
	num    int64 // its step number
	thread ThreadID
	local  int32 // 1 for the task's first step, 2 for its second...
	node   int32 // index in the stack of the thread decision that chose it; -1
}

// objState is what the analysis remembers of one object: its last write
// and the reads since, at most one per task (the latest).
type objState struct {
	lastWrite int32
	reads     []int32
}

func (a *dporAnalysis) clock(s int32) []int32 {
	return a.vcs[int(s)*a.nt : (int(s)+1)*a.nt]
}

func (a *dporAnalysis) task(t ThreadID) []int32 {
	return a.cur[int(t)*a.nt : (int(t)+1)*a.nt]
}

// hb reports whether step i happens before (or is) the step whose clock is
// c.
func (a *dporAnalysis) hb(i int32, c []int32) bool {
	return c[a.steps[i].thread] >= a.steps[i].local
}

// stepAccesses gathers in a.acc what the step logged at events[k] accessed:
// its touches (from touches[*ti] on, which it advances), the implicit read
// of its own task, and the writes of the spawns and exits logged within the
// step.
func (a *dporAnalysis) stepAccesses(events []Event, touches []Touch, ti *int, k int) {
	a.acc = append(a.acc[:0], access{ThreadObject(events[k].Thread), Read})
	for *ti < len(touches) && int(touches[*ti].Event) <= k {
		if tc := touches[*ti]; int(tc.Event) == k {
			a.addAccess(access{tc.Obj, tc.Acc})
		}
		*ti++
	}
	for m := k + 1; m < len(events); m++ {
		switch events[m].Kind {
		case EvStep, EvWake, EvTimeout, EvClock:
			return
		case EvSpawn:
			a.addAccess(access{spawnObject, Write})
		case EvExit:
			a.addAccess(access{ThreadObject(events[m].Thread), Write})
		}
	}
}

// addAccess adds x to a.acc, merging accesses of one object (a write wins).
func (a *dporAnalysis) addAccess(x access) {
	for i := range a.acc {
		if a.acc[i].obj == x.obj {
			a.acc[i].acc = max(a.acc[i].acc, x.acc)
			return
		}
	}
	a.acc = append(a.acc, x)
}

// analyze computes the happens-before relation of the run that just ended,
// finds its races and adds their backtrack points.
func (d *DPOR) analyze() {
	events, touches := d.view.Events(), d.view.Touches()
	limit := len(events)
	if d.blockedAt >= 0 {
		limit = d.blockedAt
	}
	a := &d.an
	nt := 0
	for k := range limit {
		nt = max(nt, int(events[k].Thread)+1)
		if events[k].Kind == EvSpawn {
			nt = max(nt, int(events[k].Args[0])+1)
		}
	}
	a.nt = nt
	a.steps, a.vcs, a.races = a.steps[:0], a.vcs[:0], a.races[:0]
	if cap(a.cur) < nt*nt {
		a.cur = make([]int32, nt*nt)
	}
	a.cur = a.cur[:nt*nt]
	clear(a.cur)
	if a.index == nil {
		a.index = map[Object]int32{}
	}
	clear(a.index)
	a.states = a.states[:0]
	node := 0 // the next thread decision of the path to match
	ti := 0
	for k := range limit {
		ev := &events[k]
		switch ev.Kind {
		case EvClock:
			// A barrier: every task's clock becomes the join of all.
			all := a.task(0)
			for t := 1; t < nt; t++ {
				joinClock(all, a.task(ThreadID(t)))
			}
			for t := 1; t < nt; t++ {
				copy(a.task(ThreadID(t)), all)
			}
		case EvSpawn:
			if ev.Thread >= 0 {
				copy(a.task(ThreadID(ev.Args[0])), a.task(ev.Thread))
			}
		case EvStep, EvWake, EvTimeout:
			a.stepAccesses(events, touches, &ti, k)
			p := ev.Thread
			c := a.task(p)
			c[p]++
			s := int32(len(a.steps))
			st := dstep{num: ev.Step, thread: p, local: c[p], node: -1}
			for node < d.pos && (d.stack[node].kind != DecThread || d.stack[node].step < ev.Step) {
				node++
			}
			if node < d.pos && d.stack[node].step == ev.Step {
				st.node = int32(node)
			}
			a.steps = append(a.steps, st)
			a.checkRaces(s, c)
			a.vcs = append(a.vcs, c...)
		}
	}
	for _, r := range a.races {
		d.reverse(r[0], r[1])
	}
}

// checkRaces records the races of step s (whose task's clock is c, before
// the step's dependencies are joined in) with the last dependent accesses of
// the objects it touches, joins those accesses into c and updates the
// objects' states.
func (a *dporAnalysis) checkRaces(s int32, c []int32) {
	p := a.steps[s].thread
	check := func(i int32) {
		if i >= 0 && a.steps[i].thread != p && !a.hb(i, c) {
			a.races = append(a.races, [2]int32{i, s})
		}
	}
	for _, x := range a.acc {
		st := a.state(x.obj)
		check(st.lastWrite)
		if x.acc == Write {
			for _, r := range st.reads {
				check(r)
			}
		}
	}
	for _, x := range a.acc {
		st := a.state(x.obj)
		if st.lastWrite >= 0 {
			joinClock(c, a.clock(st.lastWrite))
		}
		if x.acc == Write {
			for _, r := range st.reads {
				joinClock(c, a.clock(r))
			}
			st.lastWrite, st.reads = s, st.reads[:0]
			continue
		}
		replaced := false
		for i, r := range st.reads {
			if a.steps[r].thread == p {
				st.reads[i], replaced = s, true
			}
		}
		if !replaced {
			st.reads = append(st.reads, s)
		}
	}
}

// state returns the state of object o, creating it.
func (a *dporAnalysis) state(o Object) *objState {
	i, ok := a.index[o]
	if !ok {
		i = int32(len(a.states))
		a.index[o] = i
		if len(a.states) < cap(a.states) {
			a.states = a.states[:i+1]
			a.states[i].lastWrite, a.states[i].reads = -1, a.states[i].reads[:0]
		} else {
			a.states = append(a.states, objState{lastWrite: -1})
		}
	}
	return &a.states[i]
}

func joinClock(dst, src []int32) {
	for i, v := range src {
		if v > dst[i] {
			dst[i] = v
		}
	}
}

// reverse adds the backtrack points that make a later run reverse the race
// between steps i and j (i before j).
func (d *DPOR) reverse(i, j int32) {
	a := &d.an
	ni := a.steps[i].node
	if ni < 0 {
		return // only the task of step i could run there
	}
	n := &d.stack[ni]
	if n.dead {
		return
	}
	p := a.steps[j].thread
	if d.bound >= 0 {
		addBacktrack(n, p)
		d.conservative(ni, p)
		return
	}
	// Source sets: the initials of notdep(i).j, the steps after i that do
	// not happen after it, then j.
	a.cands, a.seen = a.cands[:0], a.seen[:0]
	consider := func(m int32) {
		t := a.steps[m].thread
		if slices.Contains(a.seen, t) {
			return
		}
		a.seen = append(a.seen, t)
		cm := a.clock(m)
		for _, c := range a.cands {
			if a.hb(c, cm) {
				return
			}
		}
		a.cands = append(a.cands, m)
	}
	for m := i + 1; m < j; m++ {
		if !a.hb(i, a.clock(m)) {
			consider(m)
		}
	}
	consider(j)
	pick := NoThread
	for _, c := range a.cands {
		t := a.steps[c].thread
		if slices.Contains(n.backtrack, t) || asleep(n.sleep, t) {
			return
		}
		if slices.Contains(n.enabled, t) && (pick == NoThread || t == p) {
			pick = t
		}
	}
	addBacktrack(n, pick) // NoThread: every enabled task
}

// conservative adds p at the last thread decision before the one at index ni
// where the running task changed (or at the first decision), as bounded
// partial-order reduction requires.
func (d *DPOR) conservative(ni int32, p ThreadID) {
	a := &d.an
	first := -1
	for k := int(ni) - 1; k >= 0; k-- {
		m := &d.stack[k]
		if m.kind != DecThread || m.dead {
			continue
		}
		first = k
		prev := a.threadAt(m.step - 1)
		if prev == NoThread || ThreadID(m.opt) != prev {
			addBacktrack(m, p)
			return
		}
	}
	if first >= 0 {
		addBacktrack(&d.stack[first], p)
	}
}

// threadAt returns the task that took step number num, or NoThread.
func (a *dporAnalysis) threadAt(num int64) ThreadID {
	i, ok := slices.BinarySearchFunc(a.steps, num, func(s dstep, n int64) int {
		switch {
		case s.num < n:
			return -1
		case s.num > n:
			return 1
		}
		return 0
	})
	if !ok {
		return NoThread
	}
	return a.steps[i].thread
}
