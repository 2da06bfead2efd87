// Package properties checks CLUS_WORKER implementations: it runs them on the
// simulated kernel under many schedules and checks every run against the
// rules of package model.
//
// # The conformance kit
//
// An implementer's whole test is
//
//	func TestMyWorker(t *testing.T) {
//		properties.Check(t, func() sim.WorkerAPI { return &myImpl{} })
//	}
//
// [Check] first verifies every named scenario of package sim/scenario with
// DPOR within one preemption (as far as its budget goes; the log names the
// scenarios it fully covered), samples each under the random and PCT
// strategies, then runs scenarios and schedules that rapid generates, one draw per scheduling decision (0 keeps the current
// thread running, so shrinking removes preemptions). The first run that
// breaks a rule fails the test with the rule's ID and tier, the calls,
// threads and steps involved, a saved trace (shrunk as well), and the one
// command that replays it. Options and -simrun.* test flags (each with a
// SIMRUN_* environment twin) set the budget, the seed, the tier, the trace
// directory, parallelism and replay. [Battery] is the same battery, with
// seeded generated scenarios instead of rapid, for programs with no
// testing.T.
//
// # Exploration and verification
//
// Every battery, verification and sweep is a list of [Job]s run by
// [Explore]: a scenario under one strategy spec (which says what each run
// is: random and PCT take a fresh strategy seeded Seed+i for run i, DFS and
// DPOR are one exploration each), or a range of generated scenarios. Jobs
// are independent, so Explore runs them on several goroutines ([Exploration]
// Parallel) or splits them over machines (Shard) and reports what the
// sequential run reports. [Verify] runs DPOR on each scenario and says
// whether it covered every class of schedules within the preemption bound;
// [NewSummary], [MergeSummaries] and [Summary.Report] carry a sharded
// verification's results to one report, the same bytes for any number of
// shards.
//
// # The checks
//
// [Analyze] judges one run from its kernel result and the harness that
// recorded its history. It reports:
//
//   - LIN: the history is linearizable against the porcupine model of the
//     Terminate-flag semantics; a history that is not gets a diagnosis that
//     names the documented rule it breaks (D3, D5, D8, D9, S1, P3, P7);
//   - direct checks over the kernel log for D1, D6, D7, D8, D9 and S1, and
//     for the safe tier: P1 (self-calls), P2 (handle faults and hThread left
//     set), P3 (timeouts on the virtual clock), P5 (prompt non-first
//     Terminate), P6 (leaks after the clean-up), P7 (signal-all-first, NULL
//     entries, empty arrays) and P9 (Create failure);
//   - RACE, data races on the implementation's plain Cell accesses;
//   - DEADLOCK, STEPBOUND, PANIC and ESCAPE, the engine's findings.
//
// Every [Violation] names its rule, its tier, the threads and the step, with
// a deterministic message. The documented tier alone can be checked with
// [DocumentedOnly].
//
// # Traces
//
// [Outcome.Trace] records a run in the format of package traces; [Replay]
// re-executes a trace exactly and says where a run diverges; [Shrink] makes a
// failing trace smaller (fewer decisions, fewer preemptions, a simpler
// scenario) while the same rule still breaks; [Visualize] writes porcupine's
// HTML view of a trace, annotated with the violations.
package properties
