import Benchmarks
import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing
@testable import Coordinator

/// `delete` through a running coordinator: answered once the sweep is gone, however many
/// iterations its slices take; a deletion a previous coordinator began is finished by the next.
@Suite struct SweepDeletionTests {
    static func record(_ number: Int) -> SweepRecord {
        SweepRecord(
            id: SweepID(rawValue: StoreBenchmark.hexID(800, number)), name: "sweep-\(number)",
            sourceText: "version: 1\nname: sweep-\(number)\n", sourceName: "s\(number).yaml", maxAttempts: 3,
            jobTimeoutSeconds: 600, createdAt: Date(timeIntervalSince1970: 1_800_000_000))
    }

    /// Sweep 1 holds noop jobs 0..<40 (ended, each with a result), sweep 2 holds 30..<50.
    static func prepare(_ path: String) throws {
        let store = try ResultStore(path: path)
        let pool = StoreBenchmark.noopPlan(count: 50, sweepNumber: 8)
        func jobs(_ range: Range<Int>) -> [PlannedJob] {
            pool[range].enumerated().map { PlannedJob(id: $0.element.id, index: $0.offset, parameters: $0.element.parameters) }
        }
        _ = try store.submit(sweep: record(1), jobs: jobs(0..<40))
        _ = try store.submit(sweep: record(2), jobs: jobs(30..<50))
        let worker = WorkerID(rawValue: "w")
        let done = JobResult(status: .completed, summary: nil, seconds: 0.001)
        try store.apply(
            jobs(0..<40).flatMap { job -> [StoreChange] in
                [.attemptStarted(job: job.id, number: 1, worker: worker), .resultRecorded(job: job.id, attempt: 1, result: done)]
            } + [.sweepFinished(record(1).id)],
            at: Date())
    }

    @Test func delete_isAnsweredWhenTheLastSliceIsGone() throws {
        let directory = try TemporaryDirectory()
        try Self.prepare(directory.statePath)
        let coordinator = try RunningCoordinator(statePath: directory.statePath) { $0.deletionSlice = 3 }
        let client = try SweepClient(endpoint: coordinator.endpoint, timeoutSeconds: 10)
        let deleted = try client.delete(Self.record(1).id)
        #expect(deleted.jobsRemoved == 30 && deleted.jobsKept == 10)
        // Gone for every request at once; the other sweep and its shared jobs stay.
        #expect(throws: SweepClientError.self) { _ = try client.status(Self.record(1).id) }
        let other = try client.status(Self.record(2).id)
        #expect(other.sweeps.first?.counts.total == 20 && other.sweeps.first?.counts.completed == 10)
        #expect(coordinator.stop())
        let store = try ResultStore(path: directory.statePath)
        #expect(try store.sweeps().map(\.id) == [Self.record(2).id] && store.sweepsBeingDeleted().isEmpty)
    }

    @Test func aDeletionBegunBeforeARestart_isFinishedByTheNextCoordinator() throws {
        let directory = try TemporaryDirectory()
        try Self.prepare(directory.statePath)
        do {
            let store = try ResultStore(path: directory.statePath)
            try store.beginDelete(sweep: Self.record(1).id)
            _ = try store.deleteStep(sweep: Self.record(1).id, rows: 5)
        }
        let coordinator = try RunningCoordinator(statePath: directory.statePath) { $0.deletionSlice = 3 }
        let deadline = Date().addingTimeInterval(20)
        var finished = false
        while !finished && Date() < deadline {
            finished = try ResultStore(path: directory.statePath).sweepsBeingDeleted().isEmpty
            if !finished { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(finished, "the coordinator finished the deletion")
        #expect(coordinator.stop())
        let store = try ResultStore(path: directory.statePath)
        #expect(try store.sweeps().map(\.id) == [Self.record(2).id])
        #expect(try store.jobRecords(sweep: Self.record(2).id).count == 20)
    }
}
