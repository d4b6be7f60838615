/// The loss and the four metrics at one metric check, with the wall-clock time since the run
/// began: one row of `curve.csv`.
public struct CheckRecord: Sendable, Equatable {
    /// Epochs trained before this check (0 = the initial state).
    public var epoch: Int
    /// Seconds from the start of the run to the end of this check.
    public var seconds: Double
    public var values: MetricValues

    public init(epoch: Int, seconds: Double, values: MetricValues) {
        self.epoch = epoch
        self.seconds = seconds
        self.values = values
    }
}
