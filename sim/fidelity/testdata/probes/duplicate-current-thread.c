/* DuplicateHandle of GetCurrentThread gives a real handle to the thread,
 * usable by another thread once the first has ended. */
#include "probe.h"

static HANDLE real;
static volatile DWORD id;

static DWORD WINAPI worker(LPVOID p)
{
	(void)p;
	id = GetCurrentThreadId();
	DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &real, 0, FALSE, DUPLICATE_SAME_ACCESS);
	return 0;
}

int main(void)
{
	HANDLE h = spawn(worker, NULL);
	join(h);
	say("same_thread", GetThreadId(real) == id);
	say("wait", WaitForSingleObject(real, 0));
	say("close", CloseHandle(real));
	return 0;
}
