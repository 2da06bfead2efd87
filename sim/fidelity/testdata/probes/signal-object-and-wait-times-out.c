/* SignalObjectAndWait signals even when its wait then times out. */
#include "probe.h"

int main(void)
{
	HANDLE a = CreateEvent(NULL, TRUE, FALSE, NULL), b = CreateEvent(NULL, TRUE, FALSE, NULL);
	say("result", SignalObjectAndWait(a, b, 10, FALSE));
	say("a_set", WaitForSingleObject(a, 0));
	CloseHandle(a);
	CloseHandle(b);
	return 0;
}
