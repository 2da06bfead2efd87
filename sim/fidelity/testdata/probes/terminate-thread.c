/* TerminateThread ends a blocked thread at once: its handle is signalled
 * with the given exit code, nothing after its wait runs, and a mutex it
 * owned is abandoned. */
#include "probe.h"

static HANDLE never, m, owns;
static volatile LONG after;

static DWORD WINAPI victim(LPVOID p)
{
	(void)p;
	WaitForSingleObject(m, INFINITE);
	SetEvent(owns);
	WaitForSingleObject(never, INFINITE);
	after = 1;
	return 0;
}

int main(void)
{
	never = CreateEvent(NULL, TRUE, FALSE, NULL);
	owns = CreateEvent(NULL, TRUE, FALSE, NULL);
	m = CreateMutex(NULL, FALSE, NULL);
	HANDLE h = spawn(victim, NULL);
	WaitForSingleObject(owns, INFINITE);
	say("terminate", TerminateThread(h, 9));
	say("wait", WaitForSingleObject(h, 5000));
	DWORD code = 0;
	GetExitCodeThread(h, &code);
	say("code", code);
	say("after", after);
	say("mutex", WaitForSingleObject(m, 0));
	ReleaseMutex(m);
	CloseHandle(h);
	CloseHandle(m);
	CloseHandle(owns);
	CloseHandle(never);
	return 0;
}
