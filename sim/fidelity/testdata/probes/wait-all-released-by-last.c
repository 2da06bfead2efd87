/* A blocked wait-all is released when its last object is set, and takes
 * the auto-reset one. */
#include "probe.h"

static HANDLE hs[2];
static volatile DWORD got = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForMultipleObjects(2, hs, TRUE, 5000); return 0; }

int main(void)
{
	hs[0] = CreateEvent(NULL, FALSE, FALSE, NULL);
	hs[1] = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(hs[0]);
	Sleep(SETTLE);
	SetEvent(hs[1]);
	join(h);
	say("waiter", got);
	say("auto_after", WaitForSingleObject(hs[0], 0));
	say("manual_after", WaitForSingleObject(hs[1], 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
