/* INVALID_HANDLE_VALUE is the current-process pseudo-handle: a wait on it
 * does not fail but times out, since the process is running. */
#include "probe.h"

int main(void)
{
	say("same", INVALID_HANDLE_VALUE == GetCurrentProcess());
	say("wait", WaitForSingleObject(INVALID_HANDLE_VALUE, 0));
	say("close", CloseHandle(GetCurrentProcess()));
	return 0;
}
