/// The value of one parameter option, whatever its Swift type: what sweep files and command lines
/// produce and what `ParameterOption` writes into a configuration.
///
/// Equality is value equality (`0.001` and `1e-3` are the same `number`); a `word` holds a
/// choice's canonical spelling (`lda-silhouette`, also when `lda_silhouette` was written).
public enum OptionValue: Sendable, Hashable {
    case integer(Int)
    case unsignedInteger(UInt64)
    case number(Double)
    case boolean(Bool)
    case integers([Int])
    case word(String)

    /// The value as a sweep file and the documentation write it: `1000`, `3e-05`, `[16, 16]`.
    public var fileText: String {
        switch self {
        case .integer(let v): String(v)
        case .unsignedInteger(let v): String(v)
        case .number(let v): Self.shortest(v)
        case .boolean(let v): v ? "true" : "false"
        case .integers(let v): "[" + v.map(String.init).joined(separator: ", ") + "]"
        case .word(let v): v
        }
    }

    /// The value as a command-line argument: `1000.0`, `3e-05`, `16,16` (numbers as
    /// swift-argument-parser prints a `Double` default).
    public var argumentText: String {
        switch self {
        case .number(let v): "\(v)"
        case .integers(let v): v.map(String.init).joined(separator: ",")
        default: fileText
        }
    }

    /// Shortest text that reads back to `value`, without a trailing `.0` for whole numbers.
    static func shortest(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            return String(Int(value))
        }
        return "\(value)"
    }
}

/// The kind of value an option takes, which decides how files and command lines spell it.
public enum OptionKind: Sendable, Hashable {
    case integer
    /// A whole number >= 0 of 64 bits (seeds).
    case unsignedInteger
    /// A finite or non-finite `Double`; validity is the option's rule.
    case number
    /// `true`/`false` in files; a flag without a value on the command line.
    case boolean
    /// `[16, 16]` in files, `16,16` on the command line.
    case integerList
    /// One of these spellings.
    case choice([String])

    /// The documentation's name of the kind: `integer`, `` `tanh` or `relu` ``.
    public var documentation: String {
        switch self {
        case .integer: "integer"
        case .unsignedInteger: "integer >= 0"
        case .number: "number"
        case .boolean: "`true` or `false`"
        case .integerList: "list of integers"
        case .choice(let names):
            names.count < 2
                ? names.map { "`\($0)`" }.joined()
                : names.dropLast().map { "`\($0)`" }.joined(separator: ", ") + " or `\(names[names.count - 1])`"
        }
    }

    /// Whether one command-line word is one plain value (a number), as opposed to a list or a name.
    public var isScalarNumber: Bool {
        switch self {
        case .integer, .unsignedInteger, .number: true
        case .boolean, .integerList, .choice: false
        }
    }
}

// MARK: - Swift types an option can hold

/// A Swift type an option's property may have; it converts to and from `OptionValue`.
public protocol OptionValueType: Codable, Sendable, Hashable {
    static var optionKind: OptionKind { get }
    var optionValue: OptionValue { get }
    /// `nil` when `optionValue` is of another kind or names no value of this type.
    init?(optionValue: OptionValue)
}

extension Int: OptionValueType {
    public static var optionKind: OptionKind { .integer }
    public var optionValue: OptionValue { .integer(self) }
    public init?(optionValue: OptionValue) {
        guard case .integer(let v) = optionValue else { return nil }
        self = v
    }
}

extension UInt64: OptionValueType {
    public static var optionKind: OptionKind { .unsignedInteger }
    public var optionValue: OptionValue { .unsignedInteger(self) }
    public init?(optionValue: OptionValue) {
        switch optionValue {
        case .unsignedInteger(let v): self = v
        case .integer(let v) where v >= 0: self = UInt64(v)
        default: return nil
        }
    }
}

extension Double: OptionValueType {
    public static var optionKind: OptionKind { .number }
    public var optionValue: OptionValue { .number(self) }
    public init?(optionValue: OptionValue) {
        switch optionValue {
        case .number(let v): self = v
        case .integer(let v): self = Double(v)
        default: return nil
        }
    }
}

extension Bool: OptionValueType {
    public static var optionKind: OptionKind { .boolean }
    public var optionValue: OptionValue { .boolean(self) }
    public init?(optionValue: OptionValue) {
        guard case .boolean(let v) = optionValue else { return nil }
        self = v
    }
}

extension Array: OptionValueType where Element == Int {
    public static var optionKind: OptionKind { .integerList }
    public var optionValue: OptionValue { .integers(self) }
    public init?(optionValue: OptionValue) {
        guard case .integers(let v) = optionValue else { return nil }
        self = v
    }
}

/// An enumeration an option chooses from; its raw values are the spellings users write.
public protocol OptionChoice: OptionValueType, CaseIterable, RawRepresentable where RawValue == String {
    /// The value named `name`; by default only the raw value is accepted.
    init?(name: String)
}

extension OptionChoice {
    public init?(name: String) { self.init(rawValue: name) }
    public static var optionKind: OptionKind { .choice(allCases.map(\.rawValue)) }
    public var optionValue: OptionValue { .word(rawValue) }
    public init?(optionValue: OptionValue) {
        guard case .word(let name) = optionValue else { return nil }
        self.init(name: name)
    }
}
