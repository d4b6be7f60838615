import SweepModel

/// Why a worker's report was not recorded; carried by `SchedulerAction.logRejected` for the log.
public enum ReportRejection: Sendable, Equatable, CustomStringConvertible {
    /// No sweep known to the coordinator contains this job.
    case unknownJob
    /// This attempt number was never issued to this worker.
    case attemptNotIssuedToWorker
    /// A result must be `clustered`, `censored` or `diverged`.
    case invalidResultStatus(JobStatus)
    /// The job already ended as `failed` or `cancelled`; a late report does not reopen it.
    case jobAlreadyFinal(JobStatus)
    /// The attempt had already ended (expired, released or superseded); its failure changes nothing.
    case attemptAlreadyEnded

    public var description: String {
        switch self {
        case .unknownJob: "unknown job"
        case .attemptNotIssuedToWorker: "attempt was never issued to this worker"
        case .invalidResultStatus(let status): "a result cannot have status '\(status.rawValue)'"
        case .jobAlreadyFinal(let status): "job is already \(status.rawValue)"
        case .attemptAlreadyEnded: "attempt had already ended"
        }
    }
}
