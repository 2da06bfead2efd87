/* TryEnterCriticalSection fails while another thread owns the section and
 * succeeds once it is free; its owner may always enter again. */
#include "probe.h"

static CRITICAL_SECTION cs;
static volatile LONG busy = 99, free_ = 99;
static HANDLE released;

static DWORD WINAPI other(LPVOID p)
{
	(void)p;
	busy = TryEnterCriticalSection(&cs);
	WaitForSingleObject(released, INFINITE);
	free_ = TryEnterCriticalSection(&cs);
	if (free_)
		LeaveCriticalSection(&cs);
	return 0;
}

int main(void)
{
	InitializeCriticalSection(&cs);
	released = CreateEvent(NULL, TRUE, FALSE, NULL);
	EnterCriticalSection(&cs);
	say("owner_again", TryEnterCriticalSection(&cs) != 0);
	LeaveCriticalSection(&cs);
	HANDLE h = spawn(other, NULL);
	Sleep(SETTLE);
	LeaveCriticalSection(&cs);
	SetEvent(released);
	join(h);
	say("busy", busy != 0);
	say("free", free_ != 0);
	CloseHandle(released);
	DeleteCriticalSection(&cs);
	return 0;
}
