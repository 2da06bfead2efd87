/* PulseEvent on a manual-reset event releases every thread blocked on it
 * and leaves it reset. */
#include "probe.h"

static HANDLE e;
static volatile DWORD a = 99, b = 99;

static DWORD WINAPI wa(LPVOID p) { (void)p; a = WaitForSingleObject(e, 2000); return 0; }
static DWORD WINAPI wb(LPVOID p) { (void)p; b = WaitForSingleObject(e, 2000); return 0; }

int main(void)
{
	e = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE ha = spawn(wa, NULL), hb = spawn(wb, NULL);
	Sleep(SETTLE);
	say("pulse", PulseEvent(e));
	say("after", WaitForSingleObject(e, 0));
	join(ha);
	join(hb);
	say("a", a);
	say("b", b);
	CloseHandle(e);
	return 0;
}
