/* Wait-any returns the lowest index among the signalled objects. */
#include "probe.h"

int main(void)
{
	HANDLE hs[2] = {CreateEvent(NULL, TRUE, FALSE, NULL), CreateEvent(NULL, TRUE, FALSE, NULL)};
	SetEvent(hs[1]);
	say("second_only", WaitForMultipleObjects(2, hs, FALSE, 0));
	SetEvent(hs[0]);
	say("both", WaitForMultipleObjects(2, hs, FALSE, 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
