import TrainingCore

/// A key that `experiment:` and `grid:` accept: every `ExperimentConfig` option that is a sweep
/// key (all but `seed`; seeds come from `seeds:`), plus the job switches `sleep_ms` and
/// `fail_attempts`, all derived from their declarations (`ExperimentConfig.options`,
/// `JobParameters.switches`).
///
/// `rawValue` is the snake_case spelling of files; the order of `allCases` is the order in which
/// the documentation lists them.
public struct ExperimentKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The declaration of this key, as an option of a job's parameters.
    public let option: ParameterOption<JobParameters>
    /// Whether this is a job switch (judged as it is read) rather than an experiment option
    /// (judged by `ExperimentConfig.validationProblems()` on every expanded job).
    public let isJobSwitch: Bool
    /// Position in `allCases`.
    private let position: Int

    /// The snake_case key: `input_learning_rate`.
    public var rawValue: String { option.key }
    public var description: String { rawValue }

    /// Every key, experiment options first, in declaration order.
    public static let allCases: [ExperimentKey] = {
        let experiment = ExperimentConfig.options.filter(\.isSweepKey).map { (option: $0.lifted(into: \JobParameters.experiment), isSwitch: false) }
        let switches = JobParameters.switches.map { (option: $0, isSwitch: true) }
        return (experiment + switches).enumerated().map { index, entry in
            ExperimentKey(option: entry.option, isJobSwitch: entry.isSwitch, position: index)
        }
    }()

    private static let byName: [String: ExperimentKey] = Dictionary(
        allCases.map { ($0.rawValue, $0) }, uniquingKeysWith: { first, _ in first })

    /// The key spelt `rawValue`, or `nil` when sweep files have no such key.
    public init?(rawValue: String) {
        guard let key = Self.byName[rawValue] else { return nil }
        self = key
    }

    private init(option: ParameterOption<JobParameters>, isJobSwitch: Bool, position: Int) {
        self.option = option
        self.isJobSwitch = isJobSwitch
        self.position = position
    }

    public static func == (a: ExperimentKey, b: ExperimentKey) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    public static func < (a: ExperimentKey, b: ExperimentKey) -> Bool { a.position < b.position }
}

/// One experiment key with its value, as written under `experiment:` or as one value of a
/// `grid:` axis. Equality is value equality, so `0.001` and `1e-3` are the same setting.
public struct ExperimentSetting: Sendable, Hashable {
    public let key: ExperimentKey
    /// The value, as the key's option stores it (a choice in its canonical spelling).
    public let value: OptionValue

    /// `nil` when `value` is not a value of `key` (a word for an integer key).
    public init?(_ key: ExperimentKey, _ value: OptionValue) {
        guard let accepted = key.option.accepting(value) else { return nil }
        self.key = key
        self.value = accepted
    }

    /// The setting of the key spelt `name` to `value`, e.g. `ExperimentSetting("dimension", 3)`;
    /// `nil` for an unknown key or a value of another type.
    public init?(_ name: String, _ value: some OptionValueType) {
        guard let key = ExperimentKey(rawValue: name) else { return nil }
        self.init(key, value.optionValue)
    }

    /// Writes this setting into a job's parameters.
    public func apply(to parameters: inout JobParameters) {
        key.option.set(value, in: &parameters)
    }

    /// What is wrong with this value on its own (the job switches, which `ExperimentConfig`
    /// does not judge); `nil` when it is fine. Experiment values are judged by
    /// `ExperimentConfig.validationProblems()` on every expanded job.
    var ownProblem: String? {
        guard key.isJobSwitch else { return nil }
        var parameters = JobParameters.defaults
        apply(to: &parameters)
        return key.option.problems(in: parameters).first?.reason
    }
}
