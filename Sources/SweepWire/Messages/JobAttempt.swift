import SweepModel

/// One attempt at one job: the unit that leases, results, acks and aborts refer to.
public struct JobAttempt: Codable, Sendable, Hashable {
    public var job: JobID
    /// 1-based attempt number, as the coordinator assigned it.
    public var attempt: Int

    public init(job: JobID, attempt: Int) {
        self.job = job
        self.attempt = attempt
    }
}

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
