import Foundation
import GRDB
import SweepModel

/// The durable record of every sweep, job, attempt and result, in one SQLite file in WAL mode.
///
/// All methods are synchronous and commit before they return, so a caller may acknowledge what it
/// wrote as soon as a call succeeds. One process writes a store at a time (the coordinator);
/// others may read it concurrently (`readOnly: true`).
public final class ResultStore: Sendable {
    /// How hard a commit pushes data to the disk.
    public enum Durability: Sendable, Equatable {
        /// `PRAGMA synchronous = NORMAL`: a commit survives the process being killed; on power loss
        /// the last commits may roll back, but the file stays consistent.
        case normal
        /// `PRAGMA synchronous = FULL`: each commit is synced to the disk before it returns.
        case full
    }

    /// The state file's path, as given.
    public let path: String
    let pool: DatabasePool

    /// Opens the store at `path`, creating and migrating it if needed.
    ///
    /// Refuses, without modifying it, a file that is not an SQLite database, an SQLite database of
    /// another program, or a store written by a newer binary.
    public init(path: String, durability: Durability = .normal, readOnly: Bool = false) throws(StoreError) {
        self.path = path
        try Self.refuseNonSQLiteFile(at: path)
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.label = "ResultStore"
        // Checkpoint the WAL into the main file every ~40 MB instead of SQLite's ~4 MB: job ids
        // are random hashes, so every commit dirties pages all over the file, and frequent
        // checkpoints (each rewriting those pages and syncing) cost more than the commits
        // themselves (measured: 1.6x faster random-id applies; see docs/STORE.md).
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if durability == .full && !readOnly {
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch {
            throw Self.explainingReadOnlyFileSystem(StoreError.wrapping(error, path: path, operation: .open))
        }
        do {
            try checkFormatAndMigrate(readOnly: readOnly)
        } catch {
            throw Self.explainingReadOnlyFileSystem(error)
        }
    }

    // MARK: - Opening

    /// Reads the first 16 bytes: an existing, non-empty file must carry SQLite's header, so a
    /// stray file is refused before SQLite creates `-wal` and `-shm` files next to it.
    private static func refuseNonSQLiteFile(at path: String) throws(StoreError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }  // missing: SQLite decides
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw StoreError(path: path, operation: .open, reason: .notADatabase(nil))
        }
    }

    /// SQLite says only "unable to open database file" when the WAL's `-shm` file cannot be
    /// created on a read-only file system; `access(2)` tells that case apart (even for root).
    private static func explainingReadOnlyFileSystem(_ error: StoreError) -> StoreError {
        guard case .cannotOpen(let failure) = error.reason else { return error }
        let directory = (error.path as NSString).deletingLastPathComponent
        for candidate in [error.path, directory.isEmpty ? "." : directory] where access(candidate, W_OK) != 0 {
            if errno == EROFS || errno == EACCES {
                return StoreError(path: error.path, operation: error.operation, reason: .readOnly(failure))
            }
        }
        return error
    }

    private func checkFormatAndMigrate(readOnly: Bool) throws(StoreError) {
        let migrator = StoreSchema.migrator
        let path = self.path
        let state: (found: Int, complete: Bool)?
        do {
            state = try pool.read { db throws -> (found: Int, complete: Bool)? in
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    ORDER BY name
                    """)
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if tables.isEmpty && applicationID == 0 { return nil }  // a new, empty file
                guard applicationID == StoreSchema.applicationID, tables.contains("meta") else {
                    throw StoreError(path: path, operation: .open, reason: .notAStore(tables: tables))
                }
                let text = try String.fetchOne(
                    db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [StoreSchema.formatVersionKey])
                guard let text, let found = Int(text) else {
                    throw StoreError(path: path, operation: .open, reason: .corruptRecord(
                        table: "meta", key: StoreSchema.formatVersionKey, column: "value",
                        detail: "expected an integer, found \(text.map { "'\($0)'" } ?? "nothing")"))
                }
                let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations).sorted()
                if found > StoreSchema.formatVersion || !unknown.isEmpty {
                    throw StoreError(path: path, operation: .open, reason: .newerFormat(
                        found: found, supported: StoreSchema.formatVersion, unknownMigrations: unknown))
                }
                return (found, try migrator.hasCompletedMigrations(db))
            }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .open)
        }
        if state?.complete == true { return }
        if readOnly {
            throw StoreError(path: path, operation: .open, reason: .needsMigration(
                found: state?.found ?? 0, supported: StoreSchema.formatVersion))
        }
        do {
            try migrator.migrate(pool)
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .migrate)
        }
    }

    // MARK: - Access

    /// Runs `body` in one write transaction; commits when it returns, rolls back if it throws.
    func write<T>(
        _ operation: StoreError.Operation, _ body: (Database, StoreCoding) throws -> T
    ) throws(StoreError) -> T {
        let coding = StoreCoding()
        do {
            return try pool.write { db in try body(db, coding) }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: operation)
        }
    }

    /// Runs `body` on a consistent snapshot of the store.
    func read<T>(_ what: String, _ body: (Database, StoreCoding) throws -> T) throws(StoreError) -> T {
        let coding = StoreCoding()
        do {
            return try pool.read { db in try body(db, coding) }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .read(what))
        }
    }

    /// Checkpoints the write-ahead log into the main file (optional: SQLite does it by itself).
    public func checkpoint() throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .read("the store for a checkpoint"))
        }
    }

    /// Writes a consistent, compacted copy of the store to `destination` (`VACUUM INTO`); the
    /// destination must not exist. Commits wait while it runs.
    public func backup(to destination: String) throws(StoreError) {
        do {
            try pool.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [destination]) }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .read("the store for a backup to \(destination)"))
        }
    }
}
