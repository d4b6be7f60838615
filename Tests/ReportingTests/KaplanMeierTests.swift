import Foundation
import Testing
@testable import Reporting

private func obs(_ time: Double, _ event: Bool) -> KaplanMeier.Observation { .init(time: time, event: event) }

/// 100 E, 200 C, 300 E, 300 C, 400 E, 500 C, computed by hand:
/// S(100) = 5/6; S(300) = 5/6 * 3/4 = 0.625 (the run censored at 300 is still at risk);
/// S(400) = 0.625 * 1/2 = 0.3125. Median: first S <= 0.5, at 400. Q1 (S <= 0.75): 300.
@Test func kaplanMeier_matchesHandComputedCurve() throws {
    let km = KaplanMeier([obs(300, true), obs(100, true), obs(200, false), obs(300, false), obs(400, true), obs(500, false)])
    #expect(km.count == 6)
    #expect(km.steps.map(\.time) == [100, 200, 300, 400, 500])
    #expect(km.steps.map(\.atRisk) == [6, 5, 4, 2, 1])
    #expect(km.steps.map(\.events) == [1, 0, 1, 1, 0])
    #expect(km.steps.map(\.censored) == [0, 1, 1, 0, 1])
    let expected = [5.0 / 6, 5.0 / 6, 0.625, 0.3125, 0.3125]
    for (step, value) in zip(km.steps, expected) {
        #expect(abs(step.survival - value) < 1e-12)
    }
    #expect(km.median == 400)
    #expect(km.quantile(0.25) == 300)
    #expect(km.quantile(0.75) == nil)  // survival never reaches 0.25
}

@Test func kaplanMeierMedian_isNil_whenMostRunsNeverClustered() throws {
    // 2 of 10 runs clustered, early; 8 censored at max_epochs. The naive median of the 2 is 125.
    let observations = [obs(100, true), obs(150, true)] + Array(repeating: obs(15000, false), count: 8)
    let km = KaplanMeier(observations)
    #expect(km.median == nil)
    #expect(abs((km.steps.last?.survival ?? 0) - 0.8) < 1e-12)
    let stats = TimeStatistics(observations)
    #expect(stats.median == 125)
    #expect(stats.kmMedian == nil)
    #expect(stats.reached == 2 && stats.runs == 10)
}

@Test func kaplanMeierMedian_equalsSampleMedian_whenNothingIsCensored() {
    // S = 0.5 exactly over [2, 3): the median is the midpoint, as R's survfit and type 7 give.
    #expect(KaplanMeier([obs(1, true), obs(2, true), obs(3, true), obs(4, true)]).median == 2.5)
    #expect(KaplanMeier([obs(1, true), obs(2, true), obs(3, true)]).median == 2)
    // Tied events: S(10) = 0.5, next event at 20.
    #expect(KaplanMeier([obs(10, true), obs(10, true), obs(20, true), obs(30, true)]).median == 15)
}

@Test func kaplanMeierMedian_isTheFlatStart_whenCurveStaysAtOneHalf() {
    // S(1) = 0.75, S(2) = 0.5, then only censored runs: the curve never drops further.
    #expect(KaplanMeier([obs(1, true), obs(2, true), obs(5, false), obs(6, false)]).median == 2)
}

@Test func kaplanMeier_isEmpty_whenNoObservation() {
    let km = KaplanMeier([obs(.nan, true)])
    #expect(km.steps.isEmpty && km.count == 0)
    #expect(km.median == nil)
}
