/* GetThreadId of a thread's handle is the id the thread itself gets from
 * GetCurrentThreadId, and differs from the creator's. */
#include "probe.h"

static volatile DWORD seen;

static DWORD WINAPI me(LPVOID p) { (void)p; seen = GetCurrentThreadId(); return 0; }

int main(void)
{
	HANDLE h = spawn(me, NULL);
	WaitForSingleObject(h, INFINITE);
	say("same", GetThreadId(h) == seen);
	say("differs_from_main", seen != GetCurrentThreadId());
	CloseHandle(h);
	return 0;
}
