/* WaitForMultipleObjects with no handles fails with
 * ERROR_INVALID_PARAMETER. */
#include "probe.h"

int main(void)
{
	HANDLE hs[1] = {NULL};
	say("wait", WaitForMultipleObjects(0, hs, FALSE, 0));
	say("error", GetLastError());
	return 0;
}
