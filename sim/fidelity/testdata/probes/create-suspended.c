/* A thread created with CREATE_SUSPENDED runs only after ResumeThread,
 * which returns the suspend count before; CreateThread's last argument
 * receives the id that GetThreadId reports. */
#include "probe.h"

static volatile LONG ran;

static DWORD WINAPI worker(LPVOID p) { (void)p; ran = 1; return 0; }

int main(void)
{
	DWORD id = 0;
	HANDLE h = CreateThread(NULL, 0, worker, NULL, CREATE_SUSPENDED, &id);
	say("id_matches", id == GetThreadId(h));
	Sleep(SETTLE);
	say("ran_before_resume", ran);
	say("wait_suspended", WaitForSingleObject(h, 0));
	say("resume", ResumeThread(h));
	say("wait", WaitForSingleObject(h, INFINITE));
	say("ran", ran);
	say("resume_ended", ResumeThread(h));
	CloseHandle(h);
	return 0;
}
