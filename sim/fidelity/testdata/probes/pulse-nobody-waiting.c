/* PulseEvent with nobody waiting releases nobody and leaves the event
 * reset, so a later wait times out. */
#include "probe.h"

int main(void)
{
	HANDLE e = CreateEvent(NULL, FALSE, FALSE, NULL);
	say("pulse", PulseEvent(e));
	say("after", WaitForSingleObject(e, 0));
	CloseHandle(e);
	return 0;
}
