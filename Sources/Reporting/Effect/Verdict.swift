import Foundation

/// The report's answer for one series and metric, computed from its tests: does a higher
/// dimension make the points cluster sooner, by how much, how sure is that, and, when it is not
/// sure yet, how many seeds would make it so. `sentence` says it in one line.
public struct Verdict: Codable, Sendable, Equatable {
    /// The metric whose epochs-to-cluster were tested (snake_case key).
    public var metric: String
    /// The series' shared parameters (without seed and dimension).
    public var group: [String: ParameterValue]
    /// The Cox trend's ratio per doubling of D; `nil` when the trend could not be fitted.
    public var hazardRatioPerDoubling: Double?
    public var ci95: [Double]?
    /// The Cox trend's p-value, or the log-rank test's when there is no trend (perfect separation).
    public var pValue: Double?
    /// Which test `pValue` comes from: `cox`, `logrank`, or `nil` when neither could be computed.
    public var test: String?
    /// `pValue < 0.05`.
    public var significant: Bool
    /// For an effect that is not significant: seeds per dimension that would detect it with 80%
    /// power at α = 0.05 (Schoenfeld); `nil` otherwise.
    public var seedsPerDimensionFor80PercentPower: Int?
    public var runs: Int
    public var censored: Int
    public var sentence: String

    /// The significance level of `significant`.
    public static let alpha = 0.05

    public init(
        metric: String, group: [String: ParameterValue], hazardRatioPerDoubling: Double?, ci95: [Double]?,
        pValue: Double?, test: String?, significant: Bool, seedsPerDimensionFor80PercentPower: Int?,
        runs: Int, censored: Int, sentence: String
    ) {
        self.metric = metric
        self.group = group
        self.hazardRatioPerDoubling = hazardRatioPerDoubling
        self.ci95 = ci95
        self.pValue = pValue
        self.test = test
        self.significant = significant
        self.seedsPerDimensionFor80PercentPower = seedsPerDimensionFor80PercentPower
        self.runs = runs
        self.censored = censored
        self.sentence = sentence
    }

    enum CodingKeys: String, CodingKey {
        case metric, group, ci95, test, significant, runs, censored, sentence
        case hazardRatioPerDoubling = "hazard_ratio_per_doubling"
        case pValue = "p_value"
        case seedsPerDimensionFor80PercentPower = "seeds_per_dimension_for_80_percent_power"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(metric, forKey: .metric)
        try c.encode(group, forKey: .group)
        try c.encode(hazardRatioPerDoubling, forKey: .hazardRatioPerDoubling)
        try c.encode(ci95, forKey: .ci95)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(test, forKey: .test)
        try c.encode(significant, forKey: .significant)
        try c.encode(seedsPerDimensionFor80PercentPower, forKey: .seedsPerDimensionFor80PercentPower)
        try c.encode(runs, forKey: .runs)
        try c.encode(censored, forKey: .censored)
        try c.encode(sentence, forKey: .sentence)
    }

    /// The verdict on `test` of `metric` for the runs `observations` (dimension → observations).
    /// `label` names the series in the sentence when the report has several (`nil`: just one).
    public init(
        metric: String, group: [String: ParameterValue], label: String?, test: DimensionTest,
        byDimension: [Int: [KaplanMeier.Observation]]
    ) {
        let all = byDimension.values.flatMap { $0 }
        let runs = all.count
        let censored = all.count { !$0.event }
        let subject = label.map { "\(metric), \($0)" } ?? metric
        let tally = "\(runs) \(runs == 1 ? "run" : "runs"), \(censored) censored"
        var sentence: String
        var significant = false
        var seeds: Int?
        var pValue: Double?
        var testName: String?
        if let trend = test.trend {
            pValue = trend.pValue
            testName = "cox"
            significant = trend.pValue < Self.alpha
            let ratio = "hazard ratio \(Self.ratio(trend.hazardRatioPerDoubling)) per doubling of D "
                + "[\(Self.ratio(trend.ci95[0])), \(Self.ratio(trend.ci95[1]))], \(Self.p(trend.pValue))"
            if significant {
                let direction = trend.hazardRatioPerDoubling > 1 ? "sooner" : "later"
                sentence = "Higher dimension clusters \(direction) (\(subject)): \(ratio); \(tally)."
            } else {
                sentence = "No significant effect of dimension (\(subject)): \(ratio); \(tally)."
                let present = byDimension.filter { !$0.value.isEmpty }
                let covariates = present.flatMap { d, obs in obs.map { _ in log2(Double(d)) } }
                let mean = covariates.reduce(0, +) / Double(Swift.max(covariates.count, 1))
                let variance = covariates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(Swift.max(covariates.count, 1))
                seeds = SchoenfeldPower.seedsPerDimension(
                    beta: log(trend.hazardRatioPerDoubling), covariateVariance: variance,
                    eventFraction: Double(trend.events) / Double(Swift.max(trend.runs, 1)), dimensions: present.count)
                if let seeds {
                    sentence += " About \(seeds) seeds per dimension would detect a ratio of "
                        + "\(Self.ratio(trend.hazardRatioPerDoubling)) with 80% power at α = 0.05."
                } else {
                    sentence += " No number of seeds would detect a ratio of \(Self.ratio(trend.hazardRatioPerDoubling))."
                }
            }
        } else if let logrank = test.logrank {
            pValue = logrank.pValue
            testName = "logrank"
            significant = logrank.pValue < Self.alpha
            let reason = test.trendReason ?? "no Cox trend"
            if significant {
                sentence = "Dimension changes time to cluster (\(subject)): log-rank \(Self.p(logrank.pValue)); "
                    + "no hazard ratio: \(reason); \(tally)."
            } else {
                sentence = "No significant effect of dimension (\(subject)): log-rank \(Self.p(logrank.pValue)); "
                    + "no hazard ratio: \(reason); \(tally)."
            }
        } else {
            sentence = "No verdict yet (\(subject)): \(test.trendReason ?? test.logrankReason ?? "no test could be computed"); \(tally)."
        }
        self.init(
            metric: metric, group: group, hazardRatioPerDoubling: test.trend?.hazardRatioPerDoubling,
            ci95: test.trend?.ci95, pValue: pValue, test: testName, significant: significant,
            seedsPerDimensionFor80PercentPower: seeds, runs: runs, censored: censored, sentence: sentence)
    }

    /// A ratio with two decimals (`1.84`), or three significant digits when far from 1.
    static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return value > 0 ? "∞" : "–" }
        if value >= 0.01 && value < 100 { return String(format: "%.2f", value) }
        return String(format: "%.3g", value)
    }

    /// `p = 0.23`, `p = 3.1e-05`, or `p < 1e-9`.
    static func p(_ value: Double) -> String {
        if value < 1e-9 { return "p < 1e-9" }
        if value >= 0.001 { return "p = " + String(format: "%.2g", value) }
        return "p = " + String(format: "%.1e", value)
    }
}

extension Verdict {
    /// The verdict sentences as the terminal shows them at the end of `run` and `report`: a blank
    /// line, `verdict:`, then one indented sentence per line (nothing when there are none).
    public static func terminalText(_ sentences: [String]) -> String {
        guard !sentences.isEmpty else { return "" }
        return "\nverdict:\n" + sentences.map { "  \($0)\n" }.joined()
    }
}
