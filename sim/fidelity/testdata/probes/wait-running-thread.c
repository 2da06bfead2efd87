/* A thread that is still running does not satisfy a wait; once it ends,
 * it does. */
#include "probe.h"

static HANDLE go;

static DWORD WINAPI waiter(LPVOID p) { (void)p; WaitForSingleObject(go, INFINITE); return 0; }

int main(void)
{
	go = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	say("running", WaitForSingleObject(h, 0));
	SetEvent(go);
	say("ended", WaitForSingleObject(h, INFINITE));
	CloseHandle(h);
	CloseHandle(go);
	return 0;
}
