package traces

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/clussim/clussim/sim"
)

// Defaults and limits of the timeline view.
const (
	defaultColumnWidth = 30
	minColumnWidth     = 12
	// MaxColumnWidth is the widest column ViewOptions.Width may ask for.
	MaxColumnWidth = 200
	// manyEvents is the length of log past which the default view leaves
	// plain cell accesses out.
	manyEvents = 400
	// maxTimelineBytes bounds the table: a row count times a row width
	// can grow far past what a terminal shows, so the rows stop there.
	maxTimelineBytes = 64 << 20
)

// ErrOption is wrapped by the error of ViewOptions.Validate.
var ErrOption = errors.New("traces: bad view option")

// ViewOptions tune Timeline. The zero value is the default view.
type ViewOptions struct {
	// Width is the width of one thread's column: 0 for the default (30),
	// else at most MaxColumnWidth; widths below 12 are widened to 12.
	Width int
	// Steps shows every scheduling step, cell accesses included; by default
	// plain cell loads and stores are left out when the run is long.
	Steps bool
}

// Validate reports whether o is within the limits: Width must be 0 (the
// default) or from 1 to MaxColumnWidth. The error wraps ErrOption.
func (o ViewOptions) Validate() error {
	if o.Width < 0 || o.Width > MaxColumnWidth {
		return fmt.Errorf("%w: width %d is out of range: want 0 (the default, %d) or 1 to %d",
			ErrOption, o.Width, defaultColumnWidth, MaxColumnWidth)
	}
	return nil
}

// columnWidth is the width Timeline uses for o, clamped to the limits
// whether or not o is valid.
func (o ViewOptions) columnWidth() int {
	if o.Width == 0 {
		return defaultColumnWidth
	}
	return min(max(o.Width, minColumnWidth), MaxColumnWidth)
}

