/// A configuration type whose options have defaults: the value of `defaults` at an option's
/// property is that option's default.
public protocol OptionRoot: Sendable {
    static var defaults: Self { get }
}

/// A default computed from other fields (`input_scale` = 1 / `range`), with how it is documented.
public struct DerivedDefault<Root, Value>: Sendable {
    /// As the documentation tables write it: "1 / `range`".
    public let text: String
    /// As `--help` writes it: "1/range".
    public let argument: String
    /// The value for `root`, from the fields it derives from (never from the option's own value).
    public let value: @Sendable (Root) -> Value

    public init(text: String, argument: String, value: @escaping @Sendable (Root) -> Value) {
        self.text = text
        self.argument = argument
        self.value = value
    }
}

/// The key of one option in an encoded configuration.
public struct OptionCodingKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// One option of a configuration, declared once: its snake_case key (also its flag, JSON key and
/// CSV column), kind, default or derived default, valid values, help and documentation, and how
/// to read and write it in `Root`.
///
/// `ExperimentConfig.options` declares every experiment option; command-line flags, sweep-file
/// keys, validation, encoding (and so job ids), report columns and the documentation tables are
/// all derived from it. Build one with `stored(...)` or `derived(...)`.
public struct ParameterOption<Root>: Sendable {
    /// The snake_case name of files, JSON and CSV columns: `input_learning_rate`.
    public let key: String
    public let kind: OptionKind
    /// The `--help` line (the default is appended where it is shown).
    public let help: String
    /// The "meaning" column of the documentation tables.
    public let meaning: String
    /// The "accepted" column of the documentation: `1...4096`; empty when every value of the kind is.
    public let accepted: String
    /// The default as files and the documentation write it: `[16, 16]`, "1 / `range`".
    public let defaultText: String
    /// The default as `--help` writes it: `16,16`, `1/range`.
    public let defaultArgument: String
    /// The default value; `nil` for a default derived from other fields.
    public let defaultValue: OptionValue?
    /// Keys whose values decide this option's default or validity (`classes` depends on
    /// `points`); a problem with a value left at its default is shown at them.
    public let relatedKeys: [String]
    /// Whether sweep files accept this key under `experiment:` and `grid:`.
    public let isSweepKey: Bool
    /// Left out of encodings (and so of job ids) while at its default. Every option added after
    /// the first release must set this, so that the ids of existing jobs do not change.
    public let omittedAtDefault: Bool

    let read: @Sendable (Root) -> OptionValue?
    let write: @Sendable (inout Root, OptionValue) -> Bool
    let check: @Sendable (Root) -> [ConfigProblem]
    let encodeValue: @Sendable (Root, inout KeyedEncodingContainer<OptionCodingKey>, _ everyOption: Bool) throws -> Void
    let decodeValue: @Sendable (KeyedDecodingContainer<OptionCodingKey>, inout Root) throws -> Void
    let resolveValue: @Sendable (inout Root) -> Void
    let normalize: @Sendable (OptionValue) -> OptionValue?

    /// The command-line flag: `--input-learning-rate`.
    public var flag: String { "--" + String(key.map { $0 == "_" ? "-" : $0 }) }

    /// The value in `root`; `nil` when unset (a derived default applies).
    public func value(in root: Root) -> OptionValue? { read(root) }

    /// Writes `value`; returns false (and changes nothing) when it is not a value of this option.
    @discardableResult
    public func set(_ value: OptionValue, in root: inout Root) -> Bool { write(&root, value) }

    /// `value` as this option stores it (a choice in its canonical spelling, an integer written
    /// for a number as a number), or `nil` when it is not a value of this option.
    public func accepting(_ value: OptionValue) -> OptionValue? { normalize(value) }

    /// Every problem with this option's value in `root` (in the order of its rule).
    public func problems(in root: Root) -> [ConfigProblem] { check(root) }

    /// Writes this option into `container`, unless it is unset or (for `omittedAtDefault`,
    /// unless `everyOption`) at its default.
    public func encode(_ root: Root, into container: inout KeyedEncodingContainer<OptionCodingKey>, everyOption: Bool = false) throws {
        try encodeValue(root, &container, everyOption)
    }

