/* A wait on a handle that was closed fails: WAIT_FAILED, and GetLastError
 * says ERROR_INVALID_HANDLE. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
	CloseHandle(e);
	say("wait", WaitForSingleObject(e, 0));
	say("error", GetLastError());
	return 0;
}
