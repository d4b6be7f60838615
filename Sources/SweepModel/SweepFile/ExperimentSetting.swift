import TrainingCore

/// A key that `experiment:` and `grid:` accept: every `ExperimentConfig` key except `seed`
/// (seeds come from `seeds:`), plus the job switches `sleep_ms` and `fail_attempts`.
///
/// Raw values are the snake_case spellings of files; the order of `allCases` is the order in which
/// the documentation lists them.
public enum ExperimentKey: String, Sendable, Hashable, CaseIterable, Comparable {
    case points, dimension, classes, range, hidden, activation, optimizer
    case learningRate = "learning_rate"
    case inputLearningRate = "input_learning_rate"
    case inputScale = "input_scale"
    case maxEpochs = "max_epochs"
    case checkEvery = "check_every"
    case metric, threshold
    case keepGoing = "keep_going"
    case snapshotEpochs = "snapshot_epochs"
    case sleepMs = "sleep_ms"
    case failAttempts = "fail_attempts"

    public static func < (a: ExperimentKey, b: ExperimentKey) -> Bool {
        let order = ExperimentKey.allCases
        return (order.firstIndex(of: a) ?? 0) < (order.firstIndex(of: b) ?? 0)
    }

    /// The shape of value this key takes, which decides how a YAML node is read.
    enum ValueShape {
        case integer, number, boolean, integerList, word
    }

    var shape: ValueShape {
        switch self {
        case .points, .dimension, .classes, .maxEpochs, .checkEvery, .sleepMs, .failAttempts: .integer
        case .range, .learningRate, .inputLearningRate, .inputScale, .threshold: .number
        case .keepGoing: .boolean
        case .hidden, .snapshotEpochs: .integerList
        case .activation, .optimizer, .metric: .word
        }
    }
}

/// One experiment key with its value, as written under `experiment:` or as one value of a
/// `grid:` axis. Equality is value equality, so `0.001` and `1e-3` are the same setting.
public enum ExperimentSetting: Sendable, Hashable {
    case points(Int)
    case dimension(Int)
    case classes(Int)
    case range(Double)
    case hidden([Int])
    case activation(Activation)
    case optimizer(Optimizer)
    case learningRate(Double)
    case inputLearningRate(Double)
    case inputScale(Double)
    case maxEpochs(Int)
    case checkEvery(Int)
    case metric(ClusterMetric)
    case threshold(Double)
    case keepGoing(Bool)
    case snapshotEpochs([Int])
    case sleepMs(Int)
    case failAttempts(Int)

    /// Largest `sleep_ms` accepted: one hour.
    public static let maxSleepMs = 3_600_000
    /// Largest `fail_attempts` accepted.
    public static let maxFailAttempts = 1_000

    public var key: ExperimentKey {
        switch self {
        case .points: .points
        case .dimension: .dimension
        case .classes: .classes
        case .range: .range
        case .hidden: .hidden
        case .activation: .activation
        case .optimizer: .optimizer
        case .learningRate: .learningRate
        case .inputLearningRate: .inputLearningRate
        case .inputScale: .inputScale
        case .maxEpochs: .maxEpochs
        case .checkEvery: .checkEvery
        case .metric: .metric
        case .threshold: .threshold
        case .keepGoing: .keepGoing
        case .snapshotEpochs: .snapshotEpochs
        case .sleepMs: .sleepMs
        case .failAttempts: .failAttempts
        }
    }

    /// Writes this setting into a job's parameters.
    public func apply(to parameters: inout JobParameters) {
        switch self {
        case .points(let v): parameters.experiment.points = v
        case .dimension(let v): parameters.experiment.dimension = v
        case .classes(let v): parameters.experiment.classes = v
        case .range(let v): parameters.experiment.range = v
        case .hidden(let v): parameters.experiment.hidden = v
        case .activation(let v): parameters.experiment.activation = v
        case .optimizer(let v): parameters.experiment.optimizer = v
        case .learningRate(let v): parameters.experiment.learningRate = v
        case .inputLearningRate(let v): parameters.experiment.inputLearningRate = v
        case .inputScale(let v): parameters.experiment.inputScale = v
        case .maxEpochs(let v): parameters.experiment.maxEpochs = v
        case .checkEvery(let v): parameters.experiment.checkEvery = v
        case .metric(let v): parameters.experiment.metric = v
        case .threshold(let v): parameters.experiment.threshold = v
        case .keepGoing(let v): parameters.experiment.keepGoing = v
        case .snapshotEpochs(let v): parameters.experiment.snapshotEpochs = v
        case .sleepMs(let v): parameters.sleepMs = v
        case .failAttempts(let v): parameters.failAttempts = v
        }
    }

    /// What is wrong with this value on its own (the job switches, which `ExperimentConfig`
    /// does not judge); `nil` when it is fine. Experiment values are judged by
    /// `ExperimentConfig.validationProblems()` on every expanded job.
    var ownProblem: String? {
        switch self {
        case .sleepMs(let v) where !(0...Self.maxSleepMs).contains(v):
            "must be between 0 and \(Self.maxSleepMs) (got \(v))"
        case .failAttempts(let v) where !(0...Self.maxFailAttempts).contains(v):
            "must be between 0 and \(Self.maxFailAttempts) (got \(v))"
        default:
            nil
        }
    }
}
