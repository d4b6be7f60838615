import RealModule

extension KaplanMeier {
    /// A two-sided 95% confidence interval of a time, either end `nil` when it is unbounded.
    public struct Interval: Sendable, Equatable {
        public var lower: Double?
        public var upper: Double?

        public init(lower: Double?, upper: Double?) {
            self.lower = lower
            self.upper = upper
        }
    }

    /// The pointwise 95% band of the survival curve at each step: the exponential Greenwood
    /// ("log-log") interval `exp(-exp(log(-log S) ∓ z·√V / log S))` with Greenwood's
    /// `V = Σ d / (n (n - d))` (Kalbfleisch & Prentice 1980), as lifelines computes it. A step
    /// where S = 1 has the band [1, 1]; where S = 0, [0, 0].
    public var confidenceBand: [(lower: Double, upper: Double)] {
        let z = Distribution.normalQuantile975
        var logSurvival = 0.0
        var greenwood = 0.0
        return steps.map { step in
            if step.events > 0 {
                let n = Double(step.atRisk), d = Double(step.events)
                logSurvival += Double.log(n - d) - Double.log(n)
                // lifelines replaces the infinite term of a step that empties the risk set by 0.
                if n > d { greenwood += d / (n * (n - d)) }
            }
            guard logSurvival < 0 else { return (1, 1) }
            guard logSurvival.isFinite else { return (0, 0) }
            let center = Double.log(-logSurvival)
            let spread = z * greenwood.squareRoot() / logSurvival
            return (Double.exp(-Double.exp(center - spread)), Double.exp(-Double.exp(center + spread)))
        }
    }

    /// The 95% confidence interval of the median by lifelines' convention
    /// (`median_survival_times(kmf.confidence_interval_)`): the first time at which each end of
    /// the pointwise band (`confidenceBand`) is at or below 0.5 (Brookmeyer & Crowley 1982, with
    /// the log-log band). An end whose band never gets there is `nil` (unbounded).
    ///
    /// This reads the crossing off the band's own steps with numpy's `searchsorted`, as lifelines
    /// does, so the two agree even where the band is not monotone.
    public var medianConfidenceInterval: Interval {
        let band = confidenceBand
        // The timeline starts at 0 with the band at 1 (lifelines adds that row).
        let times = [0] + steps.map(\.time)
        let lower = [1] + band.map(\.lower)
        let upper = [1] + band.map(\.upper)
        return Interval(
            lower: Self.firstCrossing(of: 0.5, values: lower).map { times[$0] },
            upper: Self.firstCrossing(of: 0.5, values: upper).map { times[$0] })
    }

    /// lifelines' `qth_survival_time`: `nil` when the last value is above `q`, else numpy's
    /// left `searchsorted` of `-q` in `-values` (a binary search that assumes a falling curve).
    static func firstCrossing(of q: Double, values: [Double]) -> Int? {
        guard let last = values.last, last <= q else { return nil }
        var low = 0, high = values.count
        while low < high {
            let mid = low + (high - low) / 2
            if -values[mid] < -q { low = mid + 1 } else { high = mid }
        }
        return low < values.count ? low : nil
    }
}

extension KaplanMeier.Interval: Codable {
    /// Written as a two-element array `[lower, upper]`, `null` for an unbounded end.
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        lower = try c.decodeIfPresent(Double.self)
        upper = try c.decodeIfPresent(Double.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.unkeyedContainer()
        try c.encode(lower)
        try c.encode(upper)
    }
}
