package properties

import (
	"errors"
	"strings"
	"testing"

	"github.com/clussim/clussim/scheduler"
	"github.com/clussim/clussim/sim"
	"github.com/clussim/clussim/sim/scenario"
)

// A broken constructor fails the one test that uses it, with a message
// that says what is wrong; it never takes the test binary down.
func TestCheckSurvivesBrokenNewAPI(t *testing.T) {
	for _, tc := range []struct {
		name   string
		newAPI func() sim.WorkerAPI
		opts   []Option
		want   string
	}{
		{"nil", nil, nil, "got nil"},
		{"panics", func() sim.WorkerAPI { panic("constructor exploded") }, nil, "newAPI panicked: constructor exploded"},
		{"panics-parallel", func() sim.WorkerAPI { panic("constructor exploded") }, []Option{Parallel(2)}, "newAPI panicked: constructor exploded"},
		{"returns-nil", func() sim.WorkerAPI { return nil }, nil, "returned a nil sim.WorkerAPI"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := runCheck(t, tc.newAPI, append([]Option{TraceDir(t.TempDir())}, tc.opts...)...)
			msg := strings.Join(f.errors, "\n")
			if !f.failed || !strings.Contains(msg, tc.want) {
				t.Fatalf("want a failure naming %q, got failed=%v:\n%s", tc.want, f.failed, msg)
			}
		})
	}
}

func TestRunnerReportsBrokenNewAPI(t *testing.T) {
	s, _ := scenario.Lookup("join")
	_, err := NewRunner(func() sim.WorkerAPI { panic("x") }, 0, false).Run(s, scheduler.NewRandom(1))
	if !errors.Is(err, ErrNewAPI) {
		t.Fatalf("want ErrNewAPI, got %v", err)
	}
}

func TestReplayCommandSelectsTheSubtest(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{"TestMine", `go test -run '^TestMine$' -simrun.replay=x.json`},
		{"TestMine/case_1", `go test -run '^TestMine$/^case_1$' -simrun.replay=x.json`},
		{"TestA/b/c.d", `go test -run '^TestA$/^b$/^c\.d$' -simrun.replay=x.json`},
	} {
		if got := replayCommand(tc.name, "x.json"); got != tc.want {
			t.Errorf("replayCommand(%q) = %s, want %s", tc.name, got, tc.want)
		}
	}
}
