import Foundation

/// A sweep as the store keeps it: what was submitted and when.
public struct SweepRecord: Codable, Sendable, Equatable {
    public var id: SweepID
    public var name: String
    /// The sweep file's text exactly as submitted.
    public var sourceText: String
    /// The file name it was submitted from (for messages), e.g. `configs/paper.yaml`.
    public var sourceName: String
    public var maxAttempts: Int
    public var jobTimeoutSeconds: Double
    public var createdAt: Date
    /// When every job reached a final status; `nil` while any is pending or running.
    public var finishedAt: Date?
    public var cancelled: Bool

    public init(
        id: SweepID, name: String, sourceText: String, sourceName: String, maxAttempts: Int,
        jobTimeoutSeconds: Double, createdAt: Date, finishedAt: Date? = nil, cancelled: Bool = false
    ) {
        self.id = id
        self.name = name
        self.sourceText = sourceText
        self.sourceName = sourceName
        self.maxAttempts = maxAttempts
        self.jobTimeoutSeconds = jobTimeoutSeconds
        self.createdAt = createdAt
        self.finishedAt = finishedAt
        self.cancelled = cancelled
    }
}

/// One attempt at a job: which worker ran it, when, and how it ended.
public struct AttemptRecord: Codable, Sendable, Equatable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        /// Still leased to its worker.
        case running
        /// The worker returned a result.
        case completed
        /// The worker reported an error.
        case error
        /// The lease expired: missed heartbeats or the job timeout.
        case expired
        /// The worker handed the job back (graceful shutdown) or the sweep was cancelled.
        case released
    }

    public var jobID: JobID
    /// 1-based attempt number.
    public var number: Int
    public var worker: WorkerID
    public var startedAt: Date
    public var endedAt: Date?
    public var outcome: Outcome
    public var error: String?

    public init(
        jobID: JobID, number: Int, worker: WorkerID, startedAt: Date, endedAt: Date? = nil,
        outcome: Outcome = .running, error: String? = nil
    ) {
        self.jobID = jobID
        self.number = number
        self.worker = worker
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.error = error
    }
}

/// A job as seen by one sweep: parameters, status, attempts and result. The input of reports.
public struct JobRecord: Codable, Sendable, Equatable {
    public var id: JobID
    /// Position in the sweep's plan.
    public var index: Int
    public var parameters: JobParameters
    public var status: JobStatus
    public var attempts: [AttemptRecord]
    public var result: JobResult?

    public init(
        id: JobID, index: Int, parameters: JobParameters, status: JobStatus,
        attempts: [AttemptRecord] = [], result: JobResult? = nil
    ) {
        self.id = id
        self.index = index
        self.parameters = parameters
        self.status = status
        self.attempts = attempts
        self.result = result
    }

    /// The last attempt's error text, if it failed.
    public var lastError: String? { attempts.last(where: { $0.error != nil })?.error }
}
