package model

import (
	"fmt"
	"strconv"
	"strings"
)

// describeOperation renders one operation for porcupine's visualization, for
// example "T3 Terminate#5 w0 signal" or "T2 Check w0 -> TRUE".
func describeOperation(in, out interface{}) string {
	i, ok := inputOf(in)
	if !ok {
		return fmt.Sprintf("?%v -> %v", in, out)
	}
	o, _ := outputOf(out)
	var b strings.Builder
	if i.Kind != Exit {
		fmt.Fprintf(&b, "T%d ", i.Thread)
	}
	switch i.Kind {
	case Create:
		fmt.Fprintf(&b, "Create w%d", i.Worker)
		result(&b, o, CodeName(o.Code))
	case CheckTerminate:
		fmt.Fprintf(&b, "Check w%d", i.Worker)
		flag := "FALSE"
		if o.Flag {
			flag = "TRUE"
		}
		result(&b, o, flag)
	case Exit:
		fmt.Fprintf(&b, "w%d exit", i.Worker)
	case TerminateSignal:
		fmt.Fprintf(&b, "Terminate#%d w%d signal", i.Call, i.Worker)
	case TerminateReturn:
		fmt.Fprintf(&b, "Terminate#%d w%d return", i.Call, i.Worker)
		if o.Unknown {
			b.WriteString(" -> ?")
		}
	case ExSignal:
		if len(i.Workers) > 0 {
			fmt.Fprintf(&b, "WorkersTerminate#%d %s signal", i.Call, workerList(i.Workers, false))
		} else {
			fmt.Fprintf(&b, "TerminateEx#%d w%d signal", i.Call, i.Worker)
		}
	case ExReturn:
		fmt.Fprintf(&b, "TerminateEx#%d w%d %s", i.Call, i.Worker, waitArgs(i))
		result(&b, o, CodeName(o.Code))
	case MultiReturn:
		fmt.Fprintf(&b, "WorkersTerminate#%d %s %s", i.Call, workerList(i.Workers, i.NullEntry), waitArgs(i))
		result(&b, o, CodeName(o.Code))
	default:
		fmt.Fprintf(&b, "%v w%d", i.Kind, i.Worker)
	}
	if i.Self && i.Kind != CheckTerminate { // a check is normally the worker's own
		b.WriteString(" (self)")
	}
	return b.String()
}

// result appends " -> value", or " -> ?" for a call that never returned.
func result(b *strings.Builder, o Output, value string) {
	if o.Unknown {
		b.WriteString(" -> ?")
		return
	}
	b.WriteString(" -> " + value)
}

// waitArgs renders the timeout and WaitOnly arguments, e.g. "(250ms)" or
// "(INFINITE, wait only)".
func waitArgs(i Input) string {
	t := strconv.FormatUint(uint64(i.Timeout), 10) + "ms"
	if i.Timeout == Infinite {
		t = "INFINITE"
	}
	if i.WaitOnly {
		t += ", wait only"
	}
	return "(" + t + ")"
}

// workerList renders an array of workers, e.g. "[w0 w2]" or "[w0 NULL]".
func workerList(ws []int, null bool) string {
	parts := make([]string, 0, len(ws)+1)
	for _, w := range ws {
		parts = append(parts, "w"+strconv.Itoa(w))
	}
	if null {
		parts = append(parts, "NULL")
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// describeState renders one state, e.g. "w0{created flag exited@12
// first=#5}", listing only workers that are not zero.
func describeState(st interface{}) string {
	s, ok := st.(state)
	if !ok {
		return fmt.Sprintf("?%v", st)
	}
	var parts []string
	for _, sl := range s {
		idx, w := sl.idx, sl.w
		var f []string
		if w.created {
			f = append(f, "created")
		}
		if w.flag {
			f = append(f, "flag")
		}
		if w.exited {
			f = append(f, "exited@"+strconv.FormatInt(w.exitTick, 10))
		}
		if w.aliveAt != 0 {
			f = append(f, "alive@"+strconv.FormatInt(w.aliveAt, 10))
		}
		if w.first != 0 {
			f = append(f, "first=#"+strconv.Itoa(w.first))
		}
		if len(w.signaled) > 0 {
			calls := make([]string, len(w.signaled))
			for k, c := range w.signaled {
				calls[k] = "#" + strconv.Itoa(c)
			}
			f = append(f, "signaled="+strings.Join(calls, ","))
		}
		parts = append(parts, fmt.Sprintf("w%d{%s}", idx, strings.Join(f, " ")))
	}
	if len(parts) == 0 {
		return "(all zero)"
	}
	return strings.Join(parts, " ")
}
