/* SleepConditionVariableCS that nobody wakes returns FALSE with
 * ERROR_TIMEOUT once its timeout is up, holding the critical section
 * again. */
#include "probe.h"

static CRITICAL_SECTION cs;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static volatile LONG held = 99;

static DWORD WINAPI other(LPVOID p) { (void)p; held = TryEnterCriticalSection(&cs); if (held) LeaveCriticalSection(&cs); return 0; }

int main(void)
{
	InitializeCriticalSection(&cs);
	EnterCriticalSection(&cs);
	BOOL r = SleepConditionVariableCS(&cv, &cs, 50);
	say("result", r);
	say("error", GetLastError());
	HANDLE h = spawn(other, NULL);
	join(h);
	say("other_got_it", held);
	LeaveCriticalSection(&cs);
	DeleteCriticalSection(&cs);
	return 0;
}
