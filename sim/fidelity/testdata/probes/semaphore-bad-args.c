/* CreateSemaphore refuses an initial count above the maximum, and a
 * maximum of zero, with ERROR_INVALID_PARAMETER. */
#include "probe.h"

int main(void)
{
	HANDLE a = CreateSemaphore(NULL, 4, 3, NULL);
	say("above_max", a == NULL);
	say("error", GetLastError());
	HANDLE b = CreateSemaphore(NULL, 0, 0, NULL);
	say("zero_max", b == NULL);
	say("error2", GetLastError());
	return 0;
}
