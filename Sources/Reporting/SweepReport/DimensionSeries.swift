import Foundation
import TrainingCore

/// Time-to-cluster against dimension for one combination of the other parameters: one line of
/// the headline chart, with the tests of whether that line really rises or falls.
public struct DimensionSeries: Codable, Sendable, Equatable {
    /// One dimension of the series: time-to-cluster statistics of the series' metric.
    public struct Point: Codable, Sendable, Equatable {
        public var dimension: Int
        /// Epochs-to-cluster statistics of the series' metric (see `TimeStatistics`).
        public var epochs: TimeStatistics
        /// The same runs timed in wall-clock seconds.
        public var seconds: TimeStatistics
        /// The Kaplan–Meier curve of epochs-to-cluster, one step per distinct observed epoch.
        public var kmCurve: [KaplanMeier.Step]
        /// The run whose epochs-to-cluster is closest to the KM median: the one the report pictures.
        public var representative: RepresentativeRun?

        public init(
            dimension: Int, epochs: TimeStatistics, seconds: TimeStatistics, kmCurve: [KaplanMeier.Step],
            representative: RepresentativeRun?
        ) {
            self.dimension = dimension
            self.epochs = epochs
            self.seconds = seconds
            self.kmCurve = kmCurve
            self.representative = representative
        }

        enum CodingKeys: String, CodingKey {
            case dimension, epochs, seconds, representative
            case kmCurve = "km_curve"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(dimension, forKey: .dimension)
            try c.encode(epochs, forKey: .epochs)
            try c.encode(seconds, forKey: .seconds)
            try c.encode(kmCurve, forKey: .kmCurve)
            try c.encode(representative, forKey: .representative)
        }
    }

    /// The dimension tests of a metric other than the series' stopping one.
    public struct MetricTest: Codable, Sendable, Equatable {
        public var test: DimensionTest
        /// True unless the runs used `keep_going`: the stopping rule ended each run when its own
        /// metric clustered, so this metric's censoring depends on the outcome (informative), and
        /// these tests are descriptive only; no verdict is drawn from them.
        public var informativeCensoring: Bool

        public init(test: DimensionTest, informativeCensoring: Bool) {
            self.test = test
            self.informativeCensoring = informativeCensoring
        }

        enum CodingKeys: String, CodingKey {
            case informativeCensoring = "informative_censoring"
        }

        public init(from decoder: any Decoder) throws {
            test = try DimensionTest(from: decoder)
            informativeCensoring = try decoder.container(keyedBy: CodingKeys.self).decode(Bool.self, forKey: .informativeCensoring)
        }

        public func encode(to encoder: any Encoder) throws {
            try test.encode(to: encoder)
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(informativeCensoring, forKey: .informativeCensoring)
        }
    }

    /// The shared parameters (flattened, seed and dimension removed).
    public var parameters: [String: ParameterValue]
    /// The key of the metric that stopped these runs (`parameters.metric`), whose times are shown.
    public var metric: String
    /// The series' points in increasing dimension.
    public var points: [Point]
    /// Log-rank and Cox trend of `metric` across the dimensions (written flat: `logrank`, `trend`).
    public var test: DimensionTest
    /// The same tests for every other metric, keyed by metric.
    public var otherMetrics: [String: MetricTest]

    public init(
        parameters: [String: ParameterValue], metric: String, points: [Point], test: DimensionTest,
        otherMetrics: [String: MetricTest]
    ) {
        self.parameters = parameters
        self.metric = metric
        self.points = points
        self.test = test
        self.otherMetrics = otherMetrics
    }

    /// Whether the runs kept training after clustering, so every metric's time is observed
    /// without the stopping rule's censoring.
    public var keepsGoing: Bool { parameters["keep_going"] == .bool(true) }

    enum CodingKeys: String, CodingKey {
        case parameters, metric, points
        case otherMetrics = "other_metrics"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        parameters = try c.decode([String: ParameterValue].self, forKey: .parameters)
        metric = try c.decode(String.self, forKey: .metric)
        points = try c.decode([Point].self, forKey: .points)
        otherMetrics = try c.decode([String: MetricTest].self, forKey: .otherMetrics)
        test = try DimensionTest(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(metric, forKey: .metric)
        try c.encode(points, forKey: .points)
        try c.encode(otherMetrics, forKey: .otherMetrics)
        try test.encode(to: encoder)
    }
}
