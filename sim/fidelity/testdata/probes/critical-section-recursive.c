/* A critical section is recursive: its owner may enter it again, and it is
 * free for others once every Enter has its Leave. */
#include "probe.h"

static CRITICAL_SECTION cs;
static volatile LONG entered;

static DWORD WINAPI other(LPVOID p) { (void)p; EnterCriticalSection(&cs); entered = 1; LeaveCriticalSection(&cs); return 0; }

int main(void)
{
	InitializeCriticalSection(&cs);
	EnterCriticalSection(&cs);
	EnterCriticalSection(&cs);
	HANDLE h = spawn(other, NULL);
	Sleep(SETTLE);
	say("while_held", entered);
	LeaveCriticalSection(&cs);
	Sleep(SETTLE);
	say("after_one_leave", entered);
	LeaveCriticalSection(&cs);
	join(h);
	say("after_both", entered);
	DeleteCriticalSection(&cs);
	return 0;
}
