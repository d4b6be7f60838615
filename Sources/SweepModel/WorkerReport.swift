/// What a worker says about one attempt it was given: finished with a result, failed, or handed
/// back. The wire's `worker.results`, `worker.failures`, `worker.released` and a hello's
/// `finished`/`failed` lists carry these values; the scheduler takes them as one list.
public enum WorkerReport: Sendable, Equatable {
    /// The attempt completed with a result (`clustered`, `censored` or `diverged`; `completed`
    /// for `noop` and `sleep`).
    case completed(CompletedJob)
    /// The attempt failed with an error the worker describes.
    case failed(FailedJob)
    /// The worker gives the attempt back unrun or unfinished (draining for shutdown); not counted
    /// against `max_attempts`.
    case released(JobAttempt)

    /// The attempt the report is about.
    public var jobAttempt: JobAttempt {
        switch self {
        case .completed(let completed): completed.jobAttempt
        case .failed(let failed): failed.jobAttempt
        case .released(let attempt): attempt
        }
    }

    public var job: JobID { jobAttempt.job }
    public var attempt: Int { jobAttempt.attempt }
}
