package model

import (
	"fmt"
	"io"
	"reflect"
	"testing"

	"github.com/anishathalye/porcupine"
	"pgregory.net/rapid"
)

// TestCheckBudgetOnCases: with the default budget every hand-written case
// is decided, and decided as the table says: a known-good history is
// linearizable, a known-bad one is not.
func TestCheckBudgetOnCases(t *testing.T) {
	for _, c := range historyCases() {
		want := Linearizable
		if c.want == illegal {
			want = NotLinearizable
		}
		v, st := CheckBudget(c.h, DefaultBudget)
		if v != want {
			t.Errorf("%s: CheckBudget = %v, want %v", c.name, v, want)
		}
		if st.Steps > DefaultBudget || st.Budget != DefaultBudget {
			t.Errorf("%s: %d steps of budget %d", c.name, st.Steps, st.Budget)
		}
	}
}

// racingTerminators is the history of n ClusWorkerTerminate calls racing
// on worker 0: n-1 losers that began before the winner and returned
// before the routine exited, and the winner, which waited for the exit.
// Porcupine's search, left to itself, tries the losers as the first call,
// each a dead end found only at its return, behind every order of the
// other calls.
func racingTerminators(n int) []porcupine.Operation {
	h := hist(create(0, 1, 2, ErrorSuccess), check(0, 3, 4, false))
	for i := 1; i < n; i++ {
		h = hist(h, terminate(0, i, int64(10+i), int64(5000+i)))
	}
	return hist(h, terminate(0, n, int64(10+n), 9000), check(0, 7000, 7001, true), exit(0, 8000))
}

// TestCheckBudgetDecidesRacingTerminators: the checker's hint (a Terminate
// that no Exit or Create overlaps cannot be the first on a running
// routine) makes the search linear in the number of terminators, so 24 and
// 256 of them are decided in a few steps per call. Without the hint the
// same search runs out of a budget of 200,000 steps at 24 terminators.
func TestCheckBudgetDecidesRacingTerminators(t *testing.T) {
	for _, n := range []int{24, 256} {
		h := racingTerminators(n)
		if err := Validate(h); err != nil {
			t.Fatal(err)
		}
		v, st := CheckBudget(h, DefaultBudget)
		if v != Linearizable || st.Steps > int64(8*n) {
			t.Errorf("%d terminators: %v in %d steps, want linearizable in at most %d", n, v, st.Steps, 8*n)
		}
	}
	m := &meter{limit: 200_000}
	if porcupine.CheckOperations(newModel(m), racingTerminators(24)) || !m.refused {
		t.Errorf("without the hint the search was decided in %d steps; the test no longer shows what the hint is for", m.used)
	}
}

// runaway is a history porcupine cannot refute quickly: k checks that
// overlap each other and a CheckTerminate TRUE on a worker nobody
// signals. Every subset of the k checks is a distinct state of the search
// that ends at the impossible check, about 2^k steps in all.
func runaway(w, k int) []porcupine.Operation {
	h := create(w, 1, 2, ErrorSuccess)
	for i := 0; i < k; i++ {
		h = hist(h, check(w, int64(10+i), 950, false))
	}
	return hist(h, check(w, 900, 901, true))
}

// TestCheckBudgetUndecided: a budget too small for the search gives
// Undecided, never NotLinearizable, whether the history is in fact
// linearizable or not, and spends exactly the budget; with enough budget
// the same history is decided.
func TestCheckBudgetUndecided(t *testing.T) {
	good, bad := reuseCycles(3), runaway(0, 8)
	for _, c := range []struct {
		name string
		h    []porcupine.Operation
		want Verdict
	}{{"linearizable", good, Linearizable}, {"not linearizable", bad, NotLinearizable}} {
		v, st := CheckBudget(c.h, 10)
		if v != Undecided || st.Steps != 10 {
			t.Errorf("%s, budget 10: %v in %d steps, want undecided in 10", c.name, v, st.Steps)
		}
		v, st = CheckBudget(c.h, DefaultBudget)
		if v != c.want || st.Steps <= 10 {
			t.Errorf("%s, default budget: %v in %d steps, want %v in more than 10", c.name, v, st.Steps, c.want)
		}
	}
	if v, st := CheckBudget(runaway(0, 24), DefaultBudget); v != Undecided || st.Steps != DefaultBudget {
		t.Errorf("24 overlapping checks: %v in %d steps, want undecided in %d", v, st.Steps, DefaultBudget)
	}
	if v, _ := CheckBudget(nil, 0); v != Linearizable {
		t.Errorf("empty history, budget 0: %v", v)
	}
	if v, st := CheckBudget(good, 0); v != Undecided || st.Steps != 0 {
		t.Errorf("budget 0: %v in %d steps", v, st.Steps)
	}
}

