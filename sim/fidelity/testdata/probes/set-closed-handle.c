/* SetEvent and ResetEvent on a closed handle fail with
 * ERROR_INVALID_HANDLE. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
	CloseHandle(e);
	say("set", SetEvent(e));
	say("set_error", GetLastError());
	say("reset", ResetEvent(e));
	say("reset_error", GetLastError());
	return 0;
}
