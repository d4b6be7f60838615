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
    /// Jobs in the sweep's plan (`SweepPlan.count`).
    public var jobCount: Int
    /// How many of them, from plan position 0 on, the store has created job rows for. A sweep's
    /// jobs are created as the coordinator dispatches them, so the rest (`unplannedJobs`) exist
    /// only as plan positions: not run, and pending unless the sweep is cancelled.
    public var plannedJobs: Int

    /// Jobs of the plan that have no job row yet.
    public var unplannedJobs: Int { max(0, jobCount - plannedJobs) }

    public init(
        id: SweepID, name: String, sourceText: String, sourceName: String, maxAttempts: Int,
        jobTimeoutSeconds: Double, createdAt: Date, finishedAt: Date? = nil, cancelled: Bool = false,
        jobCount: Int = 0, plannedJobs: Int? = nil
    ) {
        self.jobCount = jobCount
        self.plannedJobs = plannedJobs ?? jobCount
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

    private enum CodingKeys: String, CodingKey {
        case id, name, sourceText, sourceName, maxAttempts, jobTimeoutSeconds, createdAt, finishedAt, cancelled
        case jobCount, plannedJobs
    }

    /// Records from before plans were expanded lazily carry no counts: they read as 0 jobs, all
    /// planned, which is what the job rows of such a sweep say.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(SweepID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        sourceText = try container.decode(String.self, forKey: .sourceText)
        sourceName = try container.decode(String.self, forKey: .sourceName)
        maxAttempts = try container.decode(Int.self, forKey: .maxAttempts)
        jobTimeoutSeconds = try container.decode(Double.self, forKey: .jobTimeoutSeconds)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        finishedAt = try container.decodeIfPresent(Date.self, forKey: .finishedAt)
        cancelled = try container.decode(Bool.self, forKey: .cancelled)
        jobCount = try container.decodeIfPresent(Int.self, forKey: .jobCount) ?? 0
        plannedJobs = try container.decodeIfPresent(Int.self, forKey: .plannedJobs) ?? jobCount
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
    /// Attempts numbered up to this one were made before the job's last `retry` and no longer
    /// count against `max_attempts` (they stay in `attempts` as history). 0: never retried.
    public var retryBase: Int

    public init(
        id: JobID, index: Int, parameters: JobParameters, status: JobStatus,
        attempts: [AttemptRecord] = [], result: JobResult? = nil, retryBase: Int = 0
    ) {
        self.id = id
        self.index = index
        self.parameters = parameters
        self.status = status
        self.attempts = attempts
        self.result = result
        self.retryBase = retryBase
    }

    enum CodingKeys: String, CodingKey {
        case id, index, parameters, status, attempts, result, retryBase
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(JobID.self, forKey: .id)
        index = try c.decode(Int.self, forKey: .index)
        parameters = try c.decode(JobParameters.self, forKey: .parameters)
        status = try c.decode(JobStatus.self, forKey: .status)
        attempts = try c.decode([AttemptRecord].self, forKey: .attempts)
        result = try c.decodeIfPresent(JobResult.self, forKey: .result)
        retryBase = try c.decodeIfPresent(Int.self, forKey: .retryBase) ?? 0
    }

    /// Encodes `retryBase` only when the job was retried, so a record that never was is encoded
    /// exactly as before the key existed (older peers read it unchanged).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(index, forKey: .index)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encodeIfPresent(result, forKey: .result)
        if retryBase > 0 { try c.encode(retryBase, forKey: .retryBase) }
    }

    /// Attempts that count against `max_attempts`: those since the last retry that ended in an
    /// error or expired (`released` ones are not charged).
    public var chargedAttempts: Int {
        attempts.count { $0.number > retryBase && ($0.outcome == .error || $0.outcome == .expired) }
    }

    /// The last attempt's error text, if it failed.
    public var lastError: String? { attempts.last(where: { $0.error != nil })?.error }
}