    /// Reads this option from `container` into `root` when present (absent keys keep `root`'s value).
    public func decode(from container: KeyedDecodingContainer<OptionCodingKey>, into root: inout Root) throws {
        try decodeValue(container, &root)
    }

    /// Writes out a derived default (a no-op for other options and for values already set).
    public func resolve(_ root: inout Root) { resolveValue(&root) }

    /// The value a command-line word gives, or why it gives none: lists are comma-separated
    /// (`16,16`, empty for none), choices are names, flags are `true`/`false`.
    public func parse(argument text: String) -> Result<OptionValue, ConfigProblem> {
        func fail(_ reason: String) -> Result<OptionValue, ConfigProblem> {
            .failure(ConfigProblem(field: key, reason: reason))
        }
        let parsed: OptionValue?
        switch kind {
        case .integer: parsed = Int(text).map(OptionValue.integer)
        case .unsignedInteger: parsed = UInt64(text).map(OptionValue.unsignedInteger)
        case .number: parsed = Double(text).map(OptionValue.number)
        case .boolean: parsed = Bool(text).map(OptionValue.boolean)
        case .choice(let names):
            guard let value = normalize(.word(text)) else {
                return fail("unknown \(key) '\(text)' (known: \(names.joined(separator: ", ")))")
            }
            return .success(value)
        case .integerList:
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { part in
                String(part.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
            }
            if parts == [""] { return .success(.integers([])) }
            var values: [Int] = []
            for (index, part) in parts.enumerated() {
                guard let value = Int(part) else {
                    let example = defaultValue.map(\.argumentText).flatMap { $0.isEmpty ? nil : $0 } ?? "16,16"
                    return fail("item \(index + 1) '\(part)' is not an integer (expected e.g. \(example))")
                }
                values.append(value)
            }
            return .success(.integers(values))
        }
        guard let parsed, let value = normalize(parsed) else {
            let expected = switch kind {
            case .integer: "an integer"
            case .unsignedInteger: "an integer >= 0"
            case .number: "a number"
            default: "true or false"
            }
            return fail("'\(text)' is not \(expected)")
        }
        return .success(value)
    }

    /// This option as an option of `Outer`, which holds a `Root` at `path` (an experiment option
    /// as a key of a job's parameters).
    public func lifted<Outer>(into path: any WritableKeyPath<Outer, Root> & Sendable) -> ParameterOption<Outer> {
        let inner = self
        return ParameterOption<Outer>(
            key: key, kind: kind, help: help, meaning: meaning, accepted: accepted,
            defaultText: defaultText, defaultArgument: defaultArgument, defaultValue: defaultValue,
            relatedKeys: relatedKeys, isSweepKey: isSweepKey, omittedAtDefault: omittedAtDefault,
            read: { inner.read($0[keyPath: path]) },
            write: { outer, value in inner.write(&outer[keyPath: path], value) },
            check: { inner.check($0[keyPath: path]) },
            encodeValue: { outer, container, every in try inner.encodeValue(outer[keyPath: path], &container, every) },
            decodeValue: { container, outer in try inner.decodeValue(container, &outer[keyPath: path]) },
            resolveValue: { outer in inner.resolveValue(&outer[keyPath: path]) },
            normalize: inner.normalize
        )
    }
}

// MARK: - Declaring options

extension ParameterOption where Root: OptionRoot {
    /// An option stored at `path` whose default is `Root.defaults`' value there.
    public static func stored<Value: OptionValueType>(
        _ key: String, _ path: any WritableKeyPath<Root, Value> & Sendable,
        help: String, meaning: String, rule: OptionRule<Root, Value> = .any,
        relatedKeys: [String] = [], isSweepKey: Bool = true, omittedAtDefault: Bool = false
    ) -> Self {
        let defaultValue = Root.defaults[keyPath: path]
        let codingKey = OptionCodingKey(stringValue: key)
        return Self(
            key: key, kind: Value.optionKind, help: help, meaning: meaning, accepted: rule.accepted,
            defaultText: defaultValue.optionValue.fileText, defaultArgument: defaultValue.optionValue.argumentText,
            defaultValue: defaultValue.optionValue,
            relatedKeys: relatedKeys, isSweepKey: isSweepKey, omittedAtDefault: omittedAtDefault,
            read: { $0[keyPath: path].optionValue },
            write: { root, value in
                guard let typed = Value(optionValue: value) else { return false }
                root[keyPath: path] = typed
                return true
            },
            check: { root in
                rule.violations(root[keyPath: path], root).map { $0.problem(key) }
            },
            encodeValue: { root, container, every in
                let value = root[keyPath: path]
                if omittedAtDefault, !every, value == defaultValue { return }
                try container.encode(value, forKey: codingKey)
            },
            decodeValue: { container, root in
                if let value = try container.decodeIfPresent(Value.self, forKey: codingKey) {
                    root[keyPath: path] = value
                }
            },
            resolveValue: { _ in },
            normalize: { Value(optionValue: $0)?.optionValue }
        )
    }

