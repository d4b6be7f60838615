import SweepModel

/// One job handed to a worker: what to run and which attempt this is, so the result can name it.
public struct JobAssignment: Sendable, Equatable {
    public var job: JobID
    /// 1-based attempt number; a result must carry it back.
    public var attempt: Int
    public var parameters: JobParameters
    /// The job timeout; `nil` means none. Counted from the first progress message of the attempt
    /// (or from the assignment if none comes).
    public var timeout: Duration?

    public init(job: JobID, attempt: Int, parameters: JobParameters, timeout: Duration?) {
        self.job = job
        self.attempt = attempt
        self.parameters = parameters
        self.timeout = timeout
    }
}
