/* TerminateThread on a closed handle fails with ERROR_INVALID_HANDLE. */
#include "probe.h"

static DWORD WINAPI nothing(LPVOID p) { (void)p; return 0; }

int main(void)
{
	HANDLE h = spawn(nothing, NULL);
	WaitForSingleObject(h, INFINITE);
	CloseHandle(h);
	say("terminate", TerminateThread(h, 1));
	say("error", GetLastError());
	return 0;
}
