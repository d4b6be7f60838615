/// Why `WorkerService.run()` returned. The first four are normal ends (exit status 0); the last
/// two are failures a job scheduler must see (exit status 1, `isFailure`).
public enum WorkerExit: Sendable, Equatable, CustomStringConvertible {
    /// `requestStop()` (SIGTERM/SIGINT): running jobs finished or were handed back.
    case stopped
    /// The coordinator sent `shutdown`.
    case coordinatorShutdown
    /// `maxJobs` jobs were run and delivered.
    case maxJobs
    /// No job arrived for `idleExit` after the worker had been welcomed.
    case idle
    /// The coordinator refused the worker's CURVE handshake `refusals` times in a row (with
    /// `--idle-exit` or `--max-jobs`, which say the worker should not wait forever).
    case refused(endpoint: String, refusals: Int, reason: String)
    /// With `--idle-exit`: the worker was never welcomed by a coordinator within that time.
    case neverConnected(endpoint: String, seconds: Double)

    /// Whether the worker ended without doing what it was started for.
    public var isFailure: Bool {
        switch self {
        case .stopped, .coordinatorShutdown, .maxJobs, .idle: false
        case .refused, .neverConnected: true
        }
    }

    public var description: String {
        switch self {
        case .stopped: "stopped"
        case .coordinatorShutdown: "coordinatorShutdown"
        case .maxJobs: "maxJobs"
        case .idle: "idle"
        case .refused(let endpoint, let refusals, let reason):
            "the coordinator at \(endpoint) refused this worker's key \(refusals) times (\(reason)): "
                + "check --curve-secret-key and that its public key is listed as `worker` in the coordinator's authorized keys"
        case .neverConnected(let endpoint, let seconds):
            "never reached a coordinator at \(endpoint) within \(seconds) s (--idle-exit): is it running, and is the endpoint right?"
        }
    }
}
