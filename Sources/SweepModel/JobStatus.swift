import TrainingCore

/// A job's status as the store and reports show it.
///
/// `clustered`, `censored` and `diverged` are the three ways a training job can complete;
/// `completed` is how a `noop` or `sleep` job completes (it has no clustering to report);
/// `failed` means it errored on every one of its `max_attempts`.
public enum JobStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case clustered, censored, diverged, completed, failed, pending, running, cancelled

    /// Whether the job will not run again.
    public var isFinal: Bool {
        switch self {
        case .clustered, .censored, .diverged, .completed, .failed, .cancelled: true
        case .pending, .running: false
        }
    }

    /// Whether the job completed with a result.
    public var isCompleted: Bool {
        switch self {
        case .clustered, .censored, .diverged, .completed: true
        default: false
        }
    }

    public init(_ status: RunStatus) {
        switch status {
        case .clustered: self = .clustered
        case .censored: self = .censored
        case .diverged: self = .diverged
        }
    }
}

/// What a worker sends back for a completed job.
public struct JobResult: Codable, Sendable, Equatable {
    /// `clustered`, `censored` or `diverged` for a training job; `completed` for `noop` and `sleep`.
    public var status: JobStatus
    /// What the training run did (without its configuration: that is the job's parameters);
    /// `nil` for `noop` and `sleep` jobs. Stored and sent under the key `summary`.
    public var summary: RunOutcome?
    /// Seconds the worker spent on the job.
    public var seconds: Double

    public init(status: JobStatus, summary: RunOutcome?, seconds: Double) {
        self.status = status
        self.summary = summary
        self.seconds = seconds
    }
}
