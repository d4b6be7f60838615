import Foundation
import Testing
@testable import Reporting

private func obs(_ time: Double, _ event: Bool = true) -> KaplanMeier.Observation { .init(time: time, event: event) }

/// The dimension tests and the verdict on constructed data with known answers.
@Suite struct DimensionTestTests {
    @Test func logRank_matchesHandComputedStatistic_whenTimesTie() throws {
        // t = 1: n = 4, d = 3, 2 of them in A: O - E = 2 - 1.5 = 0.5,
        // V = d (n - d) / (n - 1) · (nA / n)(1 - nA / n) = 1 · 0.25. t = 2: A is no longer at risk.
        let test = try LogRankTest(groups: [[obs(1), obs(1)], [obs(1), obs(2)]])
        #expect(abs(test.statistic - 1) < 1e-12)
        #expect(test.degreesOfFreedom == 1)
        #expect(abs(test.pValue - 0.317_310_507_862_914_1) < 1e-12)
    }

    @Test func identicalGroups_giveNoEffect() throws {
        let times: [KaplanMeier.Observation] = [obs(100), obs(150), obs(150), obs(300), obs(400, false), obs(250)]
        let test = DimensionTest(byDimension: [2: times, 4: times, 8: times])
        let logrank = try #require(test.logrank)
        #expect(logrank.statistic < 1e-12)
        #expect(abs(logrank.pValue - 1) < 1e-9)
        let trend = try #require(test.trend)
        #expect(abs(trend.hazardRatioPerDoubling - 1) < 1e-9)
        #expect(abs(trend.pValue - 1) < 1e-6)
        #expect(trend.runs == 18 && trend.events == 15)
    }

    @Test func allCensoredGroup_hasNoTestsAndSaysWhy() {
        let test = DimensionTest(byDimension: [2: [obs(500, false), obs(500, false)], 3: [obs(500, false)]])
        #expect(test.logrank == nil && test.trend == nil)
        #expect(test.logrankReason?.contains("no run clustered") == true)
        #expect(test.trendReason?.contains("no run clustered") == true)
        let verdict = Verdict(metric: "lda_silhouette", group: [:], label: nil, test: test, byDimension: [2: [obs(500, false)]])
        #expect(verdict.sentence.hasPrefix("No verdict yet (lda_silhouette): no run clustered"))
        #expect(!verdict.significant && verdict.pValue == nil && verdict.hazardRatioPerDoubling == nil)
    }

    @Test func singleDimension_hasNoTestsAndSaysWhy() {
        let test = DimensionTest(byDimension: [4: [obs(100), obs(200), obs(300, false)]])
        #expect(test.logrank == nil && test.trend == nil)
        #expect(test.logrankReason == "needs at least 2 dimensions with runs, has 1")
        #expect(test.trendReason == "needs at least 2 dimensions with runs, has 1")
    }

    @Test func perfectlySeparatedDimensions_giveNullTrendWithReason_andNoNaNInJSON() throws {
        // Every D = 8 run clusters before any D = 2 run: the Cox likelihood rises forever.
        let byDimension: [Int: [KaplanMeier.Observation]] = [
            8: [obs(100), obs(125), obs(150), obs(175)],
            2: [obs(900), obs(1000), obs(1100), obs(1500, false)],
        ]
        let test = DimensionTest(byDimension: byDimension)
        #expect(test.trend == nil)
        #expect(test.trendReason?.contains("perfectly separated") == true)
        #expect(test.trendReason?.contains("highest dimension") == true)
        let logrank = try #require(test.logrank)
        #expect(logrank.pValue < 0.05)
        let verdict = Verdict(metric: "lda_silhouette", group: [:], label: nil, test: test, byDimension: byDimension)
        #expect(verdict.test == "logrank" && verdict.significant)
        #expect(verdict.sentence.contains("no hazard ratio"))
        let json = String(decoding: try JSONEncoder().encode(test), as: UTF8.self) + String(decoding: try JSONEncoder().encode(verdict), as: UTF8.self)
        #expect(!json.contains("NaN") && !json.contains("Infinity"))
        #expect(json.contains("\"trend\":null"))
    }

