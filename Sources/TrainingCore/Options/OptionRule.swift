/// Which values of an option are valid, said twice from one place: as the problems a value has
/// (messages of the CLI, sweep files and workers) and as the documentation's "accepted" column.
public struct OptionRule<Root, Value>: Sendable {
    /// One thing wrong with a value: the list element it concerns (if any) and why.
    public struct Violation: Sendable, Hashable {
        public var index: Int?
        public var reason: String

        public init(index: Int? = nil, _ reason: String) {
            self.index = index
            self.reason = reason
        }
    }

    /// The accepted values as documented (`1...4096`, `finite, > 0`); empty when every value is.
    public let accepted: String
    /// What is wrong with `value` in the configuration `root` (for rules across fields).
    public let violations: @Sendable (_ value: Value, _ root: Root) -> [Violation]

    public init(accepted: String, violations: @escaping @Sendable (_ value: Value, _ root: Root) -> [Violation]) {
        self.accepted = accepted
        self.violations = violations
    }

    /// Every value of the kind is accepted.
    public static var any: Self { Self(accepted: "") { _, _ in [] } }

    /// Both rules; the documentation joins their texts.
    public func and(_ other: Self) -> Self {
        let first = self
        let accepted = [first.accepted, other.accepted].filter { !$0.isEmpty }.joined(separator: ", ")
        return Self(accepted: accepted) { value, root in first.violations(value, root) + other.violations(value, root) }
    }
}

// MARK: - Integers

extension OptionRule where Value == Int {
    /// `lower...upper`: "must be between 1 and 4096 (got 0)".
    public static func between(_ lower: Int, _ upper: Int) -> Self {
        Self(accepted: "\(grouped(lower))...\(grouped(upper))") { value, _ in
            (lower...upper).contains(value) ? [] : [Violation("must be between \(lower) and \(upper) (got \(value))")]
        }
    }

    /// `>= lower`: "must be >= 1 (got 0)".
    public static func atLeast(_ lower: Int) -> Self {
        Self(accepted: ">= \(lower)") { value, _ in
            value >= lower ? [] : [Violation("must be >= \(lower) (got \(value))")]
        }
    }

    /// Thousands separated by commas from 10,000 on, as the documentation writes limits.
    static func grouped(_ value: Int) -> String {
        guard abs(value) >= 10_000 else { return String(value) }
        var digits = String(abs(value))
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}

// MARK: - Numbers

extension OptionRule where Value == Double {
    /// "must be a finite number (got inf)".
    public static var finite: Self {
        Self(accepted: "finite") { value, _ in
            value.isFinite ? [] : [Violation("must be a finite number (got \(value))")]
        }
    }

    /// "must be a finite number > 0 (got 0.0)".
    public static var finitePositive: Self {
        Self(accepted: "finite, > 0") { value, _ in
            value.isFinite && value > 0 ? [] : [Violation("must be a finite number > 0 (got \(value))")]
        }
    }

    /// "must be a finite number >= 0 (got -1.0)".
    public static var finiteNonNegative: Self {
        Self(accepted: "finite, >= 0") { value, _ in
            value.isFinite && value >= 0 ? [] : [Violation("must be a finite number >= 0 (got \(value))")]
        }
    }
}

// MARK: - Lists

extension OptionRule where Value == [Int] {
    /// At least one element.
    public static func nonEmpty(_ reason: String) -> Self {
        Self(accepted: "non-empty") { value, _ in value.isEmpty ? [Violation(reason)] : [] }
    }

    /// Every element obeys `rule`; a violation names the element's index. `prefix` opens the
    /// documented text and each reason ("layer width ").
    public static func each(_ rule: OptionRule<Root, Int>, reasonPrefix: String = "") -> Self {
        Self(accepted: "each \(rule.accepted)") { values, root in
            values.enumerated().flatMap { index, value in
                rule.violations(value, root).map { Violation(index: index, reasonPrefix + $0.reason) }
            }
        }
    }
}
