import Benchmarks
import Foundation
import Testing
@testable import Coordinator

/// Runs the scheduler micro-benchmark: small and fast by default (a correctness check that prints
/// its figure); set `SCHEDULER_BENCH_JOBS=100000` in a release build for the real measurement.
@Suite struct SchedulerBenchmarkTests {
    @Test func benchmark_completesEveryJob() {
        let jobs = ProcessInfo.processInfo.environment["SCHEDULER_BENCH_JOBS"].flatMap(Int.init) ?? 3_000
        let one = SchedulerBenchmark.run(jobs: jobs, workers: 2, slots: 1, batch: 1)
        print("scheduler benchmark, one result per event: \(one)")
        #expect(one.completed == jobs)
        let batched = SchedulerBenchmark.run(jobs: jobs, workers: 2, slots: 14, batch: 16)
        print("scheduler benchmark, 16 results per event: \(batched)")
        #expect(batched.completed == jobs)
    }
}
