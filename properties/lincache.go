package properties

import (
	"encoding/binary"
	"fmt"
	"slices"

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
	rank := func(t int64) int64 { i, _ := slices.BinarySearch(ticks, t); return int64(i) }
	b := make([]byte, 0, linKeyBytesPerOp*len(ops)+binary.MaxVarintLen64)
	b = binary.AppendVarint(b, budget)
	for _, op := range ops {
		b = binary.AppendVarint(b, int64(op.ClientId))
		b = appendKeyOf(b, op.Input)
		b = appendKeyOf(b, op.Output)
		b = binary.AppendVarint(b, rank(op.Call))
		b = binary.AppendVarint(b, rank(op.Return))
	}
	return string(b)
}

// linKeyBytesPerOp is about how many bytes one operation takes in a key.
const linKeyBytesPerOp = 24

// appendKeyOf appends the key of an operation's input or output: the
// model's exact encoding, or for a value of another type (none in
// practice) its printed form, length first.
func appendKeyOf(b []byte, v any) []byte {
	switch v := v.(type) {
	case model.Input:
		return v.AppendKey(append(b, 'i'))
	case model.Output:
		return v.AppendKey(append(b, 'o'))
	}
	s := fmt.Sprintf("%T:%v", v, v)
	return append(binary.AppendUvarint(append(b, 'x'), uint64(len(s))), s...)
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
