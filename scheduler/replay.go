package scheduler

import (
	"errors"
	"fmt"
)

// ErrDiverged is wrapped by every error a strict [Replay] returns when the
// run does not follow its recording.
var ErrDiverged = errors.New("replay diverged")

// Replay repeats a recorded list of decisions. In strict mode (the default)
// any mismatch between the recording and the run is an error that names the
// step: a decision of the wrong kind or at the wrong step, a recorded thread
// that is not enabled, a value out of range, a run that needs more decisions
// than were recorded, or one that ends with decisions left over.
//
// In lenient mode (used by shrinking, which edits recordings) a decision
// that does not fit is replaced by the default one: keep running the current
// thread (or the lowest enabled one) and take value 0; decisions left over
// are ignored.
type Replay struct {
	decisions []Decision
	pos       int
	lenient   bool
	err       error // the first divergence, for Err
}

// Err returns the first divergence a strict replay reported (it wraps
// [ErrDiverged]), or nil when the run followed the recording so far.
func (r *Replay) Err() error { return r.err }

// diverged records err as the replay's first divergence and returns it.
func (r *Replay) diverged(err error) error {
	if r.err == nil {
		r.err = err
	}
	return err
}

// NewReplay returns a strict replay of decisions.
func NewReplay(decisions []Decision) *Replay {
	return &Replay{decisions: decisions}
}

// NewLenientReplay returns a lenient replay of decisions.
func NewLenientReplay(decisions []Decision) *Replay {
	return &Replay{decisions: decisions, lenient: true}
}

func (r *Replay) take(kind DecisionKind, step int64) (Decision, error) {
	if r.pos >= len(r.decisions) {
		return Decision{}, r.diverged(fmt.Errorf("scheduler: %w at step %d: the run needs a %s decision but the recording has only %d",
			ErrDiverged, step, kind, len(r.decisions)))
	}
	d := r.decisions[r.pos]
	r.pos++
	if d.Kind != kind || d.Step != step {
		return d, r.diverged(fmt.Errorf("scheduler: %w at step %d: the run needs a %s decision here but decision %d of the recording is a %s decision at step %d",
			ErrDiverged, step, kind, r.pos-1, d.Kind, d.Step))
	}
	return d, nil
}

// NextThread implements [Strategy].
func (r *Replay) NextThread(enabled []ThreadID, current int, step int64) (int, error) {
	if r.lenient {
		return r.lenientThread(enabled, current, step), nil
	}
	d, err := r.take(DecThread, step)
	if err != nil {
		return 0, err
	}
	for i, id := range enabled {
		if int64(id) == d.Value {
			return i, nil
		}
	}
	return 0, r.diverged(fmt.Errorf("scheduler: %w at step %d: the recording runs T%d but the enabled threads are %v",
		ErrDiverged, step, d.Value, enabled))
}

func (r *Replay) lenientThread(enabled []ThreadID, current int, step int64) int {
	def := max(current, 0)
	// Skip recorded decisions of earlier steps, which edits may leave behind.
	for r.pos < len(r.decisions) && r.decisions[r.pos].Step < step {
		r.pos++
	}
	if r.pos >= len(r.decisions) || r.decisions[r.pos].Step != step || r.decisions[r.pos].Kind != DecThread {
		return def
	}
	d := r.decisions[r.pos]
	r.pos++
	for i, id := range enabled {
		if int64(id) == d.Value {
			return i
		}
	}
	return def
}

// NextValue implements [Strategy].
func (r *Replay) NextValue(thread ThreadID, n int, step int64) (int, error) {
	if r.lenient {
		for r.pos < len(r.decisions) && r.decisions[r.pos].Step < step {
			r.pos++
		}
		if r.pos < len(r.decisions) && r.decisions[r.pos].Step == step && r.decisions[r.pos].Kind == DecValue {
			d := r.decisions[r.pos]
			r.pos++
			if d.Value >= 0 && d.Value < int64(n) {
				return int(d.Value), nil
			}
		}
		return 0, nil
	}
	d, err := r.take(DecValue, step)
	if err != nil {
		return 0, err
	}
	if d.Value < 0 || d.Value >= int64(n) {
		return 0, r.diverged(fmt.Errorf("scheduler: %w at step %d: the recording chooses value %d but T%d's decision has %d outcomes",
			ErrDiverged, step, d.Value, thread, n))
	}
	return int(d.Value), nil
}

// Finish implements [Finisher]: a strict replay fails when decisions are
// left over.
func (r *Replay) Finish(steps int64) error {
	if r.lenient || r.pos == len(r.decisions) {
		return nil
	}
	return r.diverged(fmt.Errorf("scheduler: %w: the run ended at step %d with %d of %d recorded decisions unused",
		ErrDiverged, steps, len(r.decisions)-r.pos, len(r.decisions)))
}
