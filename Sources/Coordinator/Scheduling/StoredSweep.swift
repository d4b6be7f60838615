import SweepModel

/// A sweep with its jobs as the store holds them: the input of `Scheduler.restored` and of
/// `sweepSubmitted`.
public struct StoredSweep: Sendable {
    public var record: SweepRecord
    /// The sweep's jobs in plan order, with status and attempt history (dates are ignored).
    public var jobs: [JobRecord]
    /// The jobs a retry under way will re-queue but has not reached, by status
    /// (`ResultStore.retriesInProgress`); `nil` when no retry is under way. While it is, the
    /// sweep stays open until `Scheduler.retryEnded`, whatever its jobs' statuses.
    public var awaitingRetry: JobStatusCounts?

    public init(record: SweepRecord, jobs: [JobRecord], awaitingRetry: JobStatusCounts? = nil) {
        self.record = record
        self.jobs = jobs
        self.awaitingRetry = awaitingRetry
    }
}
