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
    /// Largest sizes accepted; beyond them a run would take hours or exhaust memory.
    public static let maxPoints = 1_000_000
    public static let maxDimension = 4096
    public static let maxWidth = 65_536

    /// Every problem with this configuration, in field order; empty when it can run.
    ///
    /// The CLI, sweep-file validation and workers all call this, so a configuration is judged the
    /// same way everywhere; sweep files map `field` back to a line of the file.
    public func validationProblems() -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        func check(_ ok: Bool, _ field: String, _ reason: @autoclosure () -> String) {
            if !ok { problems.append(ConfigProblem(field: field, reason: reason())) }
        }
        check((1...Self.maxPoints).contains(points), "points", "must be between 1 and \(Self.maxPoints) (got \(points))")
        check((1...Self.maxDimension).contains(dimension), "dimension", "must be between 1 and \(Self.maxDimension) (got \(dimension))")
        check(classes >= 2, "classes", "must be at least 2 (got \(classes))")
        check(classes <= points, "classes", "must not exceed points (\(classes) > \(points))")
        check(range.isFinite && range > 0, "range", "must be a finite number > 0 (got \(range))")
        check(!hidden.isEmpty, "hidden", "needs at least one hidden layer")
        for (i, width) in hidden.enumerated() {
            check((1...Self.maxWidth).contains(width), "hidden[\(i)]", "layer width must be between 1 and \(Self.maxWidth) (got \(width))")
        }
        check(learningRate.isFinite && learningRate > 0, "learning_rate", "must be a finite number > 0 (got \(learningRate))")
        check(inputLearningRate.isFinite && inputLearningRate >= 0, "input_learning_rate", "must be a finite number >= 0 (got \(inputLearningRate))")
        if let inputScale {
            check(inputScale.isFinite && inputScale > 0, "input_scale", "must be a finite number > 0 (got \(inputScale))")
        }
        check(maxEpochs >= 0, "max_epochs", "must be >= 0 (got \(maxEpochs))")
        check(checkEvery >= 1, "check_every", "must be >= 1 (got \(checkEvery))")
        if let threshold {
            check(threshold.isFinite, "threshold", "must be a finite number (got \(threshold))")
        }
        for (i, epoch) in snapshotEpochs.enumerated() {
            check(epoch >= 0, "snapshot_epochs[\(i)]", "must be >= 0 (got \(epoch))")
        }
        return problems
    }
}