// TestCheckBudgetShares: parts are checked smallest first and pass on what
// they leave of the budget; a small part that is not linearizable is found
// even when a larger one runs out of budget, and the steps of all parts
// never exceed the budget.
func TestCheckBudgetShares(t *testing.T) {
	bad := hist(create(1, 1, 2, ErrorSuccess), check(1, 3, 4, true))
	good := hist(create(2, 1, 2, ErrorSuccess), check(2, 3, 4, false), exit(2, 5))
	const budget = 5000
	v, st := CheckBudget(hist(runaway(0, 24), bad, good), budget)
	if v != NotLinearizable || st.Steps > budget {
		t.Fatalf("verdict %v in %d steps of %d, want not linearizable", v, st.Steps, budget)
	}
	want := []Verdict{Undecided, NotLinearizable, Linearizable}
	for i, p := range st.Partitions {
		if p.Verdict != want[i] || len(p.Workers) != 1 || p.Workers[0] != i || p.Steps > p.Allowance {
			t.Errorf("part %d: %+v", i, p)
		}
	}
	if p := st.Partitions[0]; p.Allowance < budget-20 || p.Steps != p.Allowance {
		t.Errorf("the large part had %d of %d steps and used %d; the small parts should leave it nearly all", p.Allowance, budget, p.Steps)
	}
	if f, ok := st.Failing(); !ok || f.Workers[0] != 1 || len(f.Ops) != len(bad) {
		t.Errorf("Failing = %+v, %v; want the part of w1", f, ok)
	}
	if v, _ := CheckBudget(hist(runaway(0, 24), good), budget); v != Undecided {
		t.Errorf("with the bad part removed: %v, want undecided", v)
	}
}

// TestCheckBudgetDeterministic: the same history and budget give the same
// verdict and the same step counts, part by part, every time; the verbose
// check repeats the same searches and so gives the same statistics, and its
// information renders.
func TestCheckBudgetDeterministic(t *testing.T) {
	bad := hist(create(1, 1, 2, ErrorSuccess), check(1, 3, 4, true))
	histories := [][]porcupine.Operation{
		racingTerminators(64),
		hist(runaway(0, 24), bad),
		hist(reuseCycles(4), runaway(3, 20)),
	}
	for i, h := range histories {
		v1, st1 := CheckBudget(h, 20_000)
		v2, st2 := CheckBudget(h, 20_000)
		v3, st3, info := CheckVerboseBudget(h, 20_000)
		if v1 != v2 || !reflect.DeepEqual(st1, st2) {
			t.Errorf("history %d: %v %+v, then %v %+v", i, v1, st1, v2, st2)
		}
		if v1 != v3 || !reflect.DeepEqual(st1, st3) {
			t.Errorf("history %d: CheckBudget %v %+v, CheckVerboseBudget %v %+v", i, v1, st1, v3, st3)
		}
		if err := porcupine.Visualize(New(), info, io.Discard); err != nil {
			t.Errorf("history %d: %v", i, err)
		}
	}
}

// TestVerboseRepeatsTheSearch: porcupine's verbose checker, run on every
// part at once with the shares the sequential check gave them, takes
// exactly the steps the sequential check took, part by part, so the picture
// CheckVerboseBudget draws is of the same search.
func TestVerboseRepeatsTheSearch(t *testing.T) {
	bad := hist(create(1, 1, 2, ErrorSuccess), check(1, 3, 4, true))
	for i, h := range [][]porcupine.Operation{
		hist(runaway(0, 24), bad),
		hist(racingTerminators(40), runaway(2, 12)),
	} {
		for _, budget := range []int64{50, 5000, DefaultBudget} {
			_, st := CheckBudget(h, budget)
			idx, _ := partitionIndex(h)
			_, used := verboseInfo(pick(prepare(h), idx), st)
			for k, p := range st.Partitions {
				if used[k] != p.Steps {
					t.Errorf("history %d, budget %d, part %v: %d steps, verbose %d", i, budget, p.Workers, p.Steps, used[k])
				}
			}
		}
	}
}