    /// An optional option stored at `path`: `nil` means `derivedDefault`, which `resolve` writes out.
    /// The rule judges only values that are set.
    public static func derived<Value: OptionValueType>(
        _ key: String, _ path: any WritableKeyPath<Root, Value?> & Sendable, derivedDefault: DerivedDefault<Root, Value>,
        help: String, meaning: String, rule: OptionRule<Root, Value> = .any,
        relatedKeys: [String] = [], isSweepKey: Bool = true, omittedAtDefault: Bool = false
    ) -> Self {
        let codingKey = OptionCodingKey(stringValue: key)
        return Self(
            key: key, kind: Value.optionKind, help: help, meaning: meaning, accepted: rule.accepted,
            defaultText: derivedDefault.text, defaultArgument: derivedDefault.argument, defaultValue: nil,
            relatedKeys: relatedKeys, isSweepKey: isSweepKey, omittedAtDefault: omittedAtDefault,
            read: { $0[keyPath: path]?.optionValue },
            write: { root, value in
                guard let typed = Value(optionValue: value) else { return false }
                root[keyPath: path] = typed
                return true
            },
            check: { root in
                guard let value = root[keyPath: path] else { return [] }
                return rule.violations(value, root).map { $0.problem(key) }
            },
            encodeValue: { root, container, every in
                guard let value = root[keyPath: path] else { return }
                if omittedAtDefault, !every, value == derivedDefault.value(root) { return }
                try container.encode(value, forKey: codingKey)
            },
            decodeValue: { container, root in
                if let value = try container.decodeIfPresent(Value.self, forKey: codingKey) {
                    root[keyPath: path] = value
                }
            },
            resolveValue: { root in
                if root[keyPath: path] == nil { root[keyPath: path] = derivedDefault.value(root) }
            },
            normalize: { Value(optionValue: $0)?.optionValue }
        )
    }
}

extension OptionRule.Violation {
    /// The problem under `key` (`hidden[1]` for an element).
    func problem(_ key: String) -> ConfigProblem {
        ConfigProblem(field: index.map { "\(key)[\($0)]" } ?? key, reason: reason)
    }
}

// MARK: - Example values

extension ParameterOption {
    /// A value other than `root`'s (or its derived default) that this option's rule accepts in
    /// `root`, or `nil` if none of a few candidates is. Tests that walk the declaration use it to
    /// check that every option travels through flags, files and encodings.
    public func alternative(in root: Root) -> OptionValue? {
        var resolved = root
        resolve(&resolved)
        guard let current = read(resolved) else { return nil }
        var candidates: [OptionValue] = []
        switch current {
        case .integer(let v):
            candidates = [v + 1, v - 1, 1, 0].map(OptionValue.integer)
        case .unsignedInteger(let v):
            candidates = [v &+ 1, 0].map(OptionValue.unsignedInteger)
        case .number(let v):
            candidates = [v * 2, v / 2, 1, 0].map(OptionValue.number)
        case .boolean(let v):
            candidates = [.boolean(!v)]
        case .integers(let v):
            candidates = [.integers(v + [(v.last ?? 0) + 1]), .integers(Array(v.dropLast())), .integers([1])]
        case .word:
            if case .choice(let names) = kind { candidates = names.map(OptionValue.word) }
        }
        for candidate in candidates where candidate != current {
            var changed = resolved
            guard write(&changed, candidate), check(changed).isEmpty else { continue }
            return candidate
        }
        return nil
    }
}
