/* A wait on an event that nobody sets times out: at once with 0 ms, after
 * the timeout otherwise. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
	say("zero", WaitForSingleObject(e, 0));
	say("ten", WaitForSingleObject(e, 10));
	CloseHandle(e);
	return 0;
}
