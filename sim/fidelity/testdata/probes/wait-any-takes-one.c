/* A blocked wait-any over two auto-reset events is released by the first
 * one set and takes only that one. */
#include "probe.h"

static HANDLE hs[2];
static volatile DWORD got = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForMultipleObjects(2, hs, FALSE, 5000); return 0; }

int main(void)
{
	hs[0] = CreateEvent(NULL, FALSE, FALSE, NULL);
	hs[1] = CreateEvent(NULL, FALSE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(hs[1]);
	SetEvent(hs[0]);
	join(h);
	say("waiter", got);
	say("first_after", WaitForSingleObject(hs[0], 0));
	say("second_after", WaitForSingleObject(hs[1], 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
