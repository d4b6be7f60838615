import Foundation
import SweepModel
import TrainingCore

/// One job as a report shows it: its parameters, where it stands, how often it was tried, and
/// what its run did once it has run (its configuration is its parameters).
public struct ReportJob: Codable, Sendable, Equatable {
    /// How often a job was tried and how the last failure read.
    public struct Attempts: Codable, Sendable, Equatable {
        public var count: Int
        /// The error text of the last attempt that reported one; `nil` if none did.
        public var lastError: String?

        public init(count: Int, lastError: String?) {
            self.count = count
            self.lastError = lastError
        }

        enum CodingKeys: String, CodingKey {
            case count
            case lastError = "last_error"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(count, forKey: .count)
            try c.encode(lastError, forKey: .lastError)
        }
    }

    public var jobID: String
    /// Position in the sweep's plan (0-based).
    public var index: Int
    /// Flattened resolved parameters (see `ReportParameters`): in a report, the job's own
    /// (`ParameterSplit`; `SweepReport.parameters(of:)` gives them all); from `init(record:)`, all.
    public var parameters: [String: ParameterValue]
    public var status: JobStatus
    public var attempts: Attempts
    /// Seconds the worker spent on the completed job; `nil` until it completed.
    public var workerSeconds: Double?
    /// What the training run did; `nil` for unfinished, failed, `noop` and `sleep` jobs.
    public var result: RunOutcome?

    public init(
        jobID: String, index: Int, parameters: [String: ParameterValue], status: JobStatus,
        attempts: Attempts, workerSeconds: Double?, result: RunOutcome?
    ) {
        self.jobID = jobID
        self.index = index
        self.parameters = parameters
        self.status = status
        self.attempts = attempts
        self.workerSeconds = workerSeconds
        self.result = result
    }

    /// The report entry of a store record, with every flattened parameter.
    public init(record: JobRecord) {
        self.init(record: record, parameters: ReportParameters.flatten(record.parameters))
    }

    /// The report entry of a store record, with `parameters` (a report's: the job's own).
    public init(record: JobRecord, parameters: [String: ParameterValue]) {
        self.init(
            jobID: record.id.rawValue, index: record.index, parameters: parameters, status: record.status,
            attempts: Attempts(count: record.attempts.count, lastError: record.lastError),
            workerSeconds: record.result?.seconds, result: record.result?.summary)
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case index, parameters, status, attempts
        case workerSeconds = "worker_seconds"
        case result
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jobID, forKey: .jobID)
        try c.encode(index, forKey: .index)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(status, forKey: .status)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(workerSeconds, forKey: .workerSeconds)
        try c.encode(result, forKey: .result)
    }

    /// The run's time-to-cluster observation under `metric` in epochs, if the job has a summary:
    /// an event at the epoch it clustered, or censored at `epochs_run`.
    public func epochObservation(_ metric: ClusterMetric) -> KaplanMeier.Observation? {
        guard status.isCompleted, let result else { return nil }
        if let time = result.timeToCluster(metric) {
            return .init(time: Double(time.epoch), event: true)
        }
        return .init(time: Double(result.epochsRun), event: false)
    }

    /// As `epochObservation` in wall-clock seconds: censored at `train_seconds`.
    public func secondsObservation(_ metric: ClusterMetric) -> KaplanMeier.Observation? {
        guard status.isCompleted, let result else { return nil }
        if let time = result.timeToCluster(metric) {
            return .init(time: time.seconds, event: true)
        }
        return .init(time: result.trainSeconds, event: false)
    }
}
