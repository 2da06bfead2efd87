/* ReleaseSemaphore(2) with three blocked waiters releases exactly two. */
#include "probe.h"

static HANDLE s;
static volatile LONG woken, timedout;

static DWORD WINAPI waiter(LPVOID p)
{
	(void)p;
	if (WaitForSingleObject(s, 1000) == WAIT_OBJECT_0)
		InterlockedIncrement(&woken);
	else
		InterlockedIncrement(&timedout);
	return 0;
}

int main(void)
{
	s = CreateSemaphore(NULL, 0, 10, NULL);
	HANDLE a = spawn(waiter, NULL), b = spawn(waiter, NULL), c = spawn(waiter, NULL);
	Sleep(SETTLE);
	ReleaseSemaphore(s, 2, NULL);
	say("setter_gets", WaitForSingleObject(s, 0));
	join(a);
	join(b);
	join(c);
	say("woken", woken);
	say("timedout", timedout);
	CloseHandle(s);
	return 0;
}
