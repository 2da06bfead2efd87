/* An auto-reset event created set satisfies one wait and resets. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, FALSE, TRUE, NULL);
	say("first", WaitForSingleObject(e, 0));
	say("second", WaitForSingleObject(e, 0));
	CloseHandle(e);
	return 0;
}
