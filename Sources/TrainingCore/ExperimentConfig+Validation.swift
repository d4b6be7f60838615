/// One thing wrong with an experiment configuration: which field (its snake_case key, with an
/// index for list elements, e.g. `hidden[1]`) and why.
public struct ConfigProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The snake_case key, as in files (`input_learning_rate`, `hidden[1]`).
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

extension ExperimentConfig {
    /// Every problem with this configuration, in the order of `options` (each option's rule);
    /// empty when it can run.
    ///
    /// The CLI, sweep-file validation and workers all call this, so a configuration is judged the
    /// same way everywhere; sweep files map `field` back to a line of the file.
    public func validationProblems() -> [ConfigProblem] {
        Self.options.flatMap { $0.problems(in: self) }
    }
}
