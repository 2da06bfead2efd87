/* ResetEvent clears a set auto-reset event before anyone takes it. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
	say("set", SetEvent(e));
	say("reset", ResetEvent(e));
	say("wait", WaitForSingleObject(e, 0));
	CloseHandle(e);
	return 0;
}
