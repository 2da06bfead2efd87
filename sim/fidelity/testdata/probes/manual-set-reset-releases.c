/* SetEvent then ResetEvent on a manual-reset event still releases every
 * thread that was blocked on it. */
#include "probe.h"

static HANDLE e;
static volatile DWORD a = 99, b = 99;

static DWORD WINAPI wa(LPVOID p) { (void)p; a = WaitForSingleObject(e, 2000); return 0; }
static DWORD WINAPI wb(LPVOID p) { (void)p; b = WaitForMultipleObjects(1, &e, FALSE, 2000); return 0; }

int main(void)
{
	e = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE ha = spawn(wa, NULL), hb = spawn(wb, NULL);
	Sleep(SETTLE);
	SetEvent(e);
	ResetEvent(e);
	join(ha);
	join(hb);
	say("a", a);
	say("b", b);
	CloseHandle(e);
	return 0;
}
