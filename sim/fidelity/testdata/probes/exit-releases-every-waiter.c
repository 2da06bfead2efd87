/* A thread's end releases every wait on it, single and wait-all alike. */
#include "probe.h"

static HANDLE gate, worker;
static volatile DWORD a = 99, b = 99;

static DWORD WINAPI work(LPVOID p) { (void)p; WaitForSingleObject(gate, INFINITE); return 0; }
static DWORD WINAPI wa(LPVOID p) { (void)p; a = WaitForSingleObject(worker, 2000); return 0; }
static DWORD WINAPI wb(LPVOID p)
{
	(void)p;
	HANDLE both[2] = {gate, worker};
	b = WaitForMultipleObjects(2, both, TRUE, 2000);
	return 0;
}

int main(void)
{
	gate = CreateEvent(NULL, TRUE, FALSE, NULL);
	worker = spawn(work, NULL);
	HANDLE ha = spawn(wa, NULL), hb = spawn(wb, NULL);
	Sleep(SETTLE);
	SetEvent(gate);
	join(ha);
	join(hb);
	say("a", a);
	say("b", b);
	CloseHandle(worker);
	CloseHandle(gate);
	return 0;
}
