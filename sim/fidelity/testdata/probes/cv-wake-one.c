/* WakeConditionVariable wakes one sleeper; it returns holding the critical
 * section, after the waker has left it. */
#include "probe.h"

static CRITICAL_SECTION cs;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static volatile LONG ready, seen = 99, woke;

static DWORD WINAPI sleeper(LPVOID p)
{
	(void)p;
	EnterCriticalSection(&cs);
	while (!ready)
		SleepConditionVariableCS(&cv, &cs, INFINITE);
	seen = ready;
	woke = 1;
	LeaveCriticalSection(&cs);
	return 0;
}

int main(void)
{
	InitializeCriticalSection(&cs);
	HANDLE h = spawn(sleeper, NULL);
	Sleep(SETTLE);
	EnterCriticalSection(&cs);
	ready = 7;
	WakeConditionVariable(&cv);
	Sleep(SETTLE);
	say("woke_while_held", woke);
	LeaveCriticalSection(&cs);
	join(h);
	say("seen", seen);
	DeleteCriticalSection(&cs);
	return 0;
}
