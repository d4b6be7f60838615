import TrainingCore
import Yams

// MARK: - Typed values from YAML nodes
//
// Numbers and booleans must be plain (unquoted) scalars in decimal notation: `"500"` in quotes
// is a string, and YAML 1.1's octal (`0500`), hexadecimal and sexagesimal (`1:30`) integers are
// refused rather than silently read as something else.

extension SweepFileReader {
    /// A short description of what a node holds, for "got ..." in messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if scalar.string.isEmpty, scalar.style == .plain { return "nothing" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "..." : scalar.string
            return scalar.style == .plain ? text : "the string \"\(text)\""
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// The text of a plain (unquoted) scalar, or `nil`.
    private static func plainText(_ node: Node) -> String? {
        guard case .scalar(let scalar) = node, scalar.style == .plain else { return nil }
        return scalar.string
    }

    /// A decimal integer (`500`, `-3`, `1_000`), or `nil`.
    static func decimalInteger(_ text: String) -> Int? {
        var digits = Substring(text)
        var sign = ""
        if let first = digits.first, first == "-" || first == "+" {
            sign = first == "-" ? "-" : ""
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber else { return nil }
        guard digits.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        if first == "0", digits.count > 1 { return nil }  // YAML 1.1 would read 0500 as octal
        return Int(sign + digits.filter { $0 != "_" })
    }

    /// A finite decimal number (`0.001`, `1e-3`, `1000`), or `nil`.
    static func decimalNumber(_ text: String) -> Double? {
        if let integer = decimalInteger(text) { return Double(integer) }
        let allowed = Set("0123456789_.eE+-")
        guard text.contains(where: { $0.isASCII && $0.isNumber }), text.allSatisfy(allowed.contains) else {
            return nil
        }
        guard let value = Double(text.filter { $0 != "_" }), value.isFinite else { return nil }
        return value
    }

    mutating func readInteger(_ node: Node, _ path: String) -> Int? {
        if let text = Self.plainText(node), let value = Self.decimalInteger(text) { return value }
        report(node, path, Self.integerProblem(node))
        return nil
    }

    /// Why `node` is not an integer, as precisely as its text allows.
    private static func integerProblem(_ node: Node) -> String {
        guard case .scalar(let scalar) = node else { return "must be an integer (got \(describe(node)))" }
        let text = scalar.string
        if scalar.style != .plain {
            return decimalInteger(text) == nil
                ? "must be an integer (got \(describe(node)))"
                : "must be an integer, not a string (remove the quotes around \(text))"
        }
        let body = text.drop(while: { $0 == "-" || $0 == "+" })
        if !body.isEmpty, body.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) {
            return body.first == "0"
                ? "must be a decimal integer without leading zeros (got \(text))"
                : "must be an integer that fits in 64 bits (got \(text))"
        }
        return "must be an integer (got \(describe(node)))"
    }

    mutating func readNumber(_ node: Node, _ path: String) -> Double? {
        if let text = Self.plainText(node), let value = Self.decimalNumber(text) { return value }
        var reason = "must be a number (got \(Self.describe(node)))"
        if case .scalar(let scalar) = node {
            if scalar.style != .plain, Self.decimalNumber(scalar.string) != nil {
                reason = "must be a number, not a string (remove the quotes around \(scalar.string))"
            } else if scalar.style == .plain, Self.isNonFinite(scalar.string) {
                reason = "must be a finite number (got \(scalar.string))"
            }
        }
        report(node, path, reason)
        return nil
    }

    /// YAML's spellings of infinity and not-a-number (`.inf`, `-.Inf`, `.nan`), and `inf`/`nan`.
    private static func isNonFinite(_ text: String) -> Bool {
        let body = text.lowercased().drop { $0 == "-" || $0 == "+" }
        return ["inf", ".inf", "nan", ".nan", "infinity"].contains(String(body))
    }

    mutating func readBoolean(_ node: Node, _ path: String) -> Bool? {
        switch Self.plainText(node)?.lowercased() {
        case "true": return true
        case "false": return false
        default:
            report(node, path, "must be true or false (got \(Self.describe(node)))")
            return nil
        }
    }

    /// A scalar's text, quoted or not; `nil` (with a problem) for lists, mappings and nothing.
    mutating func readWord(_ node: Node, _ path: String) -> String? {
        if case .scalar(let scalar) = node, !(scalar.style == .plain && scalar.string.isEmpty) {
            return scalar.string
        }
        report(node, path, "must be a word (got \(Self.describe(node)))")
        return nil
    }

    mutating func readIntegerList(_ node: Node, _ path: String) -> [Int]? {
        guard case .sequence(let sequence) = node else {
            report(node, path, "must be a list of integers, e.g. [16, 16] (got \(Self.describe(node)))")
            return nil
        }
        var values: [Int] = []
        var ok = true
        for (index, element) in sequence.enumerated() {
            if let value = readInteger(element, "\(path)[\(index)]") { values.append(value) } else { ok = false }
        }
        return ok ? values : nil
    }

    /// One of an enumeration's spellings, with a suggestion for a near miss.
    mutating func readChoice<Choice>(
        _ node: Node, _ path: String, names: [String], make: (String) -> Choice?
    ) -> Choice? {
        guard let word = readWord(node, path) else { return nil }
        if let choice = make(word) { return choice }
        var reason = "unknown value '\(word)' (known: \(names.joined(separator: ", "))"
        reason += KeySuggestion.closest(to: word, among: names).map { "; did you mean '\($0)'?)" } ?? ")"
        report(node, path, reason)
        return nil
    }

    /// The value of `key` read from `node` as its declared kind, or `nil` with a problem at `path`.
    mutating func readSetting(_ key: ExperimentKey, _ node: Node, _ path: String) -> ExperimentSetting? {
        let value: OptionValue?
        switch key.option.kind {
        case .integer: value = readInteger(node, path).map(OptionValue.integer)
        case .unsignedInteger:
            value = readInteger(node, path).flatMap { integer in
                guard integer >= 0 else {
                    report(node, path, "must be >= 0 (got \(integer))")
                    return nil
                }
                return .unsignedInteger(UInt64(integer))
            }
        case .number: value = readNumber(node, path).map(OptionValue.number)
        case .boolean: value = readBoolean(node, path).map(OptionValue.boolean)
        case .integerList: value = readIntegerList(node, path).map(OptionValue.integers)
        case .choice(let names):
            value = readChoice(node, path, names: names) { key.option.accepting(.word($0)) }
        }
        guard let value else { return nil }
        guard let setting = ExperimentSetting(key, value) else {
            report(node, path, "must be \(key.option.kind.documentation) (got \(Self.describe(node)))")
            return nil
        }
        if let problem = setting.ownProblem {
            report(node, path, problem)
            return nil
        }
        return setting
    }
}