// TestPrepareMarksOnlyCallsThatCannotWait: only a returned, non-self
// Terminate that no Exit or Create of its struct overlaps is marked, and
// nothing else about the operations changes.
func TestPrepareMarksOnlyCallsThatCannotWait(t *testing.T) {
	h := hist(
		create(0, 1, 2, ErrorSuccess),
		terminate(0, 1, 3, 4),           // overlaps nothing: marked
		terminate(0, 2, 5, 10),          // overlaps the exit at 9
		terminateBy(0, 3, 6, 7, true),   // a self call
		terminate(0, 4, 8, pending),     // never returned
		exit(0, 9),                      //
		terminate(1, 5, 3, 4),           // w1 has no exit or create at all: marked
		create(0, 20, 22, ErrorSuccess), //
		terminate(0, 6, 11, 20),         // touches the Create at 20
		terminate(0, 7, 12, 19),         // ends just before it: marked
		terminate(0, 8, 23, 24),         //  marked
		[]porcupine.Operation{op(Input{Kind: TerminateSignal, Call: 9, Worker: 0}, Output{}, 25, 26)},
		[]porcupine.Operation{op(Input{Kind: ExReturn, Call: 9, Worker: 0}, Output{}, 25, 26)}, // id 9 on a foreign half
	)
	marked := map[int]bool{1: true, 5: true, 7: true, 8: true}
	out := prepare(h)
	for i, o := range out {
		in, orig := o.Input.(Input), h[i].Input.(Input)
		if in.cannotWait != (in.Kind == TerminateSignal && marked[in.Call]) {
			t.Errorf("%s: cannotWait %v", describeOperation(in, o.Output), in.cannotWait)
		}
		in.cannotWait = false
		if !reflect.DeepEqual(in, orig) || o.Call != h[i].Call || o.Return != h[i].Return || o.Output != h[i].Output {
			t.Errorf("op %d changed: %+v, was %+v", i, o, h[i])
		}
	}
}

// TestCheckBudgetAgreesWithPorcupine draws small histories, well formed
// or not, and checks that CheckBudget without a budget gives porcupine's
// own verdict on the model without partitions and without the checker's
// hints: partitioning and the hints change how long the search takes,
// never what it finds.
func TestCheckBudgetAgreesWithPorcupine(t *testing.T) {
	codes := []uint32{ErrorSuccess, WaitTimeout, ErrorPossibleDeadlock, ErrorInvalidParameter, ErrorNotEnoughMemory}
	rapid.Check(t, func(rt *rapid.T) {
		var h []porcupine.Operation
		n := rapid.IntRange(1, 8).Draw(rt, "calls")
		for id := 1; id <= n; id++ {
			w := rapid.IntRange(0, 2).Draw(rt, "worker")
			call := rapid.Int64Range(1, 20).Draw(rt, "call")
			ret := call + rapid.Int64Range(0, 10).Draw(rt, "length")
			if rapid.IntRange(0, 7).Draw(rt, "pending") == 0 {
				ret = pending
			}
			code := rapid.SampledFrom(codes).Draw(rt, "code")
			self := rapid.Bool().Draw(rt, "self")
			a := exArgs{timeout: Infinite, self: self, waitOnly: rapid.Bool().Draw(rt, "waitOnly")}
			if rapid.Bool().Draw(rt, "timed") {
				a.timeout = 10
				a.deadline = rapid.Int64Range(0, ret).Draw(rt, "deadline")
			}
			switch rapid.IntRange(0, 6).Draw(rt, "kind") {
			case 0:
				h = hist(h, create(w, call, ret, code))
			case 1:
				h = hist(h, check(w, call, ret, rapid.Bool().Draw(rt, "flag")))
			case 2:
				h = hist(h, exitGone(w, call, call+rapid.Int64Range(0, 3).Draw(rt, "gone")))
			case 3, 4:
				h = hist(h, terminateBy(w, id, call, ret, self))
			case 5:
				h = hist(h, terminateEx(w, id, call, ret, code, a))
			case 6:
				ws := rapid.SliceOfNDistinct(rapid.IntRange(0, 2), 0, 3, rapid.ID[int]).Draw(rt, "workers")
				a.atomic = rapid.Bool().Draw(rt, "atomic")
				h = hist(h, workersTerminate(ws, id, call, ret, code, a))
			}
		}
		v, _ := CheckBudget(h, Unlimited)
		want := NotLinearizable
		if porcupine.CheckOperations(newModel(nil), h) {
			want = Linearizable
		}
		if v != want {
			var desc []string
			for _, o := range h {
				desc = append(desc, fmt.Sprintf("[%d,%d] %s", o.Call, o.Return, describeOperation(o.Input, o.Output)))
			}
			rt.Fatalf("CheckBudget %v, porcupine %v on %q", v, want, desc)
		}
	})
}

