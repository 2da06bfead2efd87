/* SignalObjectAndWait can release a mutex (and a semaphore by one); on a
 * mutex the caller does not own it fails with ERROR_NOT_OWNER and does not
 * wait. */
#include "probe.h"

int main(void)
{
	HANDLE m = CreateMutex(NULL, TRUE, NULL), e = CreateEvent(NULL, TRUE, TRUE, NULL);
	HANDLE s = CreateSemaphore(NULL, 0, 1, NULL);
	say("release_mutex", SignalObjectAndWait(m, e, 0, FALSE));
	say("not_owner", SignalObjectAndWait(m, e, 0, FALSE));
	say("not_owner_error", GetLastError());
	say("release_semaphore", SignalObjectAndWait(s, e, 0, FALSE));
	say("semaphore_count_1", WaitForSingleObject(s, 0));
	CloseHandle(m);
	CloseHandle(e);
	CloseHandle(s);
	return 0;
}
