/* SetLastError sets what GetLastError returns, per thread. */
#include "probe.h"

static volatile DWORD other;

static DWORD WINAPI worker(LPVOID p) { (void)p; other = GetLastError(); return 0; }

int main(void)
{
	SetLastError(1234);
	say("mine", GetLastError());
	HANDLE h = spawn(worker, NULL);
	join(h);
	say("other_thread", other);
	say("mine_after", GetLastError());
	return 0;
}
