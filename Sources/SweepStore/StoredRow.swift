import GRDB

/// A row read back from the store, decoded column by column so that a value of the wrong type
/// (a hand-edited file) becomes a `CorruptRecord` naming table, key and column instead of a crash.
struct StoredRow {
    let row: Row
    let table: String
    let key: String

    init(_ row: Row, table: String, keyColumn: Int) {
        self.row = row
        self.table = table
        let value: DatabaseValue = row[keyColumn]
        self.key = String.fromDatabaseValue(value) ?? "\(value)"
    }

    func optionalString(_ index: Int, _ column: String) throws -> String? {
        try optional(index, column, String.self)
    }

    func string(_ index: Int, _ column: String) throws -> String {
        try required(index, column, String.self)
    }

    func int(_ index: Int, _ column: String) throws -> Int { try required(index, column, Int.self) }

    func optionalInt(_ index: Int, _ column: String) throws -> Int? { try optional(index, column, Int.self) }

    func double(_ index: Int, _ column: String) throws -> Double { try required(index, column, Double.self) }

    func optionalDouble(_ index: Int, _ column: String) throws -> Double? {
        try optional(index, column, Double.self)
    }

    func bool(_ index: Int, _ column: String) throws -> Bool { try required(index, column, Bool.self) }

    /// A `String`-backed enum value, such as a status.
    func value<T: RawRepresentable>(_ index: Int, _ column: String, as type: T.Type) throws -> T
    where T.RawValue == String {
        let text = try string(index, column)
        guard let value = T(rawValue: text) else {
            throw CorruptRecord(table: table, key: key, column: column, detail: "unknown value '\(text)'")
        }
        return value
    }

    /// A JSON column decoded as `T`.
    func json<T: Decodable>(_ index: Int, _ column: String, as type: T.Type, coding: StoreCoding) throws -> T {
        let text = try string(index, column)
        do {
            return try coding.value(type, json: text)
        } catch {
            throw CorruptRecord(table: table, key: key, column: column, detail: "invalid JSON: \(error)")
        }
    }

    func optionalJSON<T: Decodable>(
        _ index: Int, _ column: String, as type: T.Type, coding: StoreCoding
    ) throws -> T? {
        try optionalString(index, column) == nil ? nil : try json(index, column, as: type, coding: coding)
    }

    private func optional<T: DatabaseValueConvertible>(_ index: Int, _ column: String, _ type: T.Type) throws -> T? {
        let value: DatabaseValue = row[index]
        if value.isNull { return nil }
        guard let decoded = T.fromDatabaseValue(value) else {
            throw CorruptRecord(table: table, key: key, column: column, detail: "expected \(T.self), found \(value)")
        }
        return decoded
    }

    private func required<T: DatabaseValueConvertible>(_ index: Int, _ column: String, _ type: T.Type) throws -> T {
        guard let value = try optional(index, column, type) else {
            throw CorruptRecord(table: table, key: key, column: column, detail: "expected \(T.self), found NULL")
        }
        return value
    }
}

/// A stored value that cannot be decoded; becomes `StoreError.Reason.corruptRecord`.
struct CorruptRecord: Error {
    var table: String
    var key: String
    var column: String
    var detail: String
}
