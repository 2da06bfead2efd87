/* A manual-reset event created set stays set through any number of waits. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
	say("first", WaitForSingleObject(e, 0));
	say("second", WaitForSingleObject(e, 0));
	CloseHandle(e);
	return 0;
}
