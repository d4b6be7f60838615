import Benchmarks
import Foundation
import Testing
@testable import SweepStore
import SweepModel

@Suite("Throughput (prints, never asserts timing)")
struct StoreThroughputTests {
    @Test func groupCommit_printsJobsPerSecond() throws {
        try withTemporaryDirectory { dir in
            let figures = try StoreBenchmark.run(path: dir + "/bench.sqlite", jobs: 5_000, batchSize: 250)
            print("SweepStore throughput (this build): \(figures)")
            let store = try ResultStore(path: dir + "/bench.sqlite")
            let sweep = try #require(try store.sweeps().first)
            #expect(try store.counts(sweep: sweep.id)[.clustered] == 5_000)
        }
    }
}
