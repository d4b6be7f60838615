import Foundation
import TrainingCore

/// Time-to-cluster against dimension for one combination of the other parameters: one line of
/// the headline chart.
public struct DimensionSeries: Codable, Sendable, Equatable {
    /// One dimension of the series: epochs-to-cluster statistics of the series' metric.
    public struct Point: Codable, Sendable, Equatable {
        public var dimension: Int
        /// Epochs-to-cluster statistics of the series' metric (see `TimeStatistics`).
        public var epochs: TimeStatistics
        /// The Kaplan–Meier curve of epochs-to-cluster, one step per distinct observed epoch.
        public var kmCurve: [KaplanMeier.Step]

        public init(dimension: Int, epochs: TimeStatistics, kmCurve: [KaplanMeier.Step]) {
            self.dimension = dimension
            self.epochs = epochs
            self.kmCurve = kmCurve
        }

        enum CodingKeys: String, CodingKey {
            case dimension, epochs
            case kmCurve = "km_curve"
        }
    }

    /// The shared parameters (flattened, seed and dimension removed).
    public var parameters: [String: ParameterValue]
    /// The key of the metric that stopped these runs (`parameters.metric`), whose times are shown.
    public var metric: String
    /// The series' points in increasing dimension.
    public var points: [Point]

    public init(parameters: [String: ParameterValue], metric: String, points: [Point]) {
        self.parameters = parameters
        self.metric = metric
        self.points = points
    }
}
