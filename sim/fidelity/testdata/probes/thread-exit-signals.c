/* A thread's handle is signalled when the thread ends, and stays
 * signalled. */
#include "probe.h"

static DWORD WINAPI seven(LPVOID p) { (void)p; return 7; }

int main(void)
{
	HANDLE h = spawn(seven, NULL);
	say("wait", WaitForSingleObject(h, INFINITE));
	say("again", WaitForSingleObject(h, 0));
	CloseHandle(h);
	return 0;
}
