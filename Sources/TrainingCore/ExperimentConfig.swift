/// Every parameter of one run of the paper's experiment, with the defaults pinned in the README.
///
/// The JSON/YAML keys are the snake_case names below (`input_learning_rate`); the CLI spells them
/// in kebab-case (`--input-learning-rate`). `inputScale` and `threshold` are optional here because
/// their defaults derive from other fields; `resolved()` fills them in, and a resolved config is
/// what summaries, state files and job ids carry.
public struct ExperimentConfig: Codable, Sendable, Hashable {
    /// Number of points N.
    public var points: Int = 500
    /// Features per point D.
    public var dimension: Int = 2
    /// Number of classes; each point's label is uniform in `0..<classes`.
    public var classes: Int = 3
    /// Raw coordinates are uniform in `[-range, range]`.
    public var range: Double = 1000
    /// Seed of the PRNG that draws data first, then weights.
    public var seed: UInt64 = 0
    /// Widths of the hidden layers.
    public var hidden: [Int] = [16, 16]
    /// Activation of the hidden layers; the last layer is linear.
    public var activation: Activation = .tanh
    /// Weight update rule.
    public var optimizer: Optimizer = .adam
    /// Step size of the weight optimizer.
    public var learningRate: Double = 3e-5
    /// Step size of plain gradient descent on the points, applied to the summed loss's gradient.
    public var inputLearningRate: Double = 1e-3
    /// The network sees `raw * inputScale`; `nil` means `1 / range`.
    public var inputScale: Double? = nil
    /// Epochs after which an unclustered run is censored.
    public var maxEpochs: Int = 15000
    /// Metrics are computed every `checkEvery` epochs (and at epoch 0).
    public var checkEvery: Int = 25
    /// The criterion that stops the run.
    public var metric: ClusterMetric = .ldaSilhouette
    /// The criterion's threshold; `nil` means the metric's default.
    public var threshold: Double? = nil
    /// Keep training after the criterion is reached (until `maxEpochs`).
    public var keepGoing: Bool = false
    /// Epochs at which the points are kept for scatter plots.
    public var snapshotEpochs: [Int] = [0, 500, 1000]

    public init() {}

    enum CodingKeys: String, CodingKey {
        case points, dimension, classes, range, seed, hidden, activation, optimizer
        case learningRate = "learning_rate"
        case inputLearningRate = "input_learning_rate"
        case inputScale = "input_scale"
        case maxEpochs = "max_epochs"
        case checkEvery = "check_every"
        case metric, threshold
        case keepGoing = "keep_going"
        case snapshotEpochs = "snapshot_epochs"
    }

    /// Decodes with every absent key taking its default, so a partial file is a valid config.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ExperimentConfig()
        points = try c.decodeIfPresent(Int.self, forKey: .points) ?? d.points
        dimension = try c.decodeIfPresent(Int.self, forKey: .dimension) ?? d.dimension
        classes = try c.decodeIfPresent(Int.self, forKey: .classes) ?? d.classes
        range = try c.decodeIfPresent(Double.self, forKey: .range) ?? d.range
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        hidden = try c.decodeIfPresent([Int].self, forKey: .hidden) ?? d.hidden
        activation = try c.decodeIfPresent(Activation.self, forKey: .activation) ?? d.activation
        optimizer = try c.decodeIfPresent(Optimizer.self, forKey: .optimizer) ?? d.optimizer
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        inputLearningRate = try c.decodeIfPresent(Double.self, forKey: .inputLearningRate) ?? d.inputLearningRate
        inputScale = try c.decodeIfPresent(Double.self, forKey: .inputScale)
        maxEpochs = try c.decodeIfPresent(Int.self, forKey: .maxEpochs) ?? d.maxEpochs
        checkEvery = try c.decodeIfPresent(Int.self, forKey: .checkEvery) ?? d.checkEvery
        metric = try c.decodeIfPresent(ClusterMetric.self, forKey: .metric) ?? d.metric
        threshold = try c.decodeIfPresent(Double.self, forKey: .threshold)
        keepGoing = try c.decodeIfPresent(Bool.self, forKey: .keepGoing) ?? d.keepGoing
        snapshotEpochs = try c.decodeIfPresent([Int].self, forKey: .snapshotEpochs) ?? d.snapshotEpochs
    }

    /// The effective input scale (`1 / range` unless set).
    public var effectiveInputScale: Double { inputScale ?? 1 / range }

    /// The effective threshold of the stopping criterion.
    public var effectiveThreshold: Double { threshold ?? metric.defaultThreshold }

    /// The paper's raw-unit input step: `alpha = input_learning_rate * N / input_scale^2`.
    public var paperAlpha: Double {
        inputLearningRate * Double(points) / (effectiveInputScale * effectiveInputScale)
    }

    /// A copy with every derived default written out, as summaries and job ids record it.
    public func resolved() -> ExperimentConfig {
        var copy = self
        copy.inputScale = effectiveInputScale
        copy.threshold = effectiveThreshold
        return copy
    }
}

/// Activation of the hidden layers.
public enum Activation: String, Codable, Sendable, Hashable, CaseIterable {
    case tanh, relu
}

/// Weight update rule. `adam` follows PyTorch (beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected).
public enum Optimizer: String, Codable, Sendable, Hashable, CaseIterable {
    case adam, sgd
}

/// A measure of how well the points have formed one cluster per class.
///
/// The raw value is the spelling users write (`--metric lda-silhouette`, `metric: lda-silhouette`);
/// `key` is the snake_case name used as a JSON key and CSV column (`lda_silhouette`). Decoding
/// accepts either spelling.
public enum ClusterMetric: String, Codable, Sendable, Hashable, CaseIterable, Comparable {
    case ldaSilhouette = "lda-silhouette"
    case knnAccuracy = "knn-accuracy"
    case silhouette = "silhouette"
    case fisherRatio = "fisher-ratio"

    /// The snake_case name used as a JSON key and CSV column.
    public var key: String { String(rawValue.map { $0 == "-" ? "_" : $0 }) }

    /// Parses either the kebab-case or the snake_case spelling.
    public init?(name: String) {
        guard let metric = ClusterMetric(rawValue: String(name.map { $0 == "_" ? "-" : $0 })) else {
            return nil
        }
        self = metric
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let metric = ClusterMetric(name: name) else {
            let known = ClusterMetric.allCases.map(\.rawValue).joined(separator: ", ")
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "unknown metric '\(name)' (known: \(known))")
        }
        self = metric
    }

    /// The threshold at which a run counts as clustered under this metric.
    public var defaultThreshold: Double {
        switch self {
        case .ldaSilhouette: 0.5
        case .knnAccuracy: 0.95
        case .silhouette: 0.5
        case .fisherRatio: 2.0
        }
    }

    public static func < (lhs: ClusterMetric, rhs: ClusterMetric) -> Bool {
        lhs.order < rhs.order
    }

    /// Position in reports and tables: the default criterion first.
    private var order: Int {
        switch self {
        case .ldaSilhouette: 0
        case .knnAccuracy: 1
        case .silhouette: 2
        case .fisherRatio: 3
        }
    }
}
