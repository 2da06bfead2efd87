/* A satisfied wait-all takes every object: both auto-reset events reset. */
#include "probe.h"

int main(void)
{
	HANDLE hs[2] = {CreateEvent(NULL, FALSE, TRUE, NULL), CreateEvent(NULL, FALSE, TRUE, NULL)};
	say("all", WaitForMultipleObjects(2, hs, TRUE, 0));
	say("first_after", WaitForSingleObject(hs[0], 0));
	say("second_after", WaitForSingleObject(hs[1], 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
