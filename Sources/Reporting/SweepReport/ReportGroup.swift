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

    public init(parameters: [String: ParameterValue], jobs: [ReportJob]) {
        self.parameters = parameters
        runs = jobs.count
        clustered = jobs.count { $0.status == .clustered }
        censored = jobs.count { $0.status == .censored }
        diverged = jobs.count { $0.status == .diverged }
        completed = jobs.count { $0.status == .completed }
        failed = jobs.count { $0.status == .failed }
        unfinished = jobs.count { !$0.status.isFinal }
        cancelled = jobs.count { $0.status == .cancelled }
        var metrics: [String: MetricTimes] = [:]
        for metric in ClusterMetric.allCases {
            metrics[metric.key] = MetricTimes(
                epochs: TimeStatistics(jobs.compactMap { $0.epochObservation(metric) }),
                seconds: TimeStatistics(jobs.compactMap { $0.secondsObservation(metric) }))
        }
        self.metrics = metrics
    }
}
