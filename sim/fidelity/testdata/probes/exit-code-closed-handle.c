/* GetExitCodeThread on a closed handle fails with ERROR_INVALID_HANDLE. */
#include "probe.h"

static DWORD WINAPI worker(LPVOID p) { (void)p; return 3; }

int main(void)
{
	HANDLE h = spawn(worker, NULL);
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
	DWORD code = 0;
	say("ok", GetExitCodeThread(h, &code) != 0);
	say("error", GetLastError());
	return 0;
}
