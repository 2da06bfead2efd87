/* Closing a handle a second time fails with ERROR_INVALID_HANDLE. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
	say("first", CloseHandle(e));
	say("second", CloseHandle(e));
	say("error", GetLastError());
	return 0;
}
