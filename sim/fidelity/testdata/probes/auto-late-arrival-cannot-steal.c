/* Nor can a thread that starts waiting after the SetEvent take it. */
#include "probe.h"

static HANDLE e;
static volatile DWORD got = 99, late = 99;

static DWORD WINAPI waiter(LPVOID p) { (void)p; got = WaitForSingleObject(e, 5000); return 0; }
static DWORD WINAPI latecomer(LPVOID p) { (void)p; late = WaitForSingleObject(e, 0); return 0; }

int main(void)
{
	e = CreateEvent(NULL, FALSE, FALSE, NULL);
	HANDLE h = spawn(waiter, NULL);
	Sleep(SETTLE);
	SetEvent(e);
	HANDLE l = spawn(latecomer, NULL);
	join(h);
	join(l);
	say("waiter", got);
	say("late", late);
	CloseHandle(e);
	return 0;
}
