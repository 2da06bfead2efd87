/* Interlocked increments from two threads are never lost. */
#include "probe.h"

static volatile LONG n;

static DWORD WINAPI bump(LPVOID p) { (void)p; InterlockedIncrement(&n); InterlockedIncrement(&n); return 0; }

int main(void)
{
	HANDLE a = spawn(bump, NULL), b = spawn(bump, NULL);
	join(a);
	join(b);
	say("n", n);
	return 0;
}
