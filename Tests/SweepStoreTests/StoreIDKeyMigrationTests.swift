import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

/// Format 8 (`v8-job-id-keys`): a format-7 store (the format-1 fixture migrated up to
/// `v7-sliced-retry`, then written as a format-7 binary writes) migrates with every row and key
/// kept; jobs are then found by their id's integer key and id, the finish log is written by
/// `apply` instead of the trigger the migration drops, and `sweep_jobs` has one index fewer.
@Suite struct StoreIDKeyMigrationTests {
    /// A format-7 store at `path`: the checked-in format-1 file migrated by the migrations up to
    /// format 7, then a job finished and a job inserted with format 7's own statements (the
    /// trigger appends the finish-log row).
    private static func makeFormat7Store(at path: String) throws {
        let fixture = try #require(
            Bundle.module.url(forResource: "format1-store", withExtension: "sqlite", subdirectory: "Fixtures"))
        try FileManager.default.copyItem(at: fixture, to: URL(fileURLWithPath: path))
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator.migrate(queue, upTo: "v7-sliced-retry")
        try queue.write { db in
            #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "7")
            let pending = try #require(try Int64.fetchOne(db, sql: "SELECT seq FROM jobs WHERE id = ?", arguments: [plan(0..<8)[3].id.rawValue]))
            try db.execute(sql: "INSERT INTO results (job_seq, attempt, result) VALUES (?, 1, ?)", arguments: [pending, #"{"seconds":1,"status":"completed"}"#])
            try db.execute(sql: "UPDATE jobs SET status = 'completed', completed_at = 1800000040 WHERE seq = ?", arguments: [pending])
            let inserted = plan(0..<9)[8]
            try db.execute(sql: "INSERT INTO jobs (id, status) VALUES (?, 'pending')", arguments: [inserted.id.rawValue])
            try db.execute(
                sql: "INSERT INTO job_parameters (job_seq, parameters) VALUES (?, ?)",
                arguments: [db.lastInsertedRowID, try StoreCoding().json(inserted.parameters)])
        }
        try queue.close()
    }

    /// Every row a migration must keep, as text, table by table.
    private static func rows(_ db: Database) throws -> [String: [String]] {
        let queries = [
            "jobs": "SELECT seq, id, status, completed_at, error, retry_base FROM jobs ORDER BY seq",
            "finish_log": "SELECT seq, job_seq FROM finish_log ORDER BY seq",
            "attempts": "SELECT job_seq, number, worker, started_at, ended_at, outcome, error FROM attempts ORDER BY job_seq, number",
            "results": "SELECT job_seq, attempt, result FROM results ORDER BY job_seq",
            "sweep_jobs": "SELECT sweep_id, plan_index, job_seq FROM sweep_jobs ORDER BY sweep_id, plan_index",
            "job_parameters": "SELECT job_seq, parameters FROM job_parameters ORDER BY job_seq",
        ]
        return try queries.mapValues { sql in try Row.fetchAll(db, sql: sql).map { "\($0)" } }
    }

    @Test func migration_fromFormat7_keepsEveryRow_addsKeys_dropsUniqueIndexTriggerAndSpareLinkIndex() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            try Self.makeFormat7Store(at: path)
            let before = try DatabaseQueue(path: path)
            let expected = try before.read(Self.rows)
            #expect(expected["finish_log"]?.count == 5, "\(expected["finish_log"] ?? [])")  // 4 finished in format 1, one since
            try before.close()

            let store = try ResultStore(path: path)
            try store.pool.read { db throws in
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "8")
                #expect(try Self.rows(db) == expected)
                for row in try Row.fetchAll(db, sql: "SELECT id, id_key FROM jobs") {
                    #expect(row["id_key"] as Int64 == JobIDKey.of(row["id"] as String))
                }
                let indexes = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'jobs'")
                #expect(indexes == ["jobs_by_id_key"])
                // sweep_jobs: the primary key and one unique index (job_seq, sweep_id), no other.
                let links = try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('sweep_jobs') ORDER BY name")
                #expect(links.count == 2, "\(links)")
                let unique = try String.fetchAll(db, sql: """
                    SELECT ii.name FROM pragma_index_list('sweep_jobs') il, pragma_index_info(il.name) ii
                    WHERE il.origin = 'u' ORDER BY ii.seqno
                    """)
                #expect(unique == ["job_seq", "sweep_id"])
                #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'").isEmpty)
                #expect(try String.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            }

            // Found by id after the migration (no key cached): the running job's result, a new
            // plan sharing the inserted job, and a dry run's statuses.
            let shared = plan(0..<9)
            let report = try store.apply([.resultRecorded(job: shared[2].id, attempt: 1, result: clustered())], at: at(50))
            #expect(report == ApplyReport())
            #expect(try store.jobRecords(sweep: sweepRecord(1).id)[2].status == .clustered)
            let outcome = try store.submit(sweep: sweepRecord(3), jobs: plan(7..<10))
            #expect(outcome.sharedJobs == 2 && outcome.insertedJobs == 1)
            #expect(try store.statuses(of: [shared[2].id, shared[3].id, shared[8].id]) == [.clustered: 1, .completed: 1, .pending: 1])
            try store.pool.read { db throws in
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs") == 10)
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM finish_log") == 6)
            }
        }
    }

    @Test func open_ofAFormat8File_byAFormat7Binary_isRefused() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            _ = try ResultStore(path: path)
            // What a format-7 binary checks at open: the format and the migrations it knows.
            let queue = try DatabaseQueue(path: path)
            try queue.read { db throws in
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'").flatMap(Int.init) == 8)
                #expect(try StoreSchema.migrator.appliedIdentifiers(db).contains("v8-job-id-keys"))
            }
            try queue.close()
        }
    }

    @Test func lookUps_whenAnotherJobSharesTheKey_findTheJobByItsID() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let jobs = plan(0..<2)
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: [jobs[0]])
                // A decoy with job 1's key but another id, inserted before job 1.
                try store.pool.write { db in
                    try db.execute(
                        sql: "INSERT INTO jobs (id, id_key, status) VALUES ('decoy', ?, 'failed')",
                        arguments: [JobIDKey.of(jobs[1].id)])
                    try db.execute(sql: "INSERT INTO job_parameters (job_seq, parameters) VALUES (?, '{}')", arguments: [db.lastInsertedRowID])
                }
                _ = try store.submit(sweep: sweepRecord(2), jobs: [PlannedJob(id: jobs[1].id, index: 0, parameters: jobs[1].parameters)])
            }
            // A new store instance: no key cached, every change looks its job up.
            let store = try ResultStore(path: path)
            try store.apply([.attemptStarted(job: jobs[1].id, number: 1, worker: workerA)], at: at(1))
            try store.apply([.resultRecorded(job: jobs[1].id, attempt: 1, result: clustered())], at: at(2))
            #expect(try store.jobRecords(sweep: sweepRecord(2).id).map(\.status) == [.clustered])
            #expect(try store.statuses(of: [jobs[1].id]) == [.clustered: 1])
            // Submitting job 1 again links the job, not the decoy.
            let again = try store.submit(sweep: sweepRecord(3), jobs: [PlannedJob(id: jobs[1].id, index: 0, parameters: jobs[1].parameters)])
            #expect(again.sharedJobs == 1 && again.insertedJobs == 0)
            #expect(try store.jobRecords(sweep: sweepRecord(3).id).first?.result == clustered())
        }
    }

    @Test func jobIDKey_isFNV1aOfTheUTF8Bytes() {
        // Reference values of 64-bit FNV-1a: the key is part of the file format and must not change.
        #expect(JobIDKey.of("") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(JobIDKey.of("a") == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
        #expect(JobIDKey.of("foobar") == Int64(bitPattern: 0x8594_4171_f739_67e8))
    }
}
