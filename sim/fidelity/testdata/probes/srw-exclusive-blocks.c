/* An exclusive SRW holder keeps a shared acquirer out until it releases. */
#include "probe.h"

static SRWLOCK lock = SRWLOCK_INIT;
static volatile LONG got;

static DWORD WINAPI reader(LPVOID p) { (void)p; AcquireSRWLockShared(&lock); got = 1; ReleaseSRWLockShared(&lock); return 0; }

int main(void)
{
	AcquireSRWLockExclusive(&lock);
	HANDLE h = spawn(reader, NULL);
	Sleep(SETTLE);
	say("while_held", got);
	ReleaseSRWLockExclusive(&lock);
	join(h);
	say("after", got);
	return 0;
}
