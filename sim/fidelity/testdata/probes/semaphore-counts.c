/* A semaphore satisfies as many waits as its count, and ReleaseSemaphore
 * returns the count before; a release past the maximum fails with
 * ERROR_TOO_MANY_POSTS and changes nothing. */
#include "probe.h"

int main(void)
{
	HANDLE s = CreateSemaphore(NULL, 2, 3, NULL);
	say("first", WaitForSingleObject(s, 0));
	say("second", WaitForSingleObject(s, 0));
	say("third", WaitForSingleObject(s, 0));
	LONG prev = 99;
	say("release_ok", ReleaseSemaphore(s, 3, &prev));
	say("prev", prev);
	say("too_many", ReleaseSemaphore(s, 1, &prev));
	say("error", GetLastError());
	say("after_fail", WaitForSingleObject(s, 0));
	CloseHandle(s);
	return 0;
}
