/// Everything one run produced: its summary, the metric curve, the snapshots and the final state.
public struct ExperimentOutcome: Sendable {
    public var summary: TrainSummary
    /// One record per metric check, in epoch order.
    public var curve: [CheckRecord]
    /// The requested snapshot epochs that were reached, plus the last epoch (unless diverged).
    public var snapshots: [Snapshot]
    /// Points, labels and weights after the last epoch.
    public var finalState: ModelState
    /// Whether `onCheck` stopped the run early (then `summary.status` is `censored`).
    public var aborted: Bool
    /// What the metric checks computed and what their bounds spared.
    public var checkWork: CheckWork

    public init(
        summary: TrainSummary, curve: [CheckRecord], snapshots: [Snapshot], finalState: ModelState, aborted: Bool,
        checkWork: CheckWork = CheckWork()
    ) {
        self.summary = summary
        self.curve = curve
        self.snapshots = snapshots
        self.finalState = finalState
        self.aborted = aborted
        self.checkWork = checkWork
    }
}
