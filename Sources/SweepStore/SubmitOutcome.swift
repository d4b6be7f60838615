import SweepModel

/// What `ResultStore.submit` did: created the sweep or found it already there, and how its jobs
/// relate to jobs the store already held.
public struct SubmitOutcome: Sendable, Equatable {
    /// The sweep as stored (for a resubmission: the original record, unchanged).
    public var sweep: SweepRecord
    /// True when the sweep id was already in the store: nothing was changed.
    public var alreadySubmitted: Bool
    /// Jobs new to the store, now `pending`.
    public var insertedJobs: Int
    /// Jobs the store already held from other sweeps: linked, keeping their status and result.
    public var sharedJobs: Int
    /// Shared jobs that had been `cancelled` with an earlier sweep and are `pending` again.
    public var reopenedJobs: [JobID]
    /// The sweep's jobs per status after the submission (every status present, zeros included).
    public var counts: [JobStatus: Int]

    public init(
        sweep: SweepRecord, alreadySubmitted: Bool, insertedJobs: Int, sharedJobs: Int,
        reopenedJobs: [JobID], counts: [JobStatus: Int]
    ) {
        self.sweep = sweep
        self.alreadySubmitted = alreadySubmitted
        self.insertedJobs = insertedJobs
        self.sharedJobs = sharedJobs
        self.reopenedJobs = reopenedJobs
        self.counts = counts
    }
}
