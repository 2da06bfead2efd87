package properties

import (
	"fmt"
	"slices"
	"strings"

	"github.com/anishathalye/porcupine"

	"github.com/clussim/clussim/model"
)

// maxLinCache bounds the verdicts a runner keeps for reuse.
const maxLinCache = 1 << 14

// linCache keeps the LIN verdicts of the histories a runner has checked,
// so that porcupine runs once per distinct history: the verdict depends on
// nothing but the operations (their clients, inputs and outputs) and the
// order of their calls and returns, which the key holds exactly (no hash,
// so two histories never share a verdict by accident). Only verdicts that
// need no message are kept (linearizable, or undecided within the same
// budget); a history that does not linearize is checked again, since its
// report names its own ticks.
type linCache struct {
	verdicts map[string]LinResult
	// Checked counts the LIN checks porcupine ran, Reused the ones answered
	// from the cache.
	Checked, Reused int
}

// linKey is the exact key of a history for the LIN verdict: every
// operation with its client, input and output, its call and return ranked
// among all the history's calls and returns.
func linKey(ops []porcupine.Operation, budget int64) string {
	ticks := make([]int64, 0, 2*len(ops))
	for _, op := range ops {
		ticks = append(ticks, op.Call, op.Return)
	}
	slices.Sort(ticks)
	rank := func(t int64) int { i, _ := slices.BinarySearch(ticks, t); return i }
	var b strings.Builder
	fmt.Fprintf(&b, "%d|", budget)
	for _, op := range ops {
		fmt.Fprintf(&b, "%d:%v:%v:%d:%d;", op.ClientId, op.Input, op.Output, rank(op.Call), rank(op.Return))
	}
	return b.String()
}

// lookup returns the kept verdict of the history with key k.
func (c *linCache) lookup(k string) (LinResult, bool) {
	if c == nil {
		return LinResult{}, false
	}
	r, ok := c.verdicts[k]
	if ok {
		c.Reused++
	}
	return r, ok
}

// store keeps a verdict that needs no message.
func (c *linCache) store(k string, r LinResult) {
	if c == nil {
		return
	}
	c.Checked++
	if r.Verdict == model.NotLinearizable || len(c.verdicts) >= maxLinCache {
		return
	}
	if c.verdicts == nil {
		c.verdicts = map[string]LinResult{}
	}
	c.verdicts[k] = r
}
