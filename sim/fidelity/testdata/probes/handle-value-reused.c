/* Windows may give a new object the value of a handle closed just before;
 * sim never reuses a handle value, so a stale handle is always seen as a
 * use after close. */
#include "probe.h"

int main(void)
{
	HANDLE a = CreateEvent(NULL, TRUE, FALSE, NULL);
	CloseHandle(a);
	HANDLE b = CreateEvent(NULL, TRUE, FALSE, NULL);
	say("reused", a == b);
	CloseHandle(b);
	return 0;
}
