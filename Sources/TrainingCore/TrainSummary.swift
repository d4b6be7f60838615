/// The outcome of one run, as `summary.json` stores it and as a sweep records each train job.
///
/// Keys are snake_case; `time_to_cluster` has one entry per metric (its `key`), `null` when the
/// metric never reached its threshold during the run.
public struct TrainSummary: Codable, Sendable, Equatable {
    /// Format version of this summary.
    public var version: Int = 1
    /// The resolved configuration (every parameter, derived defaults written out).
    public var config: ExperimentConfig
    public var status: RunStatus
    /// Epochs trained (the last epoch whose update was applied).
    public var epochsRun: Int
    /// Time-to-cluster per metric key, `nil` where the threshold was never reached.
    public var timeToCluster: [String: ClusterTime?]
    /// Loss and metrics at the last check.
    public var final: MetricValues
    /// Wall-clock seconds of the whole run, checks included.
    public var trainSeconds: Double
    /// `trainSeconds` per epoch, in milliseconds.
    public var msPerEpoch: Double
    /// The kernel family that ran (`nil` in summaries written before families existed).
    public var kernelFamily: KernelFamily?

    public init(
        config: ExperimentConfig, status: RunStatus, epochsRun: Int,
        timeToCluster: [String: ClusterTime?], final: MetricValues,
        trainSeconds: Double, msPerEpoch: Double, kernelFamily: KernelFamily? = nil
    ) {
        self.config = config
        self.status = status
        self.epochsRun = epochsRun
        self.timeToCluster = timeToCluster
        self.final = final
        self.trainSeconds = trainSeconds
        self.msPerEpoch = msPerEpoch
        self.kernelFamily = kernelFamily
    }

    enum CodingKeys: String, CodingKey {
        case version, config, status
        case epochsRun = "epochs_run"
        case timeToCluster = "time_to_cluster"
        case final
        case trainSeconds = "train_seconds"
        case msPerEpoch = "ms_per_epoch"
        case kernelFamily = "kernel_family"
    }

    /// Time-to-cluster under `metric`, if reached.
    public func timeToCluster(_ metric: ClusterMetric) -> ClusterTime? {
        timeToCluster[metric.key] ?? nil
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