// Timeline renders the run as a table with one column per thread and one
// row per event, in tick order, with the virtual time and step of each row.
// The step of the first violation is marked with ">>". Every string taken
// from the trace goes through Sanitize, so the result is safe to print on a
// terminal whatever the trace holds; Timeline never panics, whatever t and
// o (invalid options are clamped, see ViewOptions.Validate).
func Timeline(t *Trace, o ViewOptions) string {
	width := o.columnWidth()
	threads := int32(1)
	names := []string{"main"}
	for _, ev := range t.Events {
		if ev.Kind == "spawn" && threads < maxThreads {
			threads++
			names = append(names, ev.Op)
		}
	}
	owner := threadRoles(t, int(threads))
	for i := range names {
		switch {
		case i < len(t.Threads) && t.Threads[i] != "":
			names[i] = t.Threads[i]
		case owner[i] != "":
			names[i] = owner[i]
		}
		names[i] = Sanitize(names[i])
	}
	cells := make([]string, len(t.Cells))
	for i, c := range t.Cells {
		cells[i] = Sanitize(c)
	}
	v := &t.Verdict
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s, implementation %s, strategy %s", Sanitize(t.Scenario.Name), Sanitize(t.Impl), t.Strategy)
	if v.Failed {
		fmt.Fprintf(&b, "\n%s (%s) at step %d: %s", Sanitize(v.Rule), Sanitize(v.Tier), v.Step, Sanitize(v.Message))
	} else {
		b.WriteString("\nno rule broken")
	}
	b.WriteString("\n\n")
	cell := func(s string) string {
		n := utf8.RuneCountInString(s)
		if n > width-1 {
			s = truncate(s, width-2) + "~"
			n = width - 1
		}
		return s + strings.Repeat(" ", width-n)
	}
	var head strings.Builder
	fmt.Fprintf(&head, "   %6s %6s %7s |", "tick", "step", "ms")
	for i := range threads {
		head.WriteString(" " + cell(fmt.Sprintf("T%d %s", i, names[i])))
	}
	b.WriteString(strings.TrimRight(head.String(), " ") + "\n")
	skipCells := !o.Steps && len(t.Events) > manyEvents
	shown := func(ev Event) bool {
		return eventText(ev, cells) != "" && !(skipCells && isCellOp(ev.Op) && ev.Kind == "step")
	}
	// The marker goes on the row of the first violation's own tick (the
	// call's return, say) when that row is shown; otherwise on the steps
	// of its step.
	markTick := int64(-1)
	if v.Failed && len(v.Violations) > 0 {
		if tk := v.Violations[0].Tick; tk >= 0 && tk < int64(len(t.Events)) && shown(t.Events[tk]) {
			markTick = tk
		}
	}
	blank := " " + cell("")
	for tick, ev := range t.Events {
		if b.Len() > maxTimelineBytes {
			fmt.Fprintf(&b, "(the rest of the log, from tick %d on, is left out: the timeline is limited to %d MiB)\n",
				tick, maxTimelineBytes>>20)
			break
		}
		if !shown(ev) {
			continue
		}
		text := eventText(ev, cells)
		mark := "  "
		switch {
		case markTick >= 0 && int64(tick) == markTick:
			mark = ">>"
		case markTick < 0 && v.Failed && ev.Step == v.Step && (ev.Kind == "step" || ev.Kind == "wake" || ev.Kind == "timeout"):
			mark = ">>"
		}
		fmt.Fprintf(&b, "%s %6d %6d %7d |", mark, tick, ev.Step, ev.Time)
		if ev.Thread < 0 || ev.Thread >= threads {
			b.WriteString(" " + text + "\n")
			continue
		}
		// The columns right of the event's are blank: leave them out
		// rather than trim them.
		for range ev.Thread {
			b.WriteString(blank)
		}
		b.WriteString(strings.TrimRight(" "+cell(text), " "))
		b.WriteString("\n")
	}
	if len(v.Violations) > 1 {
		b.WriteString("\nall violations:\n")
		for _, x := range v.Violations {
			fmt.Fprintf(&b, "  step %d: %s (%s): %s\n", x.Step, Sanitize(x.Rule), Sanitize(x.Tier), Sanitize(x.Message))
		}
	}
	if f := v.Failure; f != nil {
		fmt.Fprintf(&b, "\nthe run ended early: %s at step %d: %s\n", Sanitize(f.Kind), f.Step, Sanitize(f.Message))
	}
	return strings.TrimRight(b.String(), " \n") + "\n"
}

// truncate returns the first n runes of s.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// threadRoles names the threads that run worker routines, e.g. "w0 routine".
func threadRoles(t *Trace, n int) []string {
	out := make([]string, n)
	for _, c := range t.Calls {
		if c.Kind == sim.CallStart.String() && c.Thread >= 0 && int(c.Thread) < n && out[c.Thread] == "" {
			out[c.Thread] = fmt.Sprintf("w%d routine", c.Worker)
		}
	}
	return out
}

func isCellOp(op string) bool {
	switch op {
	case sim.OpLoad, sim.OpStore, sim.OpAtomicLoad, sim.OpAtomicStore, sim.OpCAS, sim.OpSwap:
		return true
	}
	return false
}

