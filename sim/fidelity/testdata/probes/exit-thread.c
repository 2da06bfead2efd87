/* ExitThread ends the calling thread at once with the code it is given;
 * nothing after it runs. */
#include "probe.h"

static volatile LONG after;

static DWORD WINAPI worker(LPVOID p) { (void)p; ExitThread(42); after = 1; return 7; }

int main(void)
{
	HANDLE h = spawn(worker, NULL);
	WaitForSingleObject(h, INFINITE);
	DWORD code = 0;
	GetExitCodeThread(h, &code);
	say("code", code);
	say("after", after);
	CloseHandle(h);
	return 0;
}
