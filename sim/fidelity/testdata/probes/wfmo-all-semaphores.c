/* A wait-all over two semaphores takes one from each. */
#include "probe.h"

int main(void)
{
	HANDLE hs[2] = {CreateSemaphore(NULL, 1, 5, NULL), CreateSemaphore(NULL, 2, 5, NULL)};
	say("all", WaitForMultipleObjects(2, hs, TRUE, 0));
	say("first_after", WaitForSingleObject(hs[0], 0));
	say("second_after", WaitForSingleObject(hs[1], 0));
	say("second_empty", WaitForSingleObject(hs[1], 0));
	CloseHandle(hs[0]);
	CloseHandle(hs[1]);
	return 0;
}
