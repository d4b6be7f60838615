import SweepModel

/// One job handed to a worker: what to run, which attempt it is, and how long it may take.
public struct JobAssignment: Codable, Sendable, Equatable {
    public var job: JobID
    public var attempt: Int
    public var parameters: JobParameters
    /// Seconds after which the coordinator expires the lease (and the worker should give up).
    public var timeoutSeconds: Double

    public init(job: JobID, attempt: Int, parameters: JobParameters, timeoutSeconds: Double) {
        self.job = job
        self.attempt = attempt
        self.parameters = parameters
        self.timeoutSeconds = timeoutSeconds
    }

    public var jobAttempt: JobAttempt { JobAttempt(job: job, attempt: attempt) }
}
