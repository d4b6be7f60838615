import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// A real format-1 file, `Fixtures/format1-store.sqlite`, written by the format-1 code itself
/// (see `Fixtures/README.md`), opens as format 2 and reads back the same sweeps, jobs, attempts,
/// results, counts and restart snapshot. Each test migrates its own copy of the file.
@Suite("Migrating a format-1 store")
struct StoreMigrationTests {
    /// What the fixture holds: two sweeps sharing jobs 4 and 5; one job of each status and
    /// attempt outcome.
    private static let jobs = plan(0..<6)
    private static let second = Array(plan(4..<8))  // jobs 4 and 5 shared, 6 and 7 only here
    private static let shared = plan(0..<8)

    /// Copies the checked-in format-1 file to `path` (the resource itself is never opened for writing).
    private static func copyFormat1File(to path: String) throws {
        let fixture = try #require(
            Bundle.module.url(forResource: "format1-store", withExtension: "sqlite", subdirectory: "Fixtures"),
            "Fixtures/format1-store.sqlite is missing from the test bundle")
        try FileManager.default.copyItem(at: fixture, to: URL(fileURLWithPath: path))
    }

    @Test func fixture_isAFormat1File() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.copyFormat1File(to: path)
            var configuration = Configuration()
            configuration.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "1")
                #expect(try Int32.fetchOne(db, sql: "PRAGMA application_id") == StoreSchema.applicationID)
                // Format 1 keys jobs by their text id; format 2 added the integer `seq`.
                let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('jobs')")
                #expect(columns.contains("id") && !columns.contains("seq"), "\(columns)")
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM jobs") == 8)
                #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM attempts") == Self.attempts.count)
            }
            try queue.close()
        }
    }

    /// Job `index` of `shared`: 0 clustered, 1 failed, 2 running, 3 pending after an error,
    /// 4 censored, 5 pending, 6 cancelled, 7 diverged.
    private static func state(of index: Int) -> (JobStatus, JobResult?, Date?, String?) {
        switch index {
        case 0: (.clustered, clustered(2.5), at(20), nil)
        case 1: (.failed, nil, at(21), "out of attempts: boom")
        case 2: (.running, nil, nil, nil)
        case 3: (.pending, nil, nil, nil)
        case 4: (.censored, JobResult(status: .censored, summary: nil, seconds: 9), at(22), nil)
        case 6: (.cancelled, nil, at(23), nil)
        case 7: (.diverged, JobResult(status: .diverged, summary: nil, seconds: 0.5), at(24), nil)
        default: (.pending, nil, nil, nil)
        }
    }

    private static var attempts: [AttemptRecord] {
        func attempt(_ index: Int, _ number: Int, _ outcome: AttemptRecord.Outcome, ended: Double?, error: String? = nil) -> AttemptRecord {
            AttemptRecord(
                jobID: shared[index].id, number: number, worker: number == 1 ? workerA : workerB,
                startedAt: at(Double(10 + index)), endedAt: ended.map(at), outcome: outcome, error: error)
        }
        return [
            attempt(0, 1, .expired, ended: 15), attempt(0, 2, .completed, ended: 20),
            attempt(1, 1, .error, ended: 18, error: "boom"), attempt(1, 2, .error, ended: 21, error: "boom"),
            attempt(2, 1, .running, ended: nil),
            attempt(3, 1, .error, ended: 19, error: "transient"),
            attempt(4, 1, .released, ended: 16), attempt(4, 2, .completed, ended: 22),
            attempt(7, 1, .expired, ended: 17), attempt(7, 2, .completed, ended: 24),
        ]
    }

    private static func expectedRecords(_ planned: [PlannedJob], indices: [Int]) -> [JobRecord] {
        zip(planned, indices).map { job, sharedIndex in
            let (status, result, _, _) = state(of: sharedIndex)
            var record = JobRecord(id: job.id, index: job.index, parameters: job.parameters, status: status, result: result)
            record.attempts = attempts.filter { $0.jobID == job.id }
            return record
        }
    }

    @Test func migration_whenFileIsFormat1_readsBackTheSameRecords() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.copyFormat1File(to: path)
            let store = try ResultStore(path: path)

            var cancelled = sweepRecord(2, jobs: 4)
            cancelled.cancelled = true
            #expect(try store.sweeps() == [sweepRecord(1, jobs: 6), cancelled])
            #expect(try store.jobRecords(sweep: sweepRecord(1).id) == Self.expectedRecords(Self.jobs, indices: Array(0..<6)))
            let secondPlan = Self.second.enumerated().map { PlannedJob(id: $1.id, index: $0, parameters: $1.parameters) }
            #expect(try store.jobRecords(sweep: sweepRecord(2).id) == Self.expectedRecords(secondPlan, indices: Array(4..<8)))
            let counts = try store.counts(sweep: sweepRecord(1).id)
            #expect(counts[.clustered] == 1 && counts[.failed] == 1 && counts[.running] == 1)
            #expect(counts[.pending] == 2 && counts[.censored] == 1 && counts[.cancelled] == 0)

            let snapshot = try store.restartSnapshot()
            #expect(snapshot.jobs.map(\.record.id) == [2, 3, 5].map { Self.shared[$0].id })
            #expect(snapshot.jobs.map(\.sweeps) == [[sweepRecord(1).id], [sweepRecord(1).id], [sweepRecord(1).id, sweepRecord(2).id]])
            #expect(snapshot.jobs.first?.runningAttempts.map(\.number) == [1])

            try store.pool.read { db in
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "\(StoreSchema.formatVersion)")
                // Submission order: sweep 1's plan, then the jobs only sweep 2 holds.
                let order = try String.fetchAll(db, sql: "SELECT id FROM jobs ORDER BY seq")
                #expect(order == Self.shared.map(\.id.rawValue))
                #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
                // Format 3: no job of an older file was ever retried.
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE retry_base != 0") == 0)
            }
        }
    }

    @Test func migration_thenWrites_keepEveryRule() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.copyFormat1File(to: path)
            let store = try ResultStore(path: path)
            let running = Self.shared[2].id
            let report = try store.apply([
                .resultRecorded(job: running, attempt: 1, result: clustered()),
                .resultRecorded(job: Self.shared[0].id, attempt: 2, result: clustered(9)),
                .attemptStarted(job: Self.shared[3].id, number: 1, worker: workerA),
                .attemptStarted(job: Self.shared[3].id, number: 2, worker: workerA),
            ], at: at(32))
            #expect(report.duplicateResults == [Self.shared[0].id])
            #expect(report.ignored == [.attemptStarted(job: Self.shared[3].id, number: 1, worker: workerA)])
            let records = try store.jobRecords(sweep: sweepRecord(1).id)
            #expect(records[2].status == .clustered && records[2].result == clustered())
            #expect(records[0].result == clustered(2.5))
            #expect(records[3].status == .running && records[3].attempts.map(\.number) == [1, 2])

            // Resubmitting a sweep that holds the cancelled job reopens it.
            let outcome = try store.submit(sweep: sweepRecord(3), jobs: plan(6..<9))
            #expect(outcome.sharedJobs == 2 && outcome.insertedJobs == 1)
            #expect(outcome.reopenedJobs == [Self.shared[6].id])
        }
    }

    @Test func migration_whenFileIsFormat1_refusesReadOnlyOpen() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.copyFormat1File(to: path)
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path, readOnly: true) }
            #expect(error.reason == .needsMigration(found: 1, supported: StoreSchema.formatVersion))
        }
    }
}
