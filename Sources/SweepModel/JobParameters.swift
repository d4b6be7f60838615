import TrainingCore

/// What a job does. `noop` returns at once and `sleep` waits `sleep_ms`: both exercise the
/// machinery (scheduling, store, reports) without training.
public enum JobKind: String, Codable, Sendable, Hashable, CaseIterable {
    case train, noop, sleep
}

/// The fully resolved parameters of one job; their canonical encoding is hashed into its `JobID`.
public struct JobParameters: Codable, Sendable, Hashable {
    public var kind: JobKind
    /// The resolved experiment (seed included). For `noop`/`sleep` jobs it still distinguishes jobs.
    public var experiment: ExperimentConfig
    /// Milliseconds a `sleep` job waits (0 for other kinds).
    public var sleepMs: Int
    /// Test switch: the job fails on attempts `1...failAttempts` (0: never fails).
    public var failAttempts: Int

    public init(kind: JobKind, experiment: ExperimentConfig, sleepMs: Int = 0, failAttempts: Int = 0) {
        self.kind = kind
        self.experiment = experiment
        self.sleepMs = sleepMs
        self.failAttempts = failAttempts
    }

    enum CodingKeys: String, CodingKey {
        case kind, experiment
        case sleepMs = "sleep_ms"
        case failAttempts = "fail_attempts"
    }
}

// MARK: - The job switches, declared once

extension JobParameters: OptionRoot {
    /// A train job with the default experiment.
    public static var defaults: JobParameters { JobParameters(kind: .train, experiment: ExperimentConfig()) }
    /// A `noop` job (with the default experiment, unused), for benchmarks of the machinery.
    public static var noop: JobParameters { JobParameters(kind: .noop, experiment: ExperimentConfig()) }

    /// Largest `sleep_ms` accepted: one hour.
    public static let maxSleepMs = 3_600_000
    /// Largest `fail_attempts` accepted.
    public static let maxFailAttempts = 1_000

    /// The keys sweep files accept under `experiment:` and `grid:` besides the experiment's own
    /// options; `ExperimentKey` and the documentation table are derived from them.
    public static let switches: [ParameterOption<JobParameters>] = [
        .stored(
            "sleep_ms", \.sleepMs, help: "Milliseconds a sleep job waits.",
            meaning: "milliseconds a `sleep` job waits; only with `kind: sleep`", rule: .between(0, maxSleepMs)),
        .stored(
            "fail_attempts", \.failAttempts, help: "Test switch: the job fails on attempts 1...N.",
            meaning: "test switch: the job fails on attempts 1...N", rule: .between(0, maxFailAttempts)),
    ]
}

/// A job of a sweep's plan: its id, its place in the plan and its parameters.
public struct PlannedJob: Codable, Sendable, Hashable {
    public var id: JobID
    /// Position in the sweep's deterministic expansion order (0-based).
    public var index: Int
    public var parameters: JobParameters

    public init(id: JobID, index: Int, parameters: JobParameters) {
        self.id = id
        self.index = index
        self.parameters = parameters
    }
}
