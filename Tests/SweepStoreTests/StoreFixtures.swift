import Benchmarks
import Foundation
import SweepModel
import TrainingCore
@testable import SweepStore

/// A fresh directory under the system's temporary directory, removed when the test ends.
func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("sweepstore-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url.path)
}

/// Fixed times, so records compare equal after a round trip through Unix seconds.
let t0 = Date(timeIntervalSince1970: 1_800_000_000)
func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

/// Sweep number `number`; `jobs` is its plan's size (as the store records it once submitted).
func sweepRecord(_ number: Int, name: String? = nil, jobs: Int = 0) -> SweepRecord {
    SweepRecord(
        id: SweepID(rawValue: StoreBenchmark.hexID(900, number)), name: name ?? "sweep-\(number)",
        sourceText: "version: 1\nname: sweep-\(number)\n", sourceName: "configs/s\(number).yaml",
        maxAttempts: 3, jobTimeoutSeconds: 600, createdAt: at(Double(number)), jobCount: jobs)
}

/// Jobs `range` of a shared pool of noop jobs, re-indexed from 0, so two plans can overlap.
func plan(_ range: Range<Int>) -> [PlannedJob] {
    let pool = StoreBenchmark.noopPlan(count: range.upperBound, sweepNumber: 7)
    return pool[range].enumerated().map { offset, job in
        PlannedJob(id: job.id, index: offset, parameters: job.parameters)
    }
}

let workerA = WorkerID(rawValue: "host-1-a")
let workerB = WorkerID(rawValue: "host-2-b")

func clustered(_ seconds: Double = 1.5) -> JobResult {
    JobResult(status: .clustered, summary: nil, seconds: seconds)
}
