/* A thread holds an SRW lock shared while another takes it shared too; an
 * exclusive TryAcquire fails while it is held shared and succeeds once it
 * is free, after which a shared TryAcquire fails. */
#include "probe.h"

static SRWLOCK lock = SRWLOCK_INIT;
static HANDLE in, release;

static DWORD WINAPI reader(LPVOID p)
{
	(void)p;
	AcquireSRWLockShared(&lock);
	SetEvent(in);
	WaitForSingleObject(release, INFINITE);
	ReleaseSRWLockShared(&lock);
	return 0;
}

int main(void)
{
	in = CreateEvent(NULL, TRUE, FALSE, NULL);
	release = CreateEvent(NULL, TRUE, FALSE, NULL);
	HANDLE a = spawn(reader, NULL);
	say("reader_inside", WaitForSingleObject(in, 5000));
	say("shared_while_shared", TryAcquireSRWLockShared(&lock) != 0);
	say("exclusive_while_shared", TryAcquireSRWLockExclusive(&lock) != 0);
	ReleaseSRWLockShared(&lock);
	SetEvent(release);
	join(a);
	say("exclusive_after", TryAcquireSRWLockExclusive(&lock) != 0);
	say("shared_while_exclusive", TryAcquireSRWLockShared(&lock) != 0);
	ReleaseSRWLockExclusive(&lock);
	CloseHandle(in);
	CloseHandle(release);
	return 0;
}
