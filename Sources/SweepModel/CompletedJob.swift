/// A finished job's result, as the worker holds it until the coordinator acknowledges it.
public struct CompletedJob: Codable, Sendable, Equatable {
    public var job: JobID
    public var attempt: Int
    public var result: JobResult

    public init(job: JobID, attempt: Int, result: JobResult) {
        self.job = job
        self.attempt = attempt
        self.result = result
    }

    public var jobAttempt: JobAttempt { JobAttempt(job: job, attempt: attempt) }
}
