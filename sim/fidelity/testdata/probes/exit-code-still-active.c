/* GetExitCodeThread says STILL_ACTIVE (259) while the thread runs and the
 * routine's result once it has ended. */
#include "probe.h"

static HANDLE gate;

static DWORD WINAPI worker(LPVOID p) { (void)p; WaitForSingleObject(gate, INFINITE); return 7; }

int main(void)
{
	gate = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE h = spawn(worker, NULL);
	DWORD code = 0;
	say("running_ok", GetExitCodeThread(h, &code) != 0);
	say("running_code", code);
	SetEvent(gate);
	WaitForSingleObject(h, INFINITE);
	say("ended_ok", GetExitCodeThread(h, &code) != 0);
	say("ended_code", code);
	CloseHandle(h);
	CloseHandle(gate);
	return 0;
}
