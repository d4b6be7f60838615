import Foundation

/// Epochs-to-cluster and seconds-to-cluster statistics of one metric.
public struct MetricTimes: Codable, Sendable, Equatable {
    public var epochs: TimeStatistics
    public var seconds: TimeStatistics

    public init(epochs: TimeStatistics, seconds: TimeStatistics) {
        self.epochs = epochs
        self.seconds = seconds
    }
}