func TestVerdictString(t *testing.T) {
	for v, want := range map[Verdict]string{Linearizable: "linearizable", NotLinearizable: "not linearizable",
		Undecided: "undecided", 0: "Verdict(0)"} {
		if got := v.String(); got != want {
			t.Errorf("Verdict(%d).String() = %q, want %q", int(v), got, want)
		}
	}
}

// drawRun draws a history the way a run makes one: a random sequential
// execution of the model (each operation tried until one the current state
// admits), each operation at its own point, a call's halves sharing an
// interval around their points, every interval widened at random, and calls
// still open at the end left with unknown outputs. Such a history is
// linearizable by construction; with probability one half, one operation's
// output or interval is then changed, which may or may not make it
// illegal.
func drawRun(rt *rapid.T) []porcupine.Operation {
	type call struct {
		ops        []int // indexes into h of the call's halves
		first      int64 // point of its first half
		in         Input // the return half to come
		hasSignals bool
	}
	codes := []uint32{ErrorSuccess, ErrorSuccess, WaitTimeout, ErrorPossibleDeadlock, ErrorNotEnoughMemory, ErrorInvalidParameter}
	var h []porcupine.Operation
	var opens []*call
	var points []int64
	s := state(nil)
	point := int64(10)
	id := 0
	emit := func(in Input, out Output) bool {
		next := step(s, in, out)
		if len(next) == 0 {
			return false
		}
		s = next[rapid.IntRange(0, len(next)-1).Draw(rt, "next")]
		h = append(h, op(in, out, point, point))
		points = append(points, point)
		point += 6 // so that widened intervals overlap their neighbours' only sometimes
		return true
	}
	steps := rapid.IntRange(1, 12).Draw(rt, "steps")
	for range steps {
		for try := 0; try < 20; try++ {
			w := rapid.IntRange(0, 1).Draw(rt, "worker")
			self := rapid.IntRange(0, 3).Draw(rt, "self") == 0
			code := rapid.SampledFrom(codes).Draw(rt, "code")
			deadline := rapid.Int64Range(0, point).Draw(rt, "deadline")
			done := false
			switch rapid.SampledFrom([]int{0, 0, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 6}).Draw(rt, "action") {
			case 0:
				id++
				done = emit(Input{Kind: Create, Call: id, Worker: w}, Output{Code: code})
			case 1:
				id++
				done = emit(Input{Kind: CheckTerminate, Call: id, Worker: w, Self: self}, Output{Flag: rapid.Bool().Draw(rt, "flag")})
			case 2:
				done = emit(Input{Kind: Exit, Worker: w, Tick: point, Gone: point + rapid.Int64Range(0, 3).Draw(rt, "gone")}, Output{})
			case 3: // open a Terminate or a TerminateEx with WaitOnly FALSE
				id++
				kind, ret := TerminateSignal, Input{Kind: TerminateReturn, Call: id, Worker: w, Self: self}
				if rapid.Bool().Draw(rt, "ex") {
					kind, ret = ExSignal, Input{Kind: ExReturn, Call: id, Worker: w, Self: self, Timeout: 10}
				}
				c := &call{first: point, in: ret, hasSignals: true}
				if done = emit(Input{Kind: kind, Call: id, Worker: w, Self: self}, Output{}); done {
					c.ops = []int{len(h) - 1}
					opens = append(opens, c)
				}
			case 4: // open a WorkersTerminate with WaitOnly FALSE
				id++
				ws := rapid.SliceOfNDistinct(rapid.IntRange(0, 2), 1, 3, rapid.ID[int]).Draw(rt, "workers")
				c := &call{first: point, in: Input{Kind: MultiReturn, Call: id, Worker: ws[0], Workers: ws, Self: self, Timeout: 10}, hasSignals: true}
				done = true
				for _, t := range ws {
					if !emit(Input{Kind: ExSignal, Call: id, Worker: t, Self: self}, Output{}) {
						panic("a signal half is always legal")
					}
					c.ops = append(c.ops, len(h)-1)
				}
				opens = append(opens, c)
			case 5: // a wait-only TerminateEx or WorkersTerminate, one operation
				id++
				in := Input{Kind: ExReturn, Call: id, Worker: w, Self: self, WaitOnly: true, Timeout: 10, DeadlineTick: deadline}
				if rapid.Bool().Draw(rt, "multi") {
					ws := rapid.SliceOfNDistinct(rapid.IntRange(0, 2), 0, 3, rapid.ID[int]).Draw(rt, "workers")
					in = Input{Kind: MultiReturn, Call: id, Worker: w, Workers: ws, Self: self, WaitOnly: true,
						NullEntry: rapid.IntRange(0, 5).Draw(rt, "null") == 0, Timeout: 10, DeadlineTick: deadline}
				}
				done = emit(in, Output{Code: code})
			case 6: // close an open call
				if len(opens) == 0 {
					continue
				}
				k := rapid.IntRange(0, len(opens)-1).Draw(rt, "close")
				c := opens[k]
				in := c.in
				in.DeadlineTick = deadline
				if done = emit(in, Output{Code: code}); done {
					c.ops = append(c.ops, len(h)-1)
					opens = append(opens[:k], opens[k+1:]...)
					widen(rt, h, c.ops, c.first, points[len(points)-1], false)
				}
			}
			if done {
				break
			}
		}
	}
	for _, c := range opens { // never returned
		if !emit(c.in, Output{Unknown: true}) {
			panic("an unknown return half is always legal after its signal")
		}
		c.ops = append(c.ops, len(h)-1)
		widen(rt, h, c.ops, c.first, points[len(points)-1], true)
	}
	for i := range h {
		if h[i].Call == h[i].Return && h[i].Input.(Input).Kind != Exit && h[i].Return != pending {
			widen(rt, h, []int{i}, h[i].Call, h[i].Return, false)
		}
	}
	var victims []int // operations whose output the model reads
	for i, o := range h {
		if k := o.Input.(Input).Kind; k == Create || k == CheckTerminate || k == ExReturn || k == MultiReturn {
			victims = append(victims, i)
		}
	}
	if rapid.Bool().Draw(rt, "mutate") && len(victims) > 0 {
		i := rapid.SampledFrom(victims).Draw(rt, "victim")
		switch out := h[i].Output.(Output); rapid.IntRange(0, 2).Draw(rt, "mutation") {
		case 0:
			out.Flag = !out.Flag
			h[i].Output = out
		case 1:
			out.Code = rapid.SampledFrom(codes).Draw(rt, "code")
			h[i].Output = out
		case 2:
			h[i].Call = max(1, h[i].Call+rapid.Int64Range(-12, 12).Draw(rt, "shift"))
			h[i].Return = max(h[i].Call, h[i].Return+rapid.Int64Range(-12, 12).Draw(rt, "shift"))
		}
	}
	return h
}

