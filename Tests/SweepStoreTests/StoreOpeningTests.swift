import Foundation
import GRDB
import SweepModel
import Testing
@testable import SweepStore

@Suite("Opening a store: migrations, format version, foreign files")
struct StoreOpeningTests {
    @Test func migrations_whenFileIsNew_createTablesMetaAndWAL() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            try store.pool.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                #expect(Set(tables).isSuperset(of: ["meta", "sweeps", "jobs", "job_parameters", "results", "sweep_jobs", "attempts"]))
                #expect(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'format_version'") == "\(StoreSchema.formatVersion)")
                #expect(try String.fetchOne(db, sql: "PRAGMA journal_mode") == "wal")
                #expect(try Int32.fetchOne(db, sql: "PRAGMA application_id") == StoreSchema.applicationID)
            }
            let synchronous = try store.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(synchronous == 1)  // NORMAL
            #expect(try store.sweeps().isEmpty)
        }
    }

    @Test func durabilityFull_setsSynchronousFull() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite", durability: .full)
            let synchronous = try store.pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(synchronous == 2)  // FULL
        }
    }

    @Test func reopening_keepsEverythingCommitted() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<3))
                try store.apply([.attemptStarted(job: plan(0..<3)[1].id, number: 1, worker: workerA)], at: at(10))
                try store.apply([.resultRecorded(job: plan(0..<3)[1].id, attempt: 1, result: clustered())], at: at(11))
            }
            let reopened = try ResultStore(path: path)
            #expect(try reopened.sweeps() == [sweepRecord(1, jobs: 3)])
            let records = try reopened.jobRecords(sweep: sweepRecord(1).id)
            #expect(records.map(\.status) == [.pending, .clustered, .pending])
            #expect(records[1].result == clustered())
        }
    }

    @Test func open_whenFormatIsNewer_refusesNamingBothVersions() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            do {
                let store = try ResultStore(path: path)
                try store.pool.write { db in
                    try db.execute(
                        sql: "UPDATE meta SET value = ? WHERE key = 'format_version'", arguments: ["\(StoreSchema.formatVersion + 1)"])
                }
            }
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path) }
            #expect(error.reason == .newerFormat(
                found: StoreSchema.formatVersion + 1, supported: StoreSchema.formatVersion, unknownMigrations: []))
            #expect(error.path == path)
            #expect(error.description.contains("newer ClusterSweep"))
        }
    }

    @Test func open_whenFileHasUnknownMigration_refuses() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            do {
                let store = try ResultStore(path: path)
                try store.pool.write { db in
                    try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
                }
            }
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path) }
            #expect(error.reason == .newerFormat(
                found: StoreSchema.formatVersion, supported: StoreSchema.formatVersion, unknownMigrations: ["v99-from-the-future"]))
        }
    }

    @Test func open_whenFileIsGarbage_refusesWithoutTouchingIt() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let garbage = Data("this is not a database, just some text that is long enough\n".utf8)
            try garbage.write(to: URL(fileURLWithPath: path))
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path) }
            #expect(error.reason == .notADatabase(nil))
            #expect(error.description.contains(path))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == garbage)
            #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        }
    }

    @Test func open_whenSQLitePagesAreCorrupt_refusesWithClearError() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            do {
                let store = try ResultStore(path: path)
                _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<50))
                try store.checkpoint()
            }
            // Keep the 100-byte header, overwrite the rest of the first page and the second.
            let handle = try #require(FileHandle(forUpdatingAtPath: path))
            try handle.seek(toOffset: 100)
            handle.write(Data(repeating: 0xA5, count: 8000))
            try handle.close()
            let error = try #require(throws: StoreError.self) {
                let store = try ResultStore(path: path)
                _ = try store.jobRecords(sweep: sweepRecord(1).id)
            }
            switch error.reason {
            case .notADatabase, .notAStore: break
            default: Issue.record("unexpected reason: \(error)")
            }
        }
    }

    @Test func open_whenFileIsAnotherProgramsDatabase_refuses() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/other.sqlite"
            let other = try DatabaseQueue(path: path)
            try other.write { db in try db.execute(sql: "CREATE TABLE customers (id INTEGER PRIMARY KEY)") }
            try other.close()
            let error = try #require(throws: StoreError.self) { try ResultStore(path: path) }
            #expect(error.reason == .notAStore(tables: ["customers"]))
        }
    }

    @Test func open_whenDirectoryIsMissing_saysItCannotOpen() throws {
        try withTemporaryDirectory { dir in
            let error = try #require(throws: StoreError.self) { try ResultStore(path: dir + "/missing/state.sqlite") }
            guard case .cannotOpen = error.reason else {
                Issue.record("unexpected reason: \(error)")
                return
            }
        }
    }

    @Test func readOnlyStore_readsButRefusesWritesWithReadOnlyError() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/state.sqlite"
            let writer = try ResultStore(path: path)
            _ = try writer.submit(sweep: sweepRecord(1), jobs: plan(0..<2))
            let reader = try ResultStore(path: path, readOnly: true)
            #expect(try reader.sweeps().count == 1)
            let error = try #require(throws: StoreError.self) {
                try reader.apply([.sweepFinished(sweepRecord(1).id)], at: at(5))
            }
            guard case .readOnly(let failure) = error.reason else {
                Issue.record("unexpected reason: \(error)")
                return
            }
            #expect(failure.code == 8)
            #expect(error.operation == .apply(changes: 1))
            #expect(try writer.sweep(id: sweepRecord(1).id)?.finishedAt == nil)
        }
    }

    @Test func backup_writesAReadableCopy() throws {
        try withTemporaryDirectory { dir in
            let store = try ResultStore(path: dir + "/state.sqlite")
            _ = try store.submit(sweep: sweepRecord(1), jobs: plan(0..<4))
            try store.backup(to: dir + "/copy.sqlite")
            let copy = try ResultStore(path: dir + "/copy.sqlite")
            #expect(try copy.jobRecords(sweep: sweepRecord(1).id).count == 4)
        }
    }
}
