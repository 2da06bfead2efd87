/* An auto-reset event set while a thread is blocked on it goes to that
 * thread inside SetEvent: the setter's own wait right after times out. */
#include "probe.h"

static HANDLE e;
static volatile DWORD got = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForSingleObject(e, 5000); return 0; }

int main(void)
{
	e = CreateEvent(NULL, FALSE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(e);
	say("setter", WaitForSingleObject(e, 0));
	join(h);
	say("waiter", got);
	CloseHandle(e);
	return 0;
}
