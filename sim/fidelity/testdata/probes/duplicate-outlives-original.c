/* A duplicate of a thread handle names the same thread and stays usable
 * after the original is closed. */
#include "probe.h"

static DWORD WINAPI nothing(LPVOID p) { (void)p; return 0; }

int main(void)
{
	HANDLE h = spawn(nothing, NULL), d = NULL;
	BOOL ok = DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS);
	say("duplicated", ok != 0);
	say("same_thread", GetThreadId(h) == GetThreadId(d));
	say("closed", CloseHandle(h));
	say("wait", WaitForSingleObject(d, INFINITE));
	say("close_duplicate", CloseHandle(d));
	return 0;
}
