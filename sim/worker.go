package sim

// ClusWorker is CLUS_WORKER in simulated memory: the handle of the worker
// thread and the Terminate flag. The zero value is a zero-initialised
// struct, ready for Create.
type ClusWorker struct {
	HThread   Cell[Handle]
	Terminate Cell[bool]
}

// StartRoutine is PWORKER_START_ROUTINE: the routine a worker thread runs.
// Its result is the thread's exit code; no API reports it.
type StartRoutine func(t *Thread, w *ClusWorker, param any) uint32

// WorkerAPI is one implementation of the five CLUS_WORKER functions, written
// against the simulated kernel. t is always the calling thread.
type WorkerAPI interface {
	// Create is ClusWorkerCreate: start a thread that runs start(w, param).
	Create(t *Thread, w *ClusWorker, start StartRoutine, param any) uint32
	// CheckTerminate is ClusWorkerCheckTerminate.
	CheckTerminate(t *Thread, w *ClusWorker) bool
	// Terminate is ClusWorkerTerminate.
	Terminate(t *Thread, w *ClusWorker)
	// TerminateEx is ClusWorkerTerminateEx.
	TerminateEx(t *Thread, w *ClusWorker, timeoutMs uint32, waitOnly bool) uint32
	// WorkersTerminate is ClusWorkersTerminate; a nil entry is a NULL
	// pointer in the array.
	WorkersTerminate(t *Thread, ws []*ClusWorker, timeoutMs uint32, waitOnly bool) uint32
}