// widen gives the operations at idx the interval [from-a, to+b] for random
// a, b (to: pending when unknown).
func widen(rt *rapid.T, h []porcupine.Operation, idx []int, from, to int64, unknown bool) {
	call := max(1, from-rapid.Int64Range(0, 5).Draw(rt, "before"))
	ret := to + rapid.Int64Range(0, 5).Draw(rt, "after")
	if unknown {
		ret = pending
	}
	for _, i := range idx {
		h[i].Call, h[i].Return = call, ret
	}
}

// TestCheckBudgetAgreesWithPorcupineOnRuns is TestCheckBudgetAgreesWithPorcupine
// on histories drawn from the model's own runs, mostly linearizable.
func TestCheckBudgetAgreesWithPorcupineOnRuns(t *testing.T) {
	seen := map[Verdict]int{}
	rapid.Check(t, func(rt *rapid.T) {
		for range 30 { // several histories per case: each is cheap
			h := drawRun(rt)
			v, _ := CheckBudget(h, Unlimited)
			want := NotLinearizable
			if porcupine.CheckOperations(newModel(nil), h) {
				want = Linearizable
			}
			seen[want]++
			if v != want {
				var desc []string
				for _, o := range h {
					desc = append(desc, fmt.Sprintf("[%d,%d] %s", o.Call, o.Return, describeOperation(o.Input, o.Output)))
				}
				rt.Fatalf("CheckBudget %v, porcupine %v on %q", v, want, desc)
			}
		}
	})
	if seen[Linearizable] == 0 || seen[NotLinearizable] == 0 {
		t.Errorf("the generator drew %v; it should draw both", seen)
	}
	t.Logf("verdicts drawn: %v", seen)
}
