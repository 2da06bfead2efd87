/* GetCurrentThread is a pseudo-handle to the calling thread: it names the
 * caller, never signals while the caller runs, and closing it does
 * nothing. */
#include "probe.h"

int main(void)
{
	HANDLE h = GetCurrentThread();
	say("id_is_mine", GetThreadId(h) == GetCurrentThreadId());
	say("wait", WaitForSingleObject(h, 0));
	say("close", CloseHandle(h));
	say("still_mine", GetThreadId(GetCurrentThread()) == GetCurrentThreadId());
	return 0;
}
