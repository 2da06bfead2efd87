/* An auto-reset event set once releases exactly one of two blocked
 * waiters; the other times out. */
#include "probe.h"

static HANDLE e;
static volatile LONG woken, timedout;

static DWORD WINAPI waiter(LPVOID p)
{
	(void)p;
	if (WaitForSingleObject(e, 1000) == WAIT_OBJECT_0)
		InterlockedIncrement(&woken);
	else
		InterlockedIncrement(&timedout);
	return 0;
}

int main(void)
{
	e = CreateEvent(NULL, FALSE, FALSE, NULL);
	HANDLE a = spawn(waiter, NULL), b = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(e);
	join(a);
	join(b);
	say("woken", woken);
	say("timedout", timedout);
	CloseHandle(e);
	return 0;
}
