import Foundation

/// One flattened job parameter as JSON shows it (a number, string, flag or list), so reports can
/// group, sort and print parameters without knowing every field of the experiment.
public enum ParameterValue: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    case bool(Bool)
    case int(Int)
    /// An integer above `Int.max` (a large seed).
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case list([ParameterValue])
    case null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let value = try? c.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? c.decode(Int.self) {
            self = .int(value)
        } else if let value = try? c.decode(UInt64.self) {
            self = .unsigned(value)
        } else if let value = try? c.decode(Double.self) {
            self = .double(value)
        } else if let value = try? c.decode(String.self) {
            self = .string(value)
        } else if let value = try? c.decode([ParameterValue].self) {
            self = .list(value)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a flat parameter value (number, string, bool or list)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .unsigned(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .list(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }

    /// A seed as flattened parameters hold it: `.int` when it fits, as JSON decoding reads it.
    public static func seed(_ seed: UInt64) -> ParameterValue {
        seed <= UInt64(Int.max) ? .int(Int(seed)) : .unsigned(seed)
    }

    /// The value as a number, if it is one (for axes and numeric ordering).
    public var number: Double? {
        switch self {
        case .int(let v): Double(v)
        case .unsigned(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    /// Plain text: numbers as JSON writes them, lists as `[a,b]`, `null` for null.
    public var description: String {
        switch self {
        case .bool(let v): v ? "true" : "false"
        case .int(let v): String(v)
        case .unsigned(let v): String(v)
        case .double(let v): Self.format(v)
        case .string(let v): v
        case .list(let v): "[" + v.map(\.description).joined(separator: ",") + "]"
        case .null: "null"
        }
    }

    /// Numbers compare numerically, everything else by its text; numbers sort before text.
    public static func < (lhs: ParameterValue, rhs: ParameterValue) -> Bool {
        switch (lhs.number, rhs.number) {
        case let (a?, b?): a < b
        case (.some, nil): true
        case (nil, .some): false
        case (nil, nil): lhs.description < rhs.description
        }
    }

    /// Shortest text that round-trips (`0.001`, `3e-05`), without a trailing `.0` for integers.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return "\(value)"
    }
}
