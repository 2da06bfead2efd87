package scheduler

import "slices"

// dporAnalysis is the scratch of DPOR's end-of-run analysis, kept between
// runs so that steady-state runs do not allocate.
type dporAnalysis struct {
	steps   []dstep
	nt      int     // tasks in the run
	vcs     []int32 // step k's vector clock is vcs[k*nt : (k+1)*nt]
	cur     []int32 // each task's clock, task t's at cur[t*nt : (t+1)*nt]
	index   map[Object]int32
	states  []objState
	acc     []access
	races   []race
	prior   []int32 // the candidates of every race, latest first
	covered []bool
	cands   []int32
	seen    []ThreadID
}

// dstep is one step of the analysed run.
type dstep struct {
	num    int64 // its step number
	thread ThreadID
	local  int32 // 1 for the task's first step, 2 for its second...
	node   int32 // index in the stack of the thread decision that chose it; -1
}

// objState is what the analysis remembers of one object: its last write
// and the reads since, at most one per task (the latest), for the
// happens-before relation, and every access, for finding races.
type objState struct {
	lastWrite int32
	reads     []int32
	hist      []histEntry
}

type histEntry struct {
	step  int32
	write bool
}

// race is a step j and the earlier steps that it is dependent with and
// that do not happen before it, on one object: prior[from:to], latest
// first.
type race struct {
	j        int32
	from, to int
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
	if kind := events[k].Kind; kind == EvWake || kind == EvTimeout {
		a.addAccess(access{Global, Read})
	}
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
			a.addAccess(access{Global, Read})
		case EvExit:
			a.addAccess(access{ThreadObject(events[m].Thread), Write})
			a.addAccess(access{Global, Read})
		case EvBlock:
			a.addAccess(access{Global, Read})
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
	a.steps, a.vcs, a.races, a.prior = a.steps[:0], a.vcs[:0], a.races[:0], a.prior[:0]
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
				if d.bound < 0 {
					d.stack[node].addFoot(p, a.acc)
				}
			}
			a.steps = append(a.steps, st)
			a.checkRaces(s, c)
			a.vcs = append(a.vcs, c...)
		}
	}
	// Every race is reversed: each candidate that no later reversed
	// candidate happens after (a candidate that happens before another is
	// not a race of j itself, and is reached from that one's reversal).
	// A race that cannot be reversed (j's task could not run there) leaves
	// the candidates before it to be tried.
	for _, r := range a.races {
		cs := a.prior[r.from:r.to]
		a.covered = append(a.covered[:0], make([]bool, len(cs))...)
		for k, i := range cs {
			if a.covered[k] || !d.reverse(i, r.j) {
				continue
			}
			ci := a.clock(i)
			for m := k + 1; m < len(cs); m++ {
				if a.hb(cs[m], ci) {
					a.covered[m] = true
				}
			}
		}
	}
}

// checkRaces records the races of step s (whose task's clock is c, before
// the step's dependencies are joined in) with the last dependent accesses of
// the objects it touches, joins those accesses into c and updates the
// objects' states.
func (a *dporAnalysis) checkRaces(s int32, c []int32) {
	p := a.steps[s].thread
	for _, x := range a.acc {
		st := a.state(x.obj)
		from := len(a.prior)
		for k := len(st.hist) - 1; k >= 0; k-- {
			h := st.hist[k]
			if x.acc != Write && !h.write {
				continue // two reads
			}
			if a.steps[h.step].thread == p || a.hb(h.step, c) {
				if h.write {
					// Every earlier access of the object happens before
					// this write, so before s.
					break
				}
				continue
			}
			a.prior = append(a.prior, h.step)
		}
		if len(a.prior) > from {
			a.races = append(a.races, race{j: s, from: from, to: len(a.prior)})
		}
		st.hist = append(st.hist, histEntry{step: s, write: x.acc == Write})
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

// addFoot adds to what t's step from n touches (over every run that took t
// at n, for every outcome of its data decisions).
func (n *dporNode) addFoot(t ThreadID, acc []access) {
	i := slices.IndexFunc(n.foot, func(s sleeper) bool { return s.thread == t })
	if i < 0 {
		n.foot = append(n.foot, sleeper{thread: t})
		i = len(n.foot) - 1
	}
	f := &n.foot[i]
	for _, x := range acc {
		j := slices.IndexFunc(f.foot, func(y access) bool { return y.obj == x.obj })
		switch {
		case j < 0:
			f.foot = append(f.foot, x)
		case x.acc > f.foot[j].acc:
			f.foot[j].acc = x.acc
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
			a.states[i].lastWrite, a.states[i].reads, a.states[i].hist = -1, a.states[i].reads[:0], a.states[i].hist[:0]
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
// between steps i and j (i before j), and reports whether it could: the
// task of j (or, without a bound, an initial of notdep(i).j) was enabled
// before i. When it was not (only the task of i could run there, or j's
// task was blocked until i or a step after it), the race cannot be
// reversed there, and the caller tries the race's earlier steps.
func (d *DPOR) reverse(i, j int32) bool {
	a := &d.an
	ni := a.steps[i].node
	if ni < 0 {
		return false // only the task of step i could run there
	}
	n := &d.stack[ni]
	if n.dead {
		return true // a redundant run's: nothing to learn
	}
	p := a.steps[j].thread
	if d.bound >= 0 {
		// Flanagan and Godefroid: p, or every enabled task when p is not
		// enabled; then bounded POR's conservative point. When p was not
		// enabled the earlier steps of the race are tried too.
		addBacktrack(n, p)
		d.conservative(ni, p)
		return slices.Contains(n.enabled, p)
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
			return true
		}
		if slices.Contains(n.enabled, t) && (pick == NoThread || t == p) {
			pick = t
		}
	}
	if pick == NoThread {
		return false
	}
	addBacktrack(n, pick)
	return true
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
