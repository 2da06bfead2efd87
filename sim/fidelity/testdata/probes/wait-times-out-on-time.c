/* A timed wait that times out does so no earlier than its timeout. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, FALSE, NULL);
	ULONGLONG start = GetTickCount64();
	say("wait", WaitForSingleObject(e, 100));
	say("not_early", GetTickCount64() - start >= 90);
	CloseHandle(e);
	return 0;
}
