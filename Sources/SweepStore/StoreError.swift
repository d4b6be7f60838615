import GRDB
import SweepModel

/// Why the result store could not do what it was asked, naming the state file, the operation and
/// the SQLite code and message underneath, so the CLI can tell a user exactly what is wrong.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the store was doing when it failed.
    public enum Operation: Sendable, Equatable, CustomStringConvertible {
        case open
        case migrate
        case submit(SweepID)
        case retry(SweepID)
        case delete(SweepID)
        case apply(changes: Int)
        case read(String)

        public var description: String {
            switch self {
            case .open: "opening the store"
            case .migrate: "migrating the store"
            case .submit(let sweep): "submitting sweep \(sweep.short)"
            case .retry(let sweep): "re-queueing jobs of sweep \(sweep.short)"
            case .delete(let sweep): "deleting sweep \(sweep.short)"
            case .apply(let count): "committing \(count) change\(count == 1 ? "" : "s")"
            case .read(let what): "reading \(what)"
            }
        }
    }

    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The file is not an SQLite database, or its pages are corrupt.
        case notADatabase(SQLiteFailure?)
        /// The path names something other than a regular file (`kind`: "a directory", "a FIFO", ...).
        case notARegularFile(kind: String)
        /// The file is an SQLite database of some other program (its tables are listed).
        case notAStore(tables: [String])
        /// The file was written by a newer ClusterSweep; this binary knows formats up to `supported`.
        case newerFormat(found: Int, supported: Int, unknownMigrations: [String])
        /// The file needs a migration but was opened read-only.
        case needsMigration(found: Int, supported: Int)
        /// The file, its directory or its file system is read-only.
        case readOnly(SQLiteFailure)
        /// The file system holding the store is full (or the process hit its file size limit).
        case diskFull(SQLiteFailure)
        /// The file or its directory cannot be opened (missing directory, permissions).
        case cannotOpen(SQLiteFailure)
        /// Any other SQLite failure.
        case sqlite(SQLiteFailure)
        /// A stored row cannot be decoded: the file was edited by hand or by a buggy writer.
        case corruptRecord(table: String, key: String, column: String, detail: String)
        /// A sweep's plan lists the same job twice.
        case duplicateJobInPlan(JobID, firstIndex: Int, secondIndex: Int)
        /// A value could not be encoded for storage.
        case encoding(String)
        /// The sweep is being deleted (`ResultStore.beginDelete`); submit it again once it is gone.
        case sweepBeingDeleted(SweepID)
        /// An error of no known kind (kept as text).
        case unexpected(String)
    }

    /// The state file's path.
    public var path: String
    public var operation: Operation
    public var reason: Reason

    public init(path: String, operation: Operation, reason: Reason) {
        self.path = path
        self.operation = operation
        self.reason = reason
    }

    public var description: String {
        "state file \(path): \(operation) failed: \(reasonText)"
    }

    private var reasonText: String {
        switch reason {
        case .notADatabase(let failure):
            "not an SQLite database, or corrupt" + (failure.map { " (\($0))" } ?? "")
        case .notARegularFile(let kind): "not a regular file (\(kind))"
        case .notAStore(let tables):
            "an SQLite database of another program, not a ClusterSweep store (tables: "
                + tables.joined(separator: ", ") + ")"
        case .newerFormat(let found, let supported, let unknown):
            "written by a newer ClusterSweep (store format \(found), this binary reads up to \(supported)"
                + (unknown.isEmpty ? "" : "; unknown migrations: " + unknown.joined(separator: ", "))
                + "); upgrade clustersweep"
        case .needsMigration(let found, let supported):
            "store format \(found) needs migrating to \(supported), which a read-only open cannot do; "
                + "open it once for writing first (a coordinator or `run` on this file migrates it)"
        case .readOnly(let failure): "the file or its file system is read-only (\(failure))"
        case .diskFull(let failure): "the disk is full (\(failure))"
        case .cannotOpen(let failure): "cannot open the file or its directory (\(failure))"
        case .sqlite(let failure): "\(failure)"
        case .corruptRecord(let table, let key, let column, let detail):
            "corrupt row in table \(table), key \(key), column \(column): \(detail)"
        case .duplicateJobInPlan(let job, let first, let second):
            "the plan lists job \(job.short) twice (indexes \(first) and \(second))"
        case .encoding(let detail): "cannot encode a value: \(detail)"
        case .sweepBeingDeleted(let sweep):
            "sweep \(sweep.short) is being deleted; submit it again once the deletion has finished"
        case .unexpected(let detail): detail
        }
    }
}

/// The SQLite result code, message and statement of a failure, kept so nothing is lost on the way
/// to the user.
public struct SQLiteFailure: Sendable, Equatable, CustomStringConvertible {
    /// The primary result code (`SQLITE_FULL` = 13, `SQLITE_READONLY` = 8, ...).
    public var code: Int32
    /// The extended result code (`SQLITE_READONLY_DBMOVED`, ...).
    public var extendedCode: Int32
    public var message: String
    /// The statement that failed, when there was one.
    public var sql: String?

    public init(code: Int32, extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    init(_ error: DatabaseError) {
        self.init(
            code: error.resultCode.rawValue, extendedCode: error.extendedResultCode.rawValue,
            message: error.message ?? "no message", sql: error.sql)
    }

    public var description: String {
        "SQLite error \(code)" + (extendedCode != code ? "/\(extendedCode)" : "") + ": \(message)"
            + (sql.map { " in `\($0)`" } ?? "")
    }
}

extension StoreError.Reason {
    /// Classifies a GRDB error by its SQLite result code.
    init(_ error: DatabaseError) {
        let failure = SQLiteFailure(error)
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: self = .notADatabase(failure)
        case .SQLITE_READONLY: self = .readOnly(failure)
        case .SQLITE_FULL: self = .diskFull(failure)
        case .SQLITE_CANTOPEN, .SQLITE_PERM: self = .cannotOpen(failure)
        default: self = .sqlite(failure)
        }
    }
}

extension StoreError {
    /// Wraps any error thrown while doing `operation` on the file at `path`.
    static func wrapping(_ error: any Error, path: String, operation: Operation) -> StoreError {
        switch error {
        case let error as StoreError: error
        case let error as CorruptRecord: StoreError(path: path, operation: operation, reason: .corruptRecord(
            table: error.table, key: error.key, column: error.column, detail: error.detail))
        case let error as DatabaseError: StoreError(path: path, operation: operation, reason: .init(error))
        case let error as EncodingError: StoreError(path: path, operation: operation, reason: .encoding("\(error)"))
        default: StoreError(path: path, operation: operation, reason: .unexpected("\(error)"))
        }
    }
}
