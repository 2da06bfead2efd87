/* A wait-all that takes an abandoned mutex returns WAIT_ABANDONED_0. */
#include "probe.h"

static HANDLE m;

static DWORD WINAPI taker(LPVOID p) { (void)p; WaitForSingleObject(m, INFINITE); return 0; }

int main(void)
{
	m = CreateMutex(NULL, FALSE, NULL);
	HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
	HANDLE h = spawn(taker, NULL);
	join(h);
	HANDLE hs[2] = {e, m};
	say("all", WaitForMultipleObjects(2, hs, TRUE, 0));
	say("owned_now", ReleaseMutex(m));
	CloseHandle(m);
	CloseHandle(e);
	return 0;
}
