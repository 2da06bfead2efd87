/* A critical section deleted and initialized again works as a new one. */
#include "probe.h"

static CRITICAL_SECTION cs;
static volatile LONG got = 99;

static DWORD WINAPI other(LPVOID p) { (void)p; got = TryEnterCriticalSection(&cs); if (got) LeaveCriticalSection(&cs); return 0; }

int main(void)
{
	InitializeCriticalSection(&cs);
	EnterCriticalSection(&cs);
	LeaveCriticalSection(&cs);
	DeleteCriticalSection(&cs);
	InitializeCriticalSection(&cs);
	say("owner", TryEnterCriticalSection(&cs) != 0);
	HANDLE h = spawn(other, NULL);
	join(h);
	say("other_while_held", got != 0);
	LeaveCriticalSection(&cs);
	h = spawn(other, NULL);
	join(h);
	say("other_after", got != 0);
	DeleteCriticalSection(&cs);
	return 0;
}
