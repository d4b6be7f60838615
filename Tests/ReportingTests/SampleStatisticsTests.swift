import Foundation
import Testing
@testable import Reporting

private func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

@Test func sampleStatistics_matchHandComputedValues_whenCountIsOdd() throws {
    let s = try #require(SampleStatistics([3, 1, 2]))
    #expect(s.count == 3)
    #expect(s.median == 2)
    #expect(s.q1 == 1.5)  // h = 0.5: 1 + 0.5 * (2 - 1)
    #expect(s.q3 == 2.5)  // h = 1.5: 2 + 0.5 * (3 - 2)
    #expect(s.min == 1 && s.max == 3)
    #expect(s.mean == 2)
    #expect(close(s.std, 1))
}

@Test func sampleStatistics_interpolate_whenCountIsEven() throws {
    let s = try #require(SampleStatistics([4, 1, 3, 2]))
    #expect(s.median == 2.5)
    #expect(s.q1 == 1.75)  // h = 0.75
    #expect(s.q3 == 3.25)  // h = 2.25
    #expect(s.mean == 2.5)
    #expect(close(s.std, (5.0 / 3).squareRoot()))  // squares 2.25+0.25+0.25+2.25 = 5, / (n-1)
}

@Test func sampleStatistics_handleTies() throws {
    let s = try #require(SampleStatistics([5, 10, 5, 5]))
    #expect(s.median == 5)
    #expect(s.q1 == 5)
    #expect(s.q3 == 6.25)  // h = 2.25: 5 + 0.25 * (10 - 5)
    #expect(s.mean == 6.25)
    #expect(close(s.std, 2.5))  // (3 * 1.5625 + 14.0625) / 3 = 6.25
}

@Test func sampleStatistics_haveNoSpread_whenSingleValue() throws {
    let s = try #require(SampleStatistics([7]))
    #expect(s.median == 7 && s.q1 == 7 && s.q3 == 7 && s.mean == 7)
    #expect(s.std == nil)
}

@Test func sampleStatistics_areNil_whenNoFiniteValue() {
    #expect(SampleStatistics([]) == nil)
    #expect(SampleStatistics([.nan, .infinity]) == nil)
    #expect(SampleStatistics([1, .nan, 3])?.count == 2)
}

@Test func quantile_isType7_atEveryProbability() {
    let sorted: [Double] = [10, 20, 30, 40, 50]
    #expect(SampleStatistics.quantile(sorted: sorted, 0) == 10)
    #expect(SampleStatistics.quantile(sorted: sorted, 1) == 50)
    #expect(SampleStatistics.quantile(sorted: sorted, 0.1) == 14)  // h = 0.4
    #expect(SampleStatistics.quantile(sorted: sorted, 0.9) == 46)  // h = 3.6
    #expect(SampleStatistics.quantile(sorted: [], 0.5) == nil)
}
