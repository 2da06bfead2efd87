/* A wait-all that times out takes nothing: the auto-reset event among its
 * objects stays set. */
#include "probe.h"

int main(void)
{
	HANDLE hs[2] = {CreateEvent(NULL, FALSE, TRUE, NULL), CreateEvent(NULL, TRUE, FALSE, NULL)};
	say("all", WaitForMultipleObjects(2, hs, TRUE, 0));
	say("auto_still_set", WaitForSingleObject(hs[0], 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
