/// Why `WorkerService.run()` returned; every case is a normal, successful end (exit status 0).
public enum WorkerExit: Sendable, Equatable {
    /// `requestStop()` (SIGTERM/SIGINT): running jobs finished or were handed back.
    case stopped
    /// The coordinator sent `shutdown`.
    case coordinatorShutdown
    /// `maxJobs` jobs were run and delivered.
    case maxJobs
    /// No job arrived for `idleExit`.
    case idle
}
