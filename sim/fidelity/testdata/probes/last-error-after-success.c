/* Which calls that succeed change the last error: CreateEvent sets 0 (so
 * that ERROR_ALREADY_EXISTS can be told apart); the others leave it. */
#include "probe.h"

int main(void)
{
	SetLastError(5);
	HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
	say("create_event", GetLastError());
	SetLastError(5);
	SetEvent(e);
	say("set_event", GetLastError());
	SetLastError(5);
	WaitForSingleObject(e, 0);
	say("wait", GetLastError());
	SetLastError(5);
	ResetEvent(e);
	say("reset_event", GetLastError());
	SetLastError(5);
	CloseHandle(e);
	say("close", GetLastError());
	return 0;
}
