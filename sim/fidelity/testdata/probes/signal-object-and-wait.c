/* SignalObjectAndWait sets one event and waits on another in one call: the
 * thread it releases can answer at once and the caller sees the answer. */
#include "probe.h"

static HANDLE ping, pong;

static DWORD WINAPI echo(LPVOID p) { (void)p; WaitForSingleObject(ping, INFINITE); SetEvent(pong); return 0; }

int main(void)
{
	ping = CreateEvent(NULL, FALSE, FALSE, NULL);
	pong = CreateEvent(NULL, FALSE, FALSE, NULL);
	HANDLE h = spawn(echo, NULL);
	Sleep(SETTLE);
	say("answer", SignalObjectAndWait(ping, pong, 5000, FALSE));
	say("ping_taken", WaitForSingleObject(ping, 0));
	join(h);
	CloseHandle(ping);
	CloseHandle(pong);
	return 0;
}
