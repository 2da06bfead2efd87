/* WaitForMultipleObjects with the same handle twice in a wait-any. The
 * page says the array may not contain multiple copies of the same handle;
 * sim refuses it (ERROR_INVALID_PARAMETER), Windows only checks wait-all. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, TRUE, TRUE, NULL);
	HANDLE hs[2] = {e, e};
	say("wait", WaitForMultipleObjects(2, hs, FALSE, 0));
	CloseHandle(e);
	return 0;
}
