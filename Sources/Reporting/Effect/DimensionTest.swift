import Foundation
import RealModule

/// Whether time-to-cluster depends on dimension, for one metric of one series: the k-group
/// log-rank test across its dimensions and the Cox trend on log2(D). Each is `nil` with a reason
/// when it cannot be computed (fewer than 2 dimensions with runs, no run clustered, a Cox fit
/// without a finite maximum).
public struct DimensionTest: Codable, Sendable, Equatable {
    /// The log-rank test: do the dimensions share one time-to-cluster distribution?
    public struct LogRank: Codable, Sendable, Equatable {
        public var statistic: Double
        public var df: Int
        public var pValue: Double

        enum CodingKeys: String, CodingKey {
            case statistic, df
            case pValue = "p_value"
        }
    }

    /// The Cox model's answer: the hazard of clustering per doubling of D.
    public struct Trend: Codable, Sendable, Equatable {
        /// exp(β) with covariate log2(D): above 1 means higher D clusters sooner.
        public var hazardRatioPerDoubling: Double
        /// Wald 95% interval of the ratio, exp(β ± 1.96·se).
        public var ci95: [Double]
        /// Two-sided Wald p-value of β = 0.
        public var pValue: Double
        /// β and its standard error (lifelines' `coef` and `se(coef)`).
        public var coef: Double
        public var se: Double
        public var runs: Int
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case hazardRatioPerDoubling = "hazard_ratio_per_doubling"
            case ci95, coef, se, runs, events
            case pValue = "p_value"
        }
    }

    public var logrank: LogRank?
    /// Why `logrank` is `nil`.
    public var logrankReason: String?
    public var trend: Trend?
    /// Why `trend` is `nil`.
    public var trendReason: String?

    enum CodingKeys: String, CodingKey {
        case logrank, trend
        case logrankReason = "logrank_reason"
        case trendReason = "trend_reason"
    }

    public init(logrank: LogRank?, logrankReason: String?, trend: Trend?, trendReason: String?) {
        self.logrank = logrank
        self.logrankReason = logrankReason
        self.trend = trend
        self.trendReason = trendReason
    }

    /// Tests the observations of each dimension (dimension → its runs' observations).
    public init(byDimension: [Int: [KaplanMeier.Observation]]) {
        let dimensions = byDimension.keys.sorted().filter { !(byDimension[$0] ?? []).isEmpty }
        do {
            let test = try LogRankTest(groups: dimensions.map { byDimension[$0] ?? [] })
            logrank = LogRank(statistic: test.statistic, df: test.degreesOfFreedom, pValue: test.pValue)
        } catch {
            logrankReason = error.description
        }
        let observations = dimensions.flatMap { d in
            (byDimension[d] ?? []).map { CoxRegression.Observation(time: $0.time, event: $0.event, covariate: Double.log2(Double(d))) }
        }
        do {
            let fit = try CoxRegression(observations)
            let interval = fit.hazardRatioInterval
            let values = [fit.hazardRatio, interval.lower, interval.upper, fit.pValue, fit.coefficient, fit.standardError]
            if values.allSatisfy(\.isFinite) {
                trend = Trend(
                    hazardRatioPerDoubling: fit.hazardRatio, ci95: [interval.lower, interval.upper], pValue: fit.pValue,
                    coef: fit.coefficient, se: fit.standardError, runs: fit.runs, events: fit.events)
            } else {
                trendReason = "the Cox fit gave a non-finite estimate (hazard ratio \(fit.hazardRatio), se \(fit.standardError))"
            }
        } catch {
            trendReason = dimensions.count < 2 ? "needs at least 2 dimensions with runs, has \(dimensions.count)" : error.description
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(logrank, forKey: .logrank)
        try c.encode(logrankReason, forKey: .logrankReason)
        try c.encode(trend, forKey: .trend)
        try c.encode(trendReason, forKey: .trendReason)
    }
}
