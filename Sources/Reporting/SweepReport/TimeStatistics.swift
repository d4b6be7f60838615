import Foundation

/// Time-to-cluster statistics of a set of runs under one metric and one unit (epochs or seconds):
/// order statistics over the runs that reached the threshold, and Kaplan–Meier quantiles that
/// also count the runs that did not (censored at the time they stopped).
public struct TimeStatistics: Codable, Sendable, Equatable {
    /// Runs with a result (the Kaplan–Meier sample).
    public var runs: Int
    /// Runs that reached the threshold (the sample of `median` ... `std`).
    public var reached: Int
    public var median: Double?
    public var q1: Double?
    public var q3: Double?
    public var min: Double?
    public var max: Double?
    public var mean: Double?
    /// Sample standard deviation (n - 1); `nil` for fewer than two runs that reached.
    public var std: Double?
    /// Kaplan–Meier median; `nil` when fewer than half of the runs are estimated to cluster.
    public var kmMedian: Double?
    /// Kaplan–Meier time by which a quarter clustered.
    public var kmQ1: Double?
    /// Kaplan–Meier time by which three quarters clustered.
    public var kmQ3: Double?
    /// The 95% confidence interval of `kmMedian` by lifelines' convention (see
    /// `KaplanMeier.medianConfidenceInterval`); an unbounded end is `nil`.
    public var kmMedianCI95: KaplanMeier.Interval

    /// The statistics of `observations` (events are runs that reached the threshold).
    public init(_ observations: [KaplanMeier.Observation]) {
        let curve = KaplanMeier(observations)
        let sample = SampleStatistics(observations.filter(\.event).map(\.time))
        runs = curve.count
        reached = sample?.count ?? 0
        median = sample?.median
        q1 = sample?.q1
        q3 = sample?.q3
        min = sample?.min
        max = sample?.max
        mean = sample?.mean
        std = sample?.std
        kmMedian = curve.median
        kmQ1 = curve.quantile(0.25)
        kmQ3 = curve.quantile(0.75)
        kmMedianCI95 = curve.medianConfidenceInterval
    }

    enum CodingKeys: String, CodingKey {
        case runs, reached, median, q1, q3, min, max, mean, std
        case kmMedian = "km_median"
        case kmQ1 = "km_q1"
        case kmQ3 = "km_q3"
        case kmMedianCI95 = "km_median_ci95"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(runs, forKey: .runs)
        try c.encode(reached, forKey: .reached)
        try c.encode(median, forKey: .median)
        try c.encode(q1, forKey: .q1)
        try c.encode(q3, forKey: .q3)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(mean, forKey: .mean)
        try c.encode(std, forKey: .std)
        try c.encode(kmMedian, forKey: .kmMedian)
        try c.encode(kmQ1, forKey: .kmQ1)
        try c.encode(kmQ3, forKey: .kmQ3)
        try c.encode(kmMedianCI95, forKey: .kmMedianCI95)
    }
}
