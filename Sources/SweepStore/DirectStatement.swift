import GRDB
import GRDBSQLite

/// One of `apply`'s cached statements, run with its arguments bound straight through SQLite's C
/// API instead of GRDB's `execute(arguments:)`.
///
/// Why: `apply` runs five one-row statements per dispatched job, and for those GRDB's
/// per-execution work (boxing each argument in `StatementArguments`, access tracking, the
/// observation hooks) cost about as much as SQLite's own (docs/STORE.md, "Where the time goes").
/// None of that work applies here: the statements only write rows inside `apply`'s transaction
/// (no transaction control, no schema change, no observation), on the writer's queue that GRDB
/// holds for the duration of `write`. The statement stays GRDB's (prepared and cached by
/// `cachedStatement`, finalized by GRDB); it is reset and its bindings cleared before it is
/// left, as GRDB expects to find it.
struct DirectStatement {
    let statement: Statement
    let connection: SQLiteConnection

    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "the connection is closed", sql: sql)
        }
        self.connection = connection
    }

    /// Binds through `bind`, steps to the end, resets; returns the rows changed.
    @discardableResult
    func execute(_ bind: (Binder) -> Void) throws -> Int {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        bind(Binder(handle: handle))
        var code = sqlite3_step(handle)
        while code == SQLITE_ROW { code = sqlite3_step(handle) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
        return Int(sqlite3_changes(connection))
    }

    /// Binds through `bind` and returns the first column of the first row as an integer (`nil`
    /// without a row or for NULL), then resets.
    func int64(_ bind: (Binder) -> Void) throws -> Int64? {
        let handle = statement.sqliteStatement
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        bind(Binder(handle: handle))
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            return sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, 0)
        case SQLITE_DONE:
            return nil
        default:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
                message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
    }

    /// Binds parameters by their 1-based index; text is copied by SQLite (`SQLITE_TRANSIENT`).
    struct Binder {
        let handle: SQLiteStatement

        func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
        func bind(_ index: Int32, _ value: Int) { sqlite3_bind_int64(handle, index, Int64(value)) }
        func bind(_ index: Int32, _ value: Double) { sqlite3_bind_double(handle, index, value) }

        /// The whole string, embedded NULs included, copied by SQLite (`SQLITE_TRANSIENT`, the
        /// C macro -1 that Swift does not import); never NULL, even when empty.
        func bind(_ index: Int32, _ value: String) {
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            let length = Int32(clamping: value.utf8.count)
            value.withCString { sqlite3_bind_text(handle, index, $0, length, transient) }
        }

        func bind(_ index: Int32, _ value: String?) {
            if let value { bind(index, value) } else { sqlite3_bind_null(handle, index) }
        }
    }
}
