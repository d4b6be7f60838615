/// Every parameter of one run of the paper's experiment, with the defaults pinned in the README.
///
/// Each option is declared once, in `options` below: its key (snake_case in files, JSON and CSV
/// columns, `--kebab-case` as a flag), default, valid values, help and documentation. The CLI's
/// flags, sweep-file keys, validation, encoding (and so job ids), report columns and the docs
/// tables are derived from that list. To add an option: add its property here with its default,
/// add its entry to `options` (with `omittedAtDefault: true`, so existing job ids stay), add its
/// `@Option` line to `TrainCommand`, and use it.
///
/// `inputScale` and `threshold` are optional because their defaults derive from other fields;
/// `resolved()` fills them in, and a resolved config is what summaries, state files and job ids
/// carry.
public struct ExperimentConfig: Codable, Sendable, Hashable, OptionRoot {
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

    public static var defaults: ExperimentConfig { ExperimentConfig() }

    /// Largest sizes accepted; beyond them a run would take hours or exhaust memory.
    public static let maxPoints = 1_000_000
    public static let maxDimension = 4096
    public static let maxWidth = 65_536

    // MARK: - The declaration of every option

    /// Every option, in the order of encodings, validation and the documentation tables.
    public static let options: [ExperimentOption] = [
        .stored(
            "points", \.points, help: "Number of points N.",
            meaning: "points N", rule: .between(1, maxPoints)),
        .stored(
            "dimension", \.dimension, help: "Features per point D.",
            meaning: "features per point D", rule: .between(1, maxDimension)),
        .stored(
            "classes", \.classes, help: "Number of classes; labels are uniform in 0..<classes.",
            meaning: "classes; each point's label is uniform in `0..<classes`",
            rule: OptionRule(accepted: "2...`points`") { classes, config in
                (classes >= 2 ? [] : [.init("must be at least 2 (got \(classes))")])
                    + (classes <= config.points ? [] : [.init("must not exceed points (\(classes) > \(config.points))")])
            },
            relatedKeys: ["points"]),
        .stored(
            "range", \.range, help: "Raw coordinates are uniform in [-range, range].",
            meaning: "raw coordinates are uniform in [-range, range)", rule: .finitePositive),
        .stored(
            "seed", \.seed, help: "Seed of the PRNG (data first, then weights).",
            meaning: "seed of our own PRNG (xoshiro256** seeded by SplitMix64), which draws the data first, then the weights",
            isSweepKey: false),
        .stored(
            "hidden", \.hidden, help: "Hidden layer widths, comma-separated.",
            meaning: "widths of the hidden layers (in a grid: a list of lists, `[[16, 16], [32]]`)",
            rule: OptionRule.nonEmpty("needs at least one hidden layer").and(.each(.between(1, maxWidth), reasonPrefix: "layer width "))),
        .stored(
            "activation", \.activation, help: "Hidden activation: tanh or relu.",
            meaning: "activation of the hidden layers; the last layer is linear"),
        .stored(
            "optimizer", \.optimizer, help: "Weight optimizer: adam or sgd.",
            meaning: "weight update rule; `adam` follows PyTorch (beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected)"),
        .stored(
            "learning_rate", \.learningRate, help: "Step size of the weight optimizer.",
            meaning: "weight optimizer step", rule: .finitePositive),
        .stored(
            "input_learning_rate", \.inputLearningRate, help: "Step size of gradient descent on the points (on the summed loss).",
            meaning: "step of gradient descent on the points (on the summed loss)", rule: .finiteNonNegative),
        .derived(
            "input_scale", \.inputScale,
            derivedDefault: DerivedDefault(text: "1 / `range`", argument: "1/range") { 1 / $0.range },
            help: "The network sees raw points times this.",
            meaning: "the network sees `raw * input_scale`", rule: .finitePositive, relatedKeys: ["range"]),
        .stored(
            "max_epochs", \.maxEpochs, help: "Epochs after which an unclustered run is censored.",
            meaning: "epochs after which an unclustered run is censored", rule: .atLeast(0)),
        .stored(
            "check_every", \.checkEvery, help: "Compute the metrics every this many epochs (and at epoch 0).",
            meaning: "epochs between metric checks (and a check at epoch 0)", rule: .atLeast(1)),
        .stored(
            "metric", \.metric,
            help: "Stopping criterion: lda-silhouette, knn-accuracy, silhouette or fisher-ratio.",
            meaning: "the stopping criterion (the snake_case spellings, `lda_silhouette`, are accepted too)"),
        .derived(
            "threshold", \.threshold,
            derivedDefault: DerivedDefault(
                text: "the metric's default ("
                    + ClusterMetric.allCases.map { OptionValue.shortest($0.defaultThreshold) }.joined(separator: ", ") + ")",
                argument: ClusterMetric.allCases.map { "\(OptionValue.shortest($0.defaultThreshold)) \($0.rawValue)" }
                    .joined(separator: ", ")
            ) { $0.metric.defaultThreshold },
            help: "Threshold of the criterion.",
            meaning: "the criterion's threshold", rule: .finite, relatedKeys: ["metric"]),
        .stored(
            "keep_going", \.keepGoing, help: "Keep training after the criterion is reached, until --max-epochs.",
            meaning: "keep training after the criterion is reached, until `max_epochs`"),
        .stored(
            "snapshot_epochs", \.snapshotEpochs,
            help: "Epochs whose points are plotted (with --out), comma-separated; the last epoch is always added.",
            meaning: "epochs whose points are kept for scatter plots", rule: .each(.atLeast(0))),
    ]

    /// The option with this key, if any.
    public static func option(_ key: String) -> ExperimentOption? {
        options.first { $0.key == key }
    }

    /// The effective input scale (`1 / range` unless set, as `options` declares).
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
        for option in Self.options {
            option.resolve(&copy)
        }
        return copy
    }
}

/// Activation of the hidden layers.
public enum Activation: String, Codable, Sendable, Hashable, CaseIterable, OptionChoice {
    case tanh, relu
}

/// Weight update rule. `adam` follows PyTorch (beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected).
public enum Optimizer: String, Codable, Sendable, Hashable, CaseIterable, OptionChoice {
    case adam, sgd
}

/// A measure of how well the points have formed one cluster per class.
///
/// The raw value is the spelling users write (`--metric lda-silhouette`, `metric: lda-silhouette`);
/// `key` is the snake_case name used as a JSON key and CSV column (`lda_silhouette`). Decoding
/// accepts either spelling.
public enum ClusterMetric: String, Codable, Sendable, Hashable, CaseIterable, Comparable, OptionChoice {
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
