import Foundation
import SweepModel
import TrainingCore

/// The runs that share every parameter except the seed, with their outcome counts and
/// time-to-cluster statistics per metric: the unit a reader compares.
public struct ReportGroup: Codable, Sendable, Equatable {
    /// The shared parameters (flattened, seed removed).
    public var parameters: [String: ParameterValue]
    /// Jobs in the group, whatever their status.
    public var runs: Int
    public var clustered: Int
    public var censored: Int
    public var diverged: Int
    /// `noop` and `sleep` jobs done (they have no clustering to report).
    public var completed: Int
    public var failed: Int
    /// Jobs still pending or running.
    public var unfinished: Int
    public var cancelled: Int
    /// Statistics per metric key (every metric, not only the one that stopped the runs).
    public var metrics: [String: MetricTimes]

    /// A group of `runs` jobs with `counts` per status and the statistics `metrics`.
    public init(parameters: [String: ParameterValue], runs: Int, counts: [JobStatus: Int], metrics: [String: MetricTimes]) {
        self.parameters = parameters
        self.runs = runs
        clustered = counts[.clustered] ?? 0
        censored = counts[.censored] ?? 0
        diverged = counts[.diverged] ?? 0
        completed = counts[.completed] ?? 0
        failed = counts[.failed] ?? 0
        unfinished = counts.filter { !$0.key.isFinal }.values.reduce(0, +)
        cancelled = counts[.cancelled] ?? 0
        self.metrics = metrics
    }
}
