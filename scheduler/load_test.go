package scheduler

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Tuning numbers of the load test.
const (
	// busyEnv, set in its environment, makes TestHelperBusyLoop spin.
	busyEnv = "CLUSSIM_TEST_BUSY_LOOP"
	// busyReady is the line a busy process prints when it starts to spin.
	busyReady = "spinning"
	// busyPerCPU is how many busy processes the load test starts per CPU.
	busyPerCPU = 2
	// loadRuns is how many correct runs the load test makes.
	loadRuns = 2000
	// loadWatchdog is the watchdog period of the load test: short enough
	// that a run starved for a few scheduler time slices stalls for longer.
	loadWatchdog = 5 * time.Millisecond
	// stepWork is how much arithmetic each step of the load test's program
	// does (about 20µs), so that runs take long enough for the machine's
	// scheduler to preempt them.
	stepWork = 20_000
)

// TestHelperBusyLoop is not a test: the load test runs the test binary
// with only this function and busyEnv set, and it spins until killed.
func TestHelperBusyLoop(t *testing.T) {
	if os.Getenv(busyEnv) == "" {
		t.Skip("helper process of TestNoFalseEscapeUnderLoad")
	}
	fmt.Println(busyReady)
	for {
	}
}

// startBusyProcesses starts n processes that each spin on one CPU, waits
// until they all spin, and kills them when the test ends.
func startBusyProcesses(t *testing.T, n int) {
	t.Helper()
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperBusyLoop$", "-test.count=1", "-test.timeout=0")
		cmd.Env = append(os.Environ(), busyEnv+"=1", "GOMAXPROCS=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatalf("start a busy process: %v", err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil || strings.TrimSpace(line) != busyReady {
			t.Fatalf("a busy process did not start spinning: %q, %v", line, err)
		}
	}
}

// spin does n rounds of arithmetic that the compiler cannot drop: the
// simulated work of a step.
func spin(n int) int64 {
	x := uint64(n)
	for range n {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return int64(x >> 60)
}

// loadProgram is a small correct program: four tasks that step, sleep on
// the virtual clock and wait for each other, in fewer steps than the
// engine publishes its progress at (so the watchdog sees none within a run).
func loadProgram(t *Task) {
	f := &flag{name: "go"}
	for w := range 3 {
		t.Spawn(fmt.Sprintf("w%d", w), func(t *Task) {
			for i := range 4 {
				t.Step(t.Intern("work"), int64(w), int64(i), spin(stepWork))
			}
			t.Block(nil, t.Now()+int64(1+w), t.Intern("sleep"), 0, 0)
			t.Block(f, -1, t.Intern("wait"), 0, 0)
		})
	}
	for i := range 6 {
		t.Step(t.Intern("main"), int64(i), spin(stepWork), 0)
	}
	t.Block(nil, t.Now()+10, t.Intern("sleep"), 0, 0)
	f.set = true
}

// TestNoFalseEscapeUnderLoad runs many correct runs with a short watchdog
// while other processes keep every CPU busy: a run that the machine starves
// of CPU time is slow, not escaped, and must never be reported as an
// escape. (With the watchdog on wall time alone, this setup reports false
// escapes.)
func TestNoFalseEscapeUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("starts busy processes; skipped under -short")
	}
	if os.Getenv(busyEnv) != "" {
		t.Skip("inside a helper process")
	}
	startBusyProcesses(t, busyPerCPU*runtime.NumCPU())
	e := New(Config{Watchdog: loadWatchdog})
	start := time.Now()
	var slowest time.Duration
	for i := range loadRuns {
		t0 := time.Now()
		r := e.Run(NewRandom(uint64(i)), loadProgram)
		slowest = max(slowest, time.Since(t0))
		if r.Failure != nil {
			t.Fatalf("run %d of a correct program failed under load (after %v, slowest run %v): %v",
				i, time.Since(start), slowest, r.Failure)
		}
	}
	t.Logf("%d runs under load in %v; slowest run %v (watchdog %v)", loadRuns, time.Since(start), slowest, loadWatchdog)
}
