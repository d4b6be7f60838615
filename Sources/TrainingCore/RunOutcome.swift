/// What one run did, without the configuration it ran with: what a sweep job sends back and the
/// store keeps. The configuration is the job's parameters, which the coordinator and the store
/// hold already, so a result never carries it back; `TrainSummary` (summary.json) is the two
/// together.
public struct RunOutcome: Codable, Sendable, Equatable {
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
    /// The kernel family that ran (`nil` for results recorded before families existed).
    public var kernelFamily: KernelFamily?

    public init(
        status: RunStatus, epochsRun: Int, timeToCluster: [String: ClusterTime?], final: MetricValues,
        trainSeconds: Double, msPerEpoch: Double, kernelFamily: KernelFamily? = nil
    ) {
        self.status = status
        self.epochsRun = epochsRun
        self.timeToCluster = timeToCluster
        self.final = final
        self.trainSeconds = trainSeconds
        self.msPerEpoch = msPerEpoch
        self.kernelFamily = kernelFamily
    }

    /// The same keys as `TrainSummary`'s, so a stored summary that still holds `version` and
    /// `config` (recorded before results left the configuration out) reads as an outcome.
    enum CodingKeys: String, CodingKey {
        case status
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
