/* A wait-all that names one object twice (two handles to it) fails with
 * ERROR_INVALID_PARAMETER. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL), d = NULL;
	DuplicateHandle(GetCurrentProcess(), e, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS);
	HANDLE hs[2] = {e, d};
	say("wait", WaitForMultipleObjects(2, hs, TRUE, 0));
	say("error", GetLastError());
	CloseHandle(d);
	CloseHandle(e);
	return 0;
}
