/* A condition variable over an SRW lock held exclusively: the sleeper
 * releases the lock while it sleeps and holds it again when it returns. */
#include "probe.h"

static SRWLOCK lock = SRWLOCK_INIT;
static CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
static volatile LONG ready, seen = 99;

static DWORD WINAPI sleeper(LPVOID p)
{
	(void)p;
	AcquireSRWLockExclusive(&lock);
	while (!ready)
		SleepConditionVariableSRW(&cv, &lock, INFINITE, 0);
	seen = ready;
	ReleaseSRWLockExclusive(&lock);
	return 0;
}

int main(void)
{
	HANDLE h = spawn(sleeper, NULL);
	Sleep(SETTLE);
	say("lock_free_while_asleep", TryAcquireSRWLockExclusive(&lock) != 0);
	ready = 3;
	WakeConditionVariable(&cv);
	ReleaseSRWLockExclusive(&lock);
	join(h);
	say("seen", seen);
	return 0;
}
