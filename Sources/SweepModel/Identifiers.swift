/// Distinct identifier types, so a job id can never be passed where a sweep id is expected.
///
/// Each is a string underneath and encodes as a bare JSON string; `StringIdentifier` gives them
/// their shared behaviour once.
public protocol StringIdentifier: RawRepresentable, Codable, Sendable, Hashable, Comparable, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension StringIdentifier {
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A job's id: the SHA-256 (lowercase hex) of its resolved parameters' canonical encoding,
/// so the same job in two sweeps is the same job.
public struct JobID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The first 12 hex digits, for logs and tables.
    public var short: String { String(rawValue.prefix(12)) }
}

/// A sweep's id: the SHA-256 (lowercase hex) of its name and its ordered job ids, so submitting the
/// same file again names the same sweep.
public struct SweepID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// The first 12 hex digits, for logs and tables.
    public var short: String { String(rawValue.prefix(12)) }
}

/// A worker process's id, chosen by the worker (`host-pid-random`), unique per process lifetime.
public struct WorkerID: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}
