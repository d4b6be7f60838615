import Benchmarks
import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing
@testable import Coordinator

/// `retry` through a running coordinator: answered at once with every job it will bring back
/// (counted pending from then on), the jobs re-queued a slice of plan positions per transaction,
/// and a retry a previous coordinator began carried on by the next one, its sweep open throughout.
@Suite struct SweepRetrySliceTests {
    static let sweep = SweepRecord(
        id: SweepID(rawValue: StoreBenchmark.hexID(810, 1)), name: "retried",
        sourceText: "version: 1\nname: retried\n", sourceName: "retried.yaml", maxAttempts: 1,
        jobTimeoutSeconds: 600, createdAt: Date(timeIntervalSince1970: 1_800_000_000))

    /// 40 noop jobs: every fourth completed, the other 30 failed; the sweep finished.
    static func prepare(_ path: String) throws -> [PlannedJob] {
        let store = try ResultStore(path: path)
        let jobs = StoreBenchmark.noopPlan(count: 40, sweepNumber: 81)
        _ = try store.submit(sweep: sweep, jobs: jobs)
        let worker = WorkerID(rawValue: "w")
        let done = JobResult(status: .completed, summary: nil, seconds: 0.001)
        try store.apply(
            jobs.flatMap { job -> [StoreChange] in
                job.index % 4 == 0
                    ? [.attemptStarted(job: job.id, number: 1, worker: worker), .resultRecorded(job: job.id, attempt: 1, result: done)]
                    : [.attemptStarted(job: job.id, number: 1, worker: worker),
                       .attemptEnded(job: job.id, number: 1, outcome: .error, error: "boom"),
                       .jobFailed(job: job.id, error: "boom")]
            } + [.sweepFinished(sweep.id)],
            at: Date())
        return jobs
    }

    /// Waits until the coordinator on `path` has no retry under way.
    static func waitForRetries(_ path: String) throws -> Bool {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try ResultStore(path: path).retriesInProgress().isEmpty { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    @Test func retry_isAnsweredAtOnce_andEverySliceIsRequeued() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.prepare(directory.statePath)
        let coordinator = try RunningCoordinator(statePath: directory.statePath) { $0.retrySlice = 3 }
        let client = try SweepClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        let retried = try client.retry(Self.sweep.id, failed: true, cancelled: false, maxAttempts: 2)
        #expect(retried.failed == 30 && retried.cancelled == 0 && retried.maxAttempts == 2)
        // No worker: the re-queued jobs wait, and the sweep is open.
        let status = try #require(try client.status(Self.sweep.id).sweeps.first)
        #expect(status.counts.pending == 30 && status.counts.failed == 0 && status.counts.completed == 10)
        #expect(status.finishedAt == nil)
        // Nothing left to bring back: answered with zeros, nothing changes.
        let again = try client.retry(Self.sweep.id, failed: true, cancelled: false)
        #expect(again.failed == 0 && again.cancelled == 0)
        #expect(try Self.waitForRetries(directory.statePath), "every slice was re-queued")
        #expect(try client.status(Self.sweep.id).sweeps.first?.counts.pending == 30)
        #expect(coordinator.stop())
        let store = try ResultStore(path: directory.statePath)
        #expect(try store.retriesInProgress().isEmpty)
        #expect(try store.counts(sweep: Self.sweep.id)[.pending] == 30)
        #expect(try store.sweep(id: Self.sweep.id)?.maxAttempts == 2)
    }

    @Test func aRetryBegunBeforeARestart_isCarriedOnByTheNextCoordinator() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.prepare(directory.statePath)
        do {
            let store = try ResultStore(path: directory.statePath)
            _ = try store.beginRetry(sweep: Self.sweep.id, statuses: [.failed], maxAttempts: nil)
            let first = try store.retryStep(sweep: Self.sweep.id, rows: 8)
            #expect(first.jobs.count == 6 && !first.done)
        }
        let coordinator = try RunningCoordinator(statePath: directory.statePath) { $0.retrySlice = 3 }
        let client = try SweepClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        // From its start, status counts the jobs the retry has yet to reach as pending.
        let counts = try client.status(Self.sweep.id).sweeps.first?.counts
        #expect(counts?.pending == 30 && counts?.failed == 0)
        #expect(try Self.waitForRetries(directory.statePath), "the coordinator re-queued the rest")
        // The sweep stayed open: its jobs are pending, waiting for a worker.
        #expect(try client.status(Self.sweep.id).sweeps.first?.finishedAt == nil)
        #expect(coordinator.stop())
        let store = try ResultStore(path: directory.statePath)
        #expect(try store.retriesInProgress().isEmpty)
        #expect(try store.sweep(id: Self.sweep.id)?.finishedAt == nil)
    }

    @Test func retryOfOnlyTheFailedJobsOfACancelledSweep_isRefusedWithWhatToDo() throws {
        let directory = try TemporaryDirectory()
        _ = try Self.prepare(directory.statePath)
        try ResultStore(path: directory.statePath).apply([.sweepCancelled(Self.sweep.id)], at: Date())
        let coordinator = try RunningCoordinator(statePath: directory.statePath)
        let client = try SweepClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        let error = try #require(throws: SweepClientError.self) {
            _ = try client.retry(Self.sweep.id, failed: true, cancelled: false)
        }
        #expect(error.description.contains("is cancelled") && error.description.contains("--cancelled"))
        // Both together resume it.
        let retried = try client.retry(Self.sweep.id, failed: true, cancelled: true)
        #expect(retried.failed == 30)
        #expect(try client.status(Self.sweep.id).sweeps.first?.cancelled == false)
        #expect(coordinator.stop())
    }
}