    @Test func separationTowardsLowerDimension_isNamed() {
        let test = DimensionTest(byDimension: [2: [obs(10), obs(20)], 16: [obs(30), obs(40)]])
        #expect(test.trendReason?.contains("lowest dimension") == true)
    }

    @Test func schoenfeld_matchesHandComputedSeedCount() {
        // D = 2, 4: log2 D = 1, 2 (variance 0.25); HR 2 (β = ln 2); every run clusters.
        // d = (1.959964 + 0.841621)² / (0.25 · ln²2) = 65.35 events = runs, over 2 dimensions → 33.
        #expect(SchoenfeldPower.seedsPerDimension(beta: log(2), covariateVariance: 0.25, eventFraction: 1, dimensions: 2) == 33)
        // Half the runs cluster: twice the runs.
        #expect(SchoenfeldPower.seedsPerDimension(beta: log(2), covariateVariance: 0.25, eventFraction: 0.5, dimensions: 2) == 66)
        #expect(SchoenfeldPower.seedsPerDimension(beta: 0, covariateVariance: 0.25, eventFraction: 1, dimensions: 2) == nil)
    }

    @Test func verdict_statesSignificantEffect_withRatioIntervalAndCounts() throws {
        // A strong effect: hazard doubles per doubling of D, 40 runs per dimension, no ties.
        var byDimension: [Int: [KaplanMeier.Observation]] = [:]
        for (k, d) in [2, 4, 8].enumerated() {
            let rate = pow(2.0, Double(k))
            byDimension[d] = (1...40).map { i in obs(-log(1 - (Double(i) - 0.5) / 40) / rate * 1000 + Double(k) * 0.001) }
        }
        byDimension[2]?.append(obs(5000, false))
        let test = DimensionTest(byDimension: byDimension)
        let verdict = Verdict(metric: "lda_silhouette", group: [:], label: nil, test: test, byDimension: byDimension)
        let ratio = try #require(verdict.hazardRatioPerDoubling)
        #expect(ratio > 1.5 && ratio < 2.5)
        #expect(verdict.significant && verdict.test == "cox")
        #expect(verdict.seedsPerDimensionFor80PercentPower == nil)
        #expect(verdict.sentence.hasPrefix("Higher dimension clusters sooner (lda_silhouette): hazard ratio "))
        #expect(verdict.sentence.contains("per doubling of D ["))
        #expect(verdict.sentence.hasSuffix("; 121 runs, 1 censored."))
    }

    @Test func verdict_notSignificant_saysSoAndHowManySeedsWouldDetectIt() throws {
        let byDimension: [Int: [KaplanMeier.Observation]] = [
            2: [obs(1900), obs(1500), obs(2200), obs(1700), obs(2500)],
            3: [obs(1600), obs(1800), obs(1400), obs(2100), obs(1650)],
        ]
        let test = DimensionTest(byDimension: byDimension)
        let verdict = Verdict(metric: "lda_silhouette", group: ["points": .int(500)], label: "input_learning_rate=0.001", test: test, byDimension: byDimension)
        #expect(!verdict.significant)
        let seeds = try #require(verdict.seedsPerDimensionFor80PercentPower)
        #expect(seeds > 5)
        #expect(verdict.sentence.hasPrefix("No significant effect of dimension (lda_silhouette, input_learning_rate=0.001): hazard ratio "))
        #expect(verdict.sentence.contains("About \(seeds) seeds per dimension would detect a ratio of"))
        #expect(verdict.sentence.contains("with 80% power at α = 0.05."))
    }

    @Test func pValueText_usesFixedThenScientificThenBound() {
        #expect(Verdict.p(0.2345) == "p = 0.23")
        #expect(Verdict.p(0.0123) == "p = 0.012")
        #expect(Verdict.p(3.14e-5) == "p = 3.1e-05")
        #expect(Verdict.p(1e-14) == "p < 1e-9")
    }
}
