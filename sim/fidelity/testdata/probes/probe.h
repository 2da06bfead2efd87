/* probe.h: what every fidelity probe shares. A probe is one behaviour of
 * the Win32 subset that clussim's sim package offers, written from the
 * public Win32 documentation, and printed as key=value lines. Its twin in
 * sim/fidelity/probes_test.go does the same against sim; the suite checks
 * that every schedule sim can produce prints what Windows (here: Wine)
 * printed. Probes order their threads with Sleep(SETTLE) so that a real
 * Windows run is deterministic; in sim the same Sleep lets every other
 * thread run until it blocks. */
#include <windows.h>
#include <stdio.h>

#define SETTLE 200

static inline void say(const char *key, unsigned long long v)
{
	printf("%s=%llu\n", key, v);
	fflush(stdout);
}

static inline HANDLE spawn(LPTHREAD_START_ROUTINE f, void *arg)
{
	return CreateThread(NULL, 0, f, arg, 0, NULL);
}

static inline void join(HANDLE h)
{
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
}
