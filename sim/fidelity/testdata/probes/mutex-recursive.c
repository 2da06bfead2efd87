/* A mutex is recursive for its owner, and free for others only after one
 * ReleaseMutex per acquisition; ReleaseMutex by a thread that does not own
 * it fails with ERROR_NOT_OWNER. */
#include "probe.h"

static HANDLE m;
static volatile DWORD busy = 99, notowner = 99, notowner_err = 99;

static DWORD WINAPI other(LPVOID p)
{
	(void)p;
	busy = WaitForSingleObject(m, 0);
	notowner = ReleaseMutex(m);
	notowner_err = GetLastError();
	return 0;
}

int main(void)
{
	m = CreateMutex(NULL, TRUE, NULL);
	say("again", WaitForSingleObject(m, 0));
	HANDLE h = spawn(other, NULL);
	join(h);
	say("busy", busy);
	say("not_owner", notowner);
	say("not_owner_error", notowner_err);
	say("release1", ReleaseMutex(m));
	say("release2", ReleaseMutex(m));
	say("release3", ReleaseMutex(m));
	say("release3_error", GetLastError());
	CloseHandle(m);
	return 0;
}
