import Foundation

/// Order statistics, mean and spread of a sample of times, so every report states the same
/// numbers computed the same way.
///
/// Quantiles use linear interpolation between order statistics (Hyndman & Fan type 7, the default
/// of R's `quantile` and NumPy's `percentile`): for sorted values `x[0...n-1]` and probability `p`,
/// `h = (n - 1) * p` and `Q(p) = x[⌊h⌋] + (h - ⌊h⌋) * (x[⌊h⌋ + 1] - x[⌊h⌋])`. `std` is the sample
/// standard deviation (divisor `n - 1`), `nil` for fewer than two values. Non-finite values are
/// ignored; an empty sample has no statistics at all.
public struct SampleStatistics: Codable, Sendable, Equatable {
    /// Number of values the statistics are computed over.
    public var count: Int
    public var median: Double
    /// First quartile (p = 0.25, type 7).
    public var q1: Double
    /// Third quartile (p = 0.75, type 7).
    public var q3: Double
    public var min: Double
    public var max: Double
    public var mean: Double
    /// Sample standard deviation (n - 1); `nil` when `count < 2`.
    public var std: Double?

    public init(count: Int, median: Double, q1: Double, q3: Double, min: Double, max: Double, mean: Double, std: Double?) {
        self.count = count
        self.median = median
        self.q1 = q1
        self.q3 = q3
        self.min = min
        self.max = max
        self.mean = mean
        self.std = std
    }

    /// The statistics of `values`, or `nil` when no finite value is given.
    public init?(_ values: [Double]) {
        let sorted = values.filter(\.isFinite).sorted()
        guard let first = sorted.first, let last = sorted.last else { return nil }
        let n = Double(sorted.count)
        let mean = sorted.reduce(0, +) / n
        var std: Double?
        if sorted.count >= 2 {
            let squares = sorted.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            std = (squares / (n - 1)).squareRoot()
        }
        self.init(
            count: sorted.count,
            median: Self.quantile(sorted: sorted, 0.5) ?? first,
            q1: Self.quantile(sorted: sorted, 0.25) ?? first,
            q3: Self.quantile(sorted: sorted, 0.75) ?? first,
            min: first, max: last, mean: mean, std: std)
    }

    /// The type-7 quantile of already sorted `sorted` at probability `p` (clamped to `0...1`);
    /// `nil` for an empty sample.
    public static func quantile(sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let h = Double(sorted.count - 1) * Swift.min(Swift.max(p, 0), 1)
        let lower = Int(h.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
