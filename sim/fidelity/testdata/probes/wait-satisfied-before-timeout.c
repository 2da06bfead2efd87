/* A wait that is satisfied before its timeout returns WAIT_OBJECT_0 even
 * when the setter then resets the manual-reset event at once. */
#include "probe.h"

static HANDLE e;
static volatile DWORD got = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForSingleObject(e, 3000); return 0; }

int main(void)
{
	e = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(e);
	ResetEvent(e);
	say("after_reset", WaitForSingleObject(e, 0));
	join(h);
	say("waiter", got);
	CloseHandle(e);
	return 0;
}
