/* A mutex whose owner ends without releasing it is abandoned: the next
 * wait gets WAIT_ABANDONED (0x80) and owns it; the one after that is an
 * ordinary acquisition. */
#include "probe.h"

static HANDLE m;

static DWORD WINAPI taker(LPVOID p) { (void)p; WaitForSingleObject(m, INFINITE); return 0; }

int main(void)
{
	m = CreateMutex(NULL, FALSE, NULL);
	HANDLE h = spawn(taker, NULL);
	join(h);
	say("first", WaitForSingleObject(m, 0));
	say("again", WaitForSingleObject(m, 0));
	say("release1", ReleaseMutex(m));
	say("release2", ReleaseMutex(m));
	CloseHandle(m);
	return 0;
}
