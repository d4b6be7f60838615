/// Distinct identifier types, so a job id can never be passed where a sweep id is expected.

/// A job's id: the SHA-256 (lowercase hex) of its resolved parameters' canonical encoding,
/// so the same job in two sweeps is the same job.
public struct JobID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    /// The first 12 hex digits, for logs and tables.
    public var short: String { String(rawValue.prefix(12)) }
    public static func < (a: JobID, b: JobID) -> Bool { a.rawValue < b.rawValue }
}

/// A sweep's id: the SHA-256 (lowercase hex) of its name and its ordered job ids, so submitting the
/// same file again names the same sweep.
public struct SweepID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    /// The first 12 hex digits, for logs and tables.
    public var short: String { String(rawValue.prefix(12)) }
    public static func < (a: SweepID, b: SweepID) -> Bool { a.rawValue < b.rawValue }
}

/// A worker process's id, chosen by the worker (`host-pid-random`), unique per process lifetime.
public struct WorkerID: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (a: WorkerID, b: WorkerID) -> Bool { a.rawValue < b.rawValue }
}
