/* WakeAllConditionVariable wakes every sleeper (here two). */
#include "probe.h"

static CRITICAL_SECTION cs;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static volatile LONG go, woken;

static DWORD WINAPI sleeper(LPVOID p)
{
	(void)p;
	EnterCriticalSection(&cs);
	while (!go)
		SleepConditionVariableCS(&cv, &cs, INFINITE);
	woken++;
	LeaveCriticalSection(&cs);
	return 0;
}

int main(void)
{
	InitializeCriticalSection(&cs);
	HANDLE a = spawn(sleeper, NULL), b = spawn(sleeper, NULL);
	Sleep(SETTLE);
	EnterCriticalSection(&cs);
	go = 1;
	WakeAllConditionVariable(&cv);
	LeaveCriticalSection(&cs);
	join(a);
	join(b);
	say("woken", woken);
	DeleteCriticalSection(&cs);
	return 0;
}