// eventText renders one event for its thread's column; "" hides it.
// cells are the sanitized cell names.
func eventText(ev Event, cells []string) string {
	ev.Kind, ev.Op = Sanitize(ev.Kind), Sanitize(ev.Op)
	switch ev.Kind {
	case "clock":
		return fmt.Sprintf("-- clock jumps to %d ms --", ev.Time)
	case "spawn":
		return fmt.Sprintf("spawn T%d", ev.Args[0])
	case "exit":
		return "(exit)"
	case "block":
		return "blocks in " + ev.Op
	case "wake":
		return "wakes"
	case "timeout":
		return "times out"
	case "choice":
		if ev.Result != 0 {
			return "FAULT: " + ev.Op
		}
		return ""
	case "note":
		switch {
		case strings.HasPrefix(ev.Op, sim.NoteCallPrefix):
			return fmt.Sprintf("-> %s #%d w%d", shortCall(strings.TrimPrefix(ev.Op, sim.NoteCallPrefix)), ev.Args[0], ev.Args[1])
		case strings.HasPrefix(ev.Op, sim.NoteReturnPrefix):
			name := strings.TrimPrefix(ev.Op, sim.NoteReturnPrefix)
			switch kind, _ := sim.ParseCallKind(name); kind {
			case sim.CallTerminate: // VOID
				return fmt.Sprintf("<- %s #%d", shortCall(name), ev.Args[0])
			case sim.CallCheckTerminate: // BOOL
				v := "FALSE"
				if ev.Args[1] != 0 {
					v = "TRUE"
				}
				return fmt.Sprintf("<- %s #%d = %s", shortCall(name), ev.Args[0], v)
			}
			return fmt.Sprintf("<- %s #%d = %s", shortCall(name), ev.Args[0], sim.ErrorName(uint32(ev.Args[1])))
		case ev.Op == sim.NoteRoutineStart:
			return fmt.Sprintf("routine of w%d starts", ev.Args[0])
		case ev.Op == sim.NoteRoutineExit:
			return fmt.Sprintf("routine of w%d returns %d", ev.Args[0], ev.Args[1])
		}
		return ""
	case "step":
		return stepText(ev, cells)
	}
	return ev.Kind
}

func shortCall(name string) string {
	return strings.TrimPrefix(strings.TrimPrefix(name, "ClusWorkers"), "ClusWorker")
}

func stepText(ev Event, cells []string) string {
	c := fmt.Sprintf("c%d", ev.Args[0])
	if isCellOp(ev.Op) && ev.Args[0] >= 0 && ev.Args[0] < int64(len(cells)) && cells[ev.Args[0]] != "" {
		c = cells[ev.Args[0]]
	}
	switch ev.Op {
	case "start":
		return "starts"
	case sim.OpLoad, sim.OpAtomicLoad:
		return fmt.Sprintf("%s %s = %d", ev.Op, c, ev.Result)
	case sim.OpStore, sim.OpAtomicStore:
		return fmt.Sprintf("%s %s := %d", ev.Op, c, ev.Args[1])
	case sim.OpSwap:
		return fmt.Sprintf("Xchg %s := %d (was %d)", c, ev.Args[1], ev.Result)
	case sim.OpCAS:
		return fmt.Sprintf("CmpXchg %s %d->%d ok=%d", c, ev.Args[1], ev.Args[2], ev.Result)
	case sim.OpCloseHandle:
		return fmt.Sprintf("CloseHandle(%#x) = %d", ev.Args[0], ev.Result)
	case sim.OpWaitSingle:
		return fmt.Sprintf("Wait(%#x, %s)", ev.Args[0], msText(ev.Args[1]))
	case sim.OpWaitMultiple:
		return fmt.Sprintf("WaitMultiple(%d, all=%d, %s)", ev.Args[0], ev.Args[1], msText(ev.Args[2]))
	case sim.OpCreateThread:
		return fmt.Sprintf("CreateThread = %#x", ev.Result)
	case sim.OpDuplicateHandle:
		return fmt.Sprintf("DuplicateHandle(%#x) = %#x", ev.Args[0], ev.Result)
	case sim.OpSetEvent, sim.OpResetEvent:
		return fmt.Sprintf("%s(%#x)", ev.Op, ev.Args[0])
	case sim.OpCreateEvent:
		return fmt.Sprintf("CreateEvent = %#x", ev.Result)
	case sim.OpSleep:
		return fmt.Sprintf("Sleep(%s)", msText(ev.Args[0]))
	case sim.OpGetThreadID, sim.OpCurrentThreadID:
		return fmt.Sprintf("%s = %d", ev.Op, ev.Result)
	}
	return ev.Op
}

func msText(ms int64) string {
	if uint32(ms) == sim.Infinite {
		return "INFINITE"
	}
	return fmt.Sprintf("%d ms", ms)
}
