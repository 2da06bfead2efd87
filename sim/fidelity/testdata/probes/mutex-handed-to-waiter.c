/* ReleaseMutex hands the mutex to a thread blocked on it: the releaser
 * cannot take it back at once. */
#include "probe.h"

static HANDLE m;
static volatile DWORD got = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForSingleObject(m, 5000); Sleep(SETTLE); ReleaseMutex(m); return 0; }

int main(void)
{
	m = CreateMutex(NULL, TRUE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	ReleaseMutex(m);
	say("releaser_again", WaitForSingleObject(m, 0));
	join(h);
	say("waiter", got);
	CloseHandle(m);
	return 0;
}
