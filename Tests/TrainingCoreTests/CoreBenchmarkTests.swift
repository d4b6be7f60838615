import Testing
@testable import TrainingCore

/// `bench core`'s clocks and its whole-run comparison, on tiny problems (no timing thresholds:
/// only that the figures are well formed and the clock is the one asked for).
@Suite struct CoreBenchmarkTests {
    @Test(arguments: BenchmarkClock.allCases)
    func clock_isFiniteAndNeverGoesBack(_ clock: BenchmarkClock) {
        let first = clock.now()
        var sink = 0.0
        for i in 0..<100_000 { sink += Double(i).squareRoot() }
        let second = clock.now()
        #expect(first.isFinite && second.isFinite)
        #expect(second >= first)
        #expect(sink > 0)
    }

    @Test func threadCPUTime_countsThisThreadsWork() {
        // A thread's CPU time advances while it computes (never a bound on how much).
        let (seconds, sink) = BenchmarkClock.threadCPU.measure {
            var s = 0.0
            for i in 0..<2_000_000 { s += Double(i).squareRoot() }
            return s
        }
        #expect(seconds > 0)
        #expect(sink > 0)
    }

    @Test func defaultRun_reportsItsClockAndAShareBetweenZeroAndOne() throws {
        let timing = try #require(CoreBenchmark.defaultRun(seed: 1, repetitions: 1, clock: .threadCPU))
        #expect(timing.clock == .threadCPU)
        #expect(timing.msPerEpochWithChecks > 0 && timing.msPerEpochWithoutChecks > 0)
        #expect(timing.checkShare >= 0 && timing.checkShare < 1)
        #expect(timing.checkWork.checks > 0)
    }
}
