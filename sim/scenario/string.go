package scenario

import (
	"fmt"
	"strings"

	"github.com/clussim/clussim/sim"
)

// String describes the scenario on one line, for example
//
//	join: w0[c0{+0ms finite(5x5ms); +0ms none}] T0{w0#0 +0ms terminate-ex(inf,wait-only)}
//
// Each struct lists its cycles: the delay before Create, the behaviour, the
// delay before the Offline action and that action, and "reap" when set.
// Each terminator lists its targets and cycle, its delay, its call, and
// "release" when set. "faults" ends the line when fault injection is on.
func (s Scenario) String() string {
	var b strings.Builder
	name := s.Name
	if name == "" {
		name = "scenario"
	}
	b.WriteString(name)
	b.WriteString(":")
	for wi, w := range s.Workers {
		fmt.Fprintf(&b, " w%d[", wi)
		for ci, c := range w.Cycles {
			if ci > 0 {
				b.WriteString(" ")
			}
			fmt.Fprintf(&b, "c%d{+%dms %v; +%dms %v", ci, c.Delay, c.Behavior, c.OfflineDelay, c.Offline)
			if c.Reap {
				b.WriteString("; reap")
			}
			b.WriteString("}")
		}
		b.WriteString("]")
	}
	for ti, t := range s.Terminators {
		fmt.Fprintf(&b, " T%d{", ti)
		for i, wi := range t.Workers {
			if i > 0 {
				b.WriteString(",")
			}
			if wi == NullWorker {
				b.WriteString("NULL")
			} else {
				fmt.Fprintf(&b, "w%d", wi)
			}
		}
		if len(t.Workers) == 0 {
			b.WriteString("[]")
		}
		fmt.Fprintf(&b, "#%d +%dms %v", t.Cycle, t.Delay, t.Action)
		if t.Release {
			b.WriteString("; release")
		}
		b.WriteString("}")
	}
	if s.Faults {
		b.WriteString(" faults")
	}
	return b.String()
}

// String renders the action, for example "terminate-ex(30ms,wait-only)".
func (a Action) String() string {
	switch a.Call {
	case CallNone:
		return "none"
	case CallTerminate:
		return string(a.Call)
	}
	timeout := "inf"
	if a.Timeout != sim.Infinite {
		timeout = fmt.Sprintf("%dms", a.Timeout)
	}
	if a.WaitOnly {
		timeout += ",wait-only"
	}
	return fmt.Sprintf("%s(%s)", a.Call, timeout)
}

// String renders the behaviour, for example "poll(every=2,sleep=5ms)" or
// "stubborn(4x10ms,release,every=1)".
func (b Behavior) String() string {
	switch b.Kind {
	case Poll:
		s := fmt.Sprintf("poll(every=%d,sleep=%dms", b.Every, b.Sleep)
		if b.Linger > 0 {
			s += fmt.Sprintf(",linger=%d", b.Linger)
		}
		return s + ")"
	case Finite, Stubborn, SelfTerminate:
		s := fmt.Sprintf("%s(%dx%dms", b.Kind, b.Steps, b.Sleep)
		if b.UntilRelease {
			s += ",release"
		}
		if b.Every > 0 {
			s += fmt.Sprintf(",every=%d", b.Every)
		}
		if b.Kind == SelfTerminate {
			s += "," + b.Self.String()
			if b.CheckAfter > 0 {
				s += fmt.Sprintf(",check-after=%d", b.CheckAfter)
			}
		}
		if b.Linger > 0 {
			s += fmt.Sprintf(",linger=%d", b.Linger)
		}
		return s + ")"
	}
	return fmt.Sprintf("%q", string(b.Kind))
}
