/// The outcome of one run with the configuration it ran with, as `summary.json` stores it.
///
/// Keys are snake_case and flat: `version`, `config`, then the outcome's keys (`RunOutcome`:
/// `status`, `epochs_run`, `time_to_cluster` with one entry per metric key, `null` where the
/// metric never reached its threshold, `final`, `train_seconds`, `ms_per_epoch`, `kernel_family`).
public struct TrainSummary: Codable, Sendable, Equatable {
    /// Format version of this summary.
    public var version: Int = 1
    /// The resolved configuration (every parameter, derived defaults written out).
    public var config: ExperimentConfig
    /// What the run did: what a sweep job sends back and stores (without `config`).
    public var outcome: RunOutcome

    /// The summary of a run of `config` that ended with `outcome`.
    public init(config: ExperimentConfig, outcome: RunOutcome) {
        self.config = config
        self.outcome = outcome
    }

    public init(
        config: ExperimentConfig, status: RunStatus, epochsRun: Int,
        timeToCluster: [String: ClusterTime?], final: MetricValues,
        trainSeconds: Double, msPerEpoch: Double, kernelFamily: KernelFamily? = nil
    ) {
        self.init(config: config, outcome: RunOutcome(
            status: status, epochsRun: epochsRun, timeToCluster: timeToCluster, final: final,
            trainSeconds: trainSeconds, msPerEpoch: msPerEpoch, kernelFamily: kernelFamily))
    }

    public var status: RunStatus {
        get { outcome.status }
        set { outcome.status = newValue }
    }
    public var epochsRun: Int {
        get { outcome.epochsRun }
        set { outcome.epochsRun = newValue }
    }
    public var timeToCluster: [String: ClusterTime?] {
        get { outcome.timeToCluster }
        set { outcome.timeToCluster = newValue }
    }
    public var final: MetricValues {
        get { outcome.final }
        set { outcome.final = newValue }
    }
    public var trainSeconds: Double { outcome.trainSeconds }
    public var msPerEpoch: Double { outcome.msPerEpoch }
    public var kernelFamily: KernelFamily? {
        get { outcome.kernelFamily }
        set { outcome.kernelFamily = newValue }
    }

    /// Time-to-cluster under `metric`, if reached.
    public func timeToCluster(_ metric: ClusterMetric) -> ClusterTime? { outcome.timeToCluster(metric) }

    enum CodingKeys: String, CodingKey {
        case version, config
    }

    /// One flat object: the outcome's keys beside `version` and `config`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        config = try c.decode(ExperimentConfig.self, forKey: .config)
        outcome = try RunOutcome(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(config, forKey: .config)
        try outcome.encode(to: encoder)
    }
}

/// How a run ended. `censored` means it reached `max_epochs` without clustering: not a failure.
public enum RunStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case clustered, censored, diverged
}

/// When a metric first reached its threshold.
public struct ClusterTime: Codable, Sendable, Hashable {
    /// The first checked epoch at which the metric met its threshold.
    public var epoch: Int
    /// Wall-clock seconds from the start of the run to that check.
    public var seconds: Double

    public init(epoch: Int, seconds: Double) {
        self.epoch = epoch
        self.seconds = seconds
    }
}

/// The loss and the four clustering metrics at one check.
public struct MetricValues: Codable, Sendable, Hashable {
    /// Mean softmax cross-entropy over the points.
    public var loss: Double
    public var ldaSilhouette: Double
    public var knnAccuracy: Double
    public var silhouette: Double
    public var fisherRatio: Double

    public init(loss: Double, ldaSilhouette: Double, knnAccuracy: Double, silhouette: Double, fisherRatio: Double) {
        self.loss = loss
        self.ldaSilhouette = ldaSilhouette
        self.knnAccuracy = knnAccuracy
        self.silhouette = silhouette
        self.fisherRatio = fisherRatio
    }

    enum CodingKeys: String, CodingKey {
        case loss
        case ldaSilhouette = "lda_silhouette"
        case knnAccuracy = "knn_accuracy"
        case silhouette
        case fisherRatio = "fisher_ratio"
    }

    /// Decodes `null` (how a non-finite value is written) as NaN.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value(_ key: CodingKeys) throws -> Double { try c.decodeIfPresent(Double.self, forKey: key) ?? .nan }
        loss = try value(.loss)
        ldaSilhouette = try value(.ldaSilhouette)
        knnAccuracy = try value(.knnAccuracy)
        silhouette = try value(.silhouette)
        fisherRatio = try value(.fisherRatio)
    }

    /// Writes a non-finite value (a diverged run's loss and metrics) as `null`: JSON has no NaN.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(FiniteOrNull(loss), forKey: .loss)
        try c.encode(FiniteOrNull(ldaSilhouette), forKey: .ldaSilhouette)
        try c.encode(FiniteOrNull(knnAccuracy), forKey: .knnAccuracy)
        try c.encode(FiniteOrNull(silhouette), forKey: .silhouette)
        try c.encode(FiniteOrNull(fisherRatio), forKey: .fisherRatio)
    }

    /// The value of one metric.
    public subscript(metric: ClusterMetric) -> Double {
        get {
            switch metric {
            case .ldaSilhouette: ldaSilhouette
            case .knnAccuracy: knnAccuracy
            case .silhouette: silhouette
            case .fisherRatio: fisherRatio
            }
        }
        set {
            switch metric {
            case .ldaSilhouette: ldaSilhouette = newValue
            case .knnAccuracy: knnAccuracy = newValue
            case .silhouette: silhouette = newValue
            case .fisherRatio: fisherRatio = newValue
            }
        }
    }
}
