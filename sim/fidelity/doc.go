// Package fidelity is the differential fidelity suite of the simulated
// kernel: it holds no code of its own, only the suite's documentation, its
// probes and their goldens, and the test that compares them with sim.
//
// A probe is one behaviour of the Win32 subset that package sim offers,
// written twice from the public Win32 documentation: as a C program
// (testdata/probes/NAME.c, built with mingw-w64) and as its twin against
// sim (in probes_test.go). deploy/record-fidelity.sh runs every C probe
// under Wine and records what it printed in testdata/wine/NAME.out; the
// test explores the twin under every schedule sim can produce (exhaustive
// DFS) and requires each of them to print exactly the golden. So a
// behaviour where sim and Windows disagree, in any interleaving, fails the
// suite, and CI needs neither Wine nor a C cross-compiler: it compares with
// the committed goldens.
//
// Probes print key=value lines and order their threads with Sleep, so that
// a real run is deterministic (the script runs each probe several times and
// refuses one that is not); in sim, the same Sleep lets every other thread
// run until it blocks. A probe whose outcome Windows leaves open prints a
// summary that is not (for example how many of two waiters woke, not
// which).
//
// Where sim deliberately differs from Windows, the twin is listed in
// [Simplifications] with the reason, and the suite checks that it does
// differ (a simplification that no longer holds is a stale list).
//
// To add a probe: write NAME.c (include probe.h), write its twin in the
// probes table, run deploy/record-fidelity.sh NAME on a machine with Wine
// (deploy/install-tools.sh installs it), and commit the golden.
package fidelity

// Simplification is a probe on which sim deliberately differs from Wine.
type Simplification struct {
	// Probe names the probe.
	Probe string
	// Why says what sim does instead, and why.
	Why string
}

// Simplifications returns where sim deliberately differs from Wine, by
// probe, in name order. The README shows the list.
func Simplifications() []Simplification {
	return []Simplification{
		{"handle-value-reused", "sim never reuses a handle value, so a stale handle is always seen as a use after close (Windows may hand the value to the next object)"},
		{"wfmo-duplicate-any", "sim refuses the same handle twice in a wait-any with ERROR_INVALID_PARAMETER, as the WaitForMultipleObjects page says; Windows and Wine check only wait-all"},
		{"wfmo-duplicate-object-all", "sim refuses one object twice in a wait-all with ERROR_INVALID_PARAMETER, as the page says and Windows does; Wine 8.0 accepts it"},
	}
}
