/// What a worker says about one attempt it was given: finished, failed, or handed back.
public enum WorkerReport: Sendable, Equatable {
    /// The attempt completed with a result (`clustered`, `censored` or `diverged`).
    case result(job: JobID, attempt: Int, result: JobResult)
    /// The attempt failed with an error the worker describes.
    case failure(job: JobID, attempt: Int, error: String)
    /// The worker gives the attempt back unrun or unfinished (draining for shutdown); not counted
    /// against `max_attempts`.
    case released(job: JobID, attempt: Int)

    public var job: JobID {
        switch self {
        case .result(let job, _, _), .failure(let job, _, _), .released(let job, _): job
        }
    }

    public var attempt: Int {
        switch self {
        case .result(_, let attempt, _), .failure(_, let attempt, _), .released(_, let attempt): attempt
        }
    }
}
