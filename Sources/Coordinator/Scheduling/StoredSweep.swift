import SweepModel

/// A sweep with its jobs as the store holds them: the input of `Scheduler.restored` and of
/// `sweepSubmitted`.
public struct StoredSweep: Sendable {
    public var record: SweepRecord
    /// The sweep's jobs in plan order, with status and attempt history (dates are ignored).
    public var jobs: [JobRecord]
    /// A retry of the sweep is under way (`ResultStore.retriesInProgress`): it stays open until
    /// `Scheduler.retryEnded`, whatever its jobs' statuses.
    public var requeueing: Bool

    public init(record: SweepRecord, jobs: [JobRecord], requeueing: Bool = false) {
        self.record = record
        self.jobs = jobs
        self.requeueing = requeueing
    }
}
