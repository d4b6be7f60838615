/// A job attempt that ended in an error, with the error's text.
public struct FailedJob: Codable, Sendable, Equatable {
    public var job: JobID
    public var attempt: Int
    public var error: String

    public init(job: JobID, attempt: Int, error: String) {
        self.job = job
        self.attempt = attempt
        self.error = error
    }

    public var jobAttempt: JobAttempt { JobAttempt(job: job, attempt: attempt) }
}
