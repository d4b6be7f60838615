import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// A format-1 file, written the way the format-1 code wrote it, opens as format 2 and reads back
/// the same sweeps, jobs, attempts, results, counts and restart snapshot.
@Suite("Migrating a format-1 store")
struct StoreMigrationTests {
    /// Two sweeps sharing job 2; one job of each status and attempt outcome.
    private static let jobs = plan(0..<6)
    private static let second = Array(plan(4..<8))  // jobs 4 and 5 shared, 6 and 7 only here
    private static let shared = plan(0..<8)

    /// Writes `jobs` and their history with the format-1 schema and SQL, then closes the file.
    private static func writeFormat1File(at path: String) throws {
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v1-sweeps-jobs-attempts")
        try queue.write { db in
            for (number, record) in [(1, sweepRecord(1)), (2, sweepRecord(2))] {
                try db.execute(
                    sql: """
                        INSERT INTO sweeps (id, seq, name, source_text, source_name, max_attempts,
                            job_timeout_seconds, created_at, finished_at, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)
                        """,
                    arguments: [
                        record.id.rawValue, number, record.name, record.sourceText, record.sourceName,
                        record.maxAttempts, record.jobTimeoutSeconds, StoreCoding.seconds(record.createdAt), number == 2,
                    ])
            }
            let coding = StoreCoding()
            // Inserted in reverse so rowid order in format 1 says nothing about plan order.
            for job in shared.reversed() {
                let (status, result, completed, error) = state(of: job.index)
                try db.execute(
                    sql: """
                        INSERT INTO jobs (id, parameters, status, result, result_attempt, completed_at, error)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        job.id.rawValue, try coding.json(job.parameters), status.rawValue,
                        try result.map { try coding.json($0) }, result == nil ? nil : 2, completed.map(StoreCoding.seconds), error,
                    ])
            }
            for job in jobs {
                try db.execute(sql: "INSERT INTO sweep_jobs (sweep_id, plan_index, job_id) VALUES (?, ?, ?)",
                    arguments: [sweepRecord(1).id.rawValue, job.index, job.id.rawValue])
            }
            for (index, job) in second.enumerated() {
                try db.execute(sql: "INSERT INTO sweep_jobs (sweep_id, plan_index, job_id) VALUES (?, ?, ?)",
                    arguments: [sweepRecord(2).id.rawValue, index, job.id.rawValue])
            }
            for attempt in attempts {
                try db.execute(
                    sql: """
                        INSERT INTO attempts (job_id, number, worker, started_at, ended_at, outcome, error)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        attempt.jobID.rawValue, attempt.number, attempt.worker.rawValue,
                        StoreCoding.seconds(attempt.startedAt), attempt.endedAt.map(StoreCoding.seconds),
                        attempt.outcome.rawValue, attempt.error,
                    ])
            }
        }
        try queue.close()
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
            try Self.writeFormat1File(at: path)
            let store = try ResultStore(path: path)

            var cancelled = sweepRecord(2)
            cancelled.cancelled = true
            #expect(try store.sweeps() == [sweepRecord(1), cancelled])
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
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "2")
                // Submission order: sweep 1's plan, then the jobs only sweep 2 holds.
                let order = try String.fetchAll(db, sql: "SELECT id FROM jobs ORDER BY seq")
                #expect(order == Self.shared.map(\.id.rawValue))
                #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            }
        }
    }

    @Test func migration_thenWrites_keepEveryRule() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.writeFormat1File(at: path)
            let store = try ResultStore(path: path)
            let running = Self.shared[2].id
            let report = try store.apply([
                .resultRecorded(job: running, attempt: 1, result: clustered(), at: at(30)),
                .resultRecorded(job: Self.shared[0].id, attempt: 2, result: clustered(9), at: at(31)),
                .attemptStarted(job: Self.shared[3].id, number: 1, worker: workerA, at: at(32)),
                .attemptStarted(job: Self.shared[3].id, number: 2, worker: workerA, at: at(32)),
            ])
            #expect(report.duplicateResults == [Self.shared[0].id])
            #expect(report.ignored == [.attemptStarted(job: Self.shared[3].id, number: 1, worker: workerA, at: at(32))])
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
            try Self.writeFormat1File(at: path)
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path, readOnly: true) }
            #expect(error.reason == .needsMigration(found: 1, supported: 2))
        }
    }
}
