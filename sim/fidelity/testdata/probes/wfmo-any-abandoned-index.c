/* A wait-any that takes an abandoned mutex returns WAIT_ABANDONED_0 plus
 * the mutex's index. */
#include "probe.h"

static HANDLE m;

static DWORD WINAPI taker(LPVOID p) { (void)p; WaitForSingleObject(m, INFINITE); return 0; }

int main(void)
{
	m = CreateMutex(NULL, FALSE, NULL);
	HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE h = spawn(taker, NULL);
	join(h);
	HANDLE hs[2] = {e, m};
	say("any", WaitForMultipleObjects(2, hs, FALSE, 0));
	ReleaseMutex(m);
	CloseHandle(m);
	CloseHandle(e);
	return 0;
}
