import CSQLiteTuning
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

    /// SQLite's memory statistics, off before the process's first connection opens (and so
    /// before SQLite initializes): with them on, every allocation SQLite makes (several per
    /// statement) takes a process-wide mutex, 5 % of the coordinator loop's time in `perf`
    /// (docs/COORDINATOR.md, "Where the time goes"). Nothing here reads them. Once per process;
    /// if something opened SQLite earlier, the call changes nothing (`SQLITE_MISUSE`).
    private static let memoryStatisticsOff: Void = { _ = csqlite_disable_memory_statistics() }()

    /// The state file's path, as given.
    public let path: String
    let pool: DatabasePool
    /// Integer keys of the jobs in flight, for `apply`.
    let jobKeys = JobKeyCache()

    /// Opens the store at `path`, creating and migrating it if needed.
    ///
    /// Refuses, without modifying it, a file that is not an SQLite database, an SQLite database of
    /// another program, or a store written by a newer binary.
    public init(path: String, durability: Durability = .normal, readOnly: Bool = false) throws(StoreError) {
        _ = Self.memoryStatisticsOff
        self.path = path
        try Self.refuseNonSQLiteFile(at: path)
        let absentCompanions = Self.absentCompanions(of: path)
        if !readOnly {
            // GRDB's writable pool writes a no-op transaction when it creates the WAL: check the
            // format read-only first, so a refused file (newer, foreign, corrupt) stays as it was.
            do {
                try Self.precheckFormat(at: path)
            } catch {
                Self.removeEmptyCompanions(absentCompanions)
                throw Self.explainingReadOnlyFileSystem(error)
            }
        }
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.label = "ResultStore"
        // Checkpoint the WAL into the main file every ~40 MB instead of SQLite's ~4 MB: job ids
        // are random hashes, so every commit dirties pages all over the file, and frequent
        // checkpoints (each rewriting those pages and syncing) cost more than the commits
        // themselves (measured: 1.6x faster random-id applies; see docs/STORE.md).
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            // The writer's page cache: 32 MiB instead of SQLite's 2 MiB, so the pages `apply`
            // touches for every job (the id index's, the jobs table's) stay in memory instead of
            // being read again from the file at each look-up (docs/STORE.md, "Where the time
            // goes"). It fills only as pages are used; readers keep the default.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -32768") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if durability == .full && !readOnly {
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            }
        } catch {
            Self.removeEmptyCompanions(absentCompanions)
            throw Self.explainingReadOnlyFileSystem(StoreError.wrapping(error, path: path, operation: .open))
        }
        do {
            try checkFormatAndMigrate(readOnly: readOnly)
        } catch {
            try? pool.close()
            Self.removeEmptyCompanions(absentCompanions)
            throw Self.explainingReadOnlyFileSystem(error)
        }
    }

    // MARK: - Opening

    /// The checks a writable open makes before it writes anything (a regular SQLite file of a
    /// format this binary reads, or no file yet), for owners that must refuse a bad file before
    /// they take its lock or create anything beside it.
    public static func checkBeforeOpening(path: String) throws(StoreError) {
        try refuseNonSQLiteFile(at: path)
        // Reading a WAL database can create its `-wal`/`-shm`: leave none behind.
        let absent = absentCompanions(of: path)
        defer { removeEmptyCompanions(absent) }
        do {
            try precheckFormat(at: path)
        } catch {
            throw explainingReadOnlyFileSystem(error)
        }
    }

    /// Reads the first 16 bytes: an existing, non-empty file must carry SQLite's header, so a
    /// stray file is refused before SQLite creates `-wal` and `-shm` files next to it.
    private static func refuseNonSQLiteFile(at path: String) throws(StoreError) {
        // A directory would fail later as a vague "disk I/O error"; opening a FIFO would block forever.
        var info = stat()
        if stat(path, &info) == 0 && (info.st_mode & S_IFMT) != S_IFREG {
            let kind = switch info.st_mode & S_IFMT {
            case S_IFDIR: "a directory"
            case S_IFIFO: "a FIFO"
            case S_IFSOCK: "a socket"
            case S_IFCHR: "a character device"
            case S_IFBLK: "a block device"
            default: "mode \(String(info.st_mode & S_IFMT, radix: 8))"
            }
            throw StoreError(path: path, operation: .open, reason: .notARegularFile(kind: kind))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { return }  // missing: SQLite decides
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw StoreError(path: path, operation: .open, reason: .notADatabase(nil))
        }
    }

    /// The WAL companions (`-wal`, `-shm`) that do not exist yet: opening creates them, and a
    /// refused open removes them again so that refusing a file leaves the disk as it was.
    private static func absentCompanions(of path: String) -> [String] {
        [path + "-wal", path + "-shm"].filter { !FileManager.default.fileExists(atPath: $0) }
    }

    /// Removes the companions this open created, once its connections are closed: the `-wal` only
    /// while empty (so nothing written is ever dropped), the `-shm` only with its `-wal`.
    private static func removeEmptyCompanions(_ created: [String]) {
        guard let wal = created.first(where: { $0.hasSuffix("-wal") }) else { return }
        let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? nil
        guard size == 0 || !FileManager.default.fileExists(atPath: wal) else { return }
        for companion in created { try? FileManager.default.removeItem(atPath: companion) }
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

    /// Opens an existing, non-empty file read-only and checks its format (nothing written).
    private static func precheckFormat(at path: String) throws(StoreError) {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        guard let size, size > 0 else { return }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            _ = try queue.read { db in try readFormat(db, path: path, migrator: StoreSchema.migrator) }
        } catch {
            throw StoreError.wrapping(error, path: path, operation: .open)
        }
    }

    /// The store's format version and whether its migrations are complete; `nil` for a new,
    /// empty file. Throws for a file of another program or of a newer ClusterSweep.
    private static func readFormat(
        _ db: Database, path: String, migrator: DatabaseMigrator
    ) throws -> (found: Int, complete: Bool)? {
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

    private func checkFormatAndMigrate(readOnly: Bool) throws(StoreError) {
        let migrator = StoreSchema.migrator
        let path = self.path
        let state: (found: Int, complete: Bool)?
        do {
            state = try pool.read { db throws -> (found: Int, complete: Bool)? in
                try Self.readFormat(db, path: path, migrator: migrator)
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
