/* ReleaseSemaphore and ReleaseMutex on closed handles fail with
 * ERROR_INVALID_HANDLE. */
#include "probe.h"

int main(void)
{
	HANDLE s = CreateSemaphore(NULL, 0, 1, NULL), m = CreateMutex(NULL, TRUE, NULL);
	CloseHandle(s);
	say("semaphore", ReleaseSemaphore(s, 1, NULL));
	say("semaphore_error", GetLastError());
	ReleaseMutex(m);
	CloseHandle(m);
	say("mutex", ReleaseMutex(m));
	say("mutex_error", GetLastError());
	return 0;
}
