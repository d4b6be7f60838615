import SweepModel

/// One state change the coordinator commits through `ResultStore.apply`, batched so a whole loop
/// iteration's changes cost one transaction. The scheduler decides them (`SchedulerAction.persist`)
/// and the store writes them: this is the one vocabulary of both. A batch commits at one moment,
/// so the time is `apply`'s, not each change's.
public enum StoreChange: Sendable, Equatable {
    /// A job was leased to `worker` as attempt `number` (1-based); the job becomes `running`.
    case attemptStarted(job: JobID, number: Int, worker: WorkerID)
    /// An attempt ended without a result (`error`, `expired`, `released`); the job goes back to
    /// `pending` unless another attempt of it still runs (the store requeues it: there is no
    /// separate change for that). Ending an attempt twice keeps the first end.
    case attemptEnded(job: JobID, number: Int, outcome: AttemptRecord.Outcome, error: String?)
    /// A worker returned `result` for `attempt`. Written once: a job that already has a result
    /// keeps it, and the change is reported in `ApplyReport.duplicateResults`. The attempt is
    /// marked `completed` if it was still running (or had expired: the result proves it ran).
    case resultRecorded(job: JobID, attempt: Int, result: JobResult)
    /// The job ran out of attempts; it becomes `failed` with `error` kept (unless it has a result).
    case jobFailed(job: JobID, error: String)
    /// These jobs will not run: `pending` and `running` ones become `cancelled`.
    case jobsCancelled([JobID])
    /// The sweep is cancelled. Only the sweep's flag is written: the caller lists the jobs to
    /// cancel (those no other open sweep needs) in a `jobsCancelled` of the same batch, so
    /// cancelling costs the jobs listed (at most the planning window and the running ones), not a
    /// scan of the sweep.
    case sweepCancelled(SweepID)
    /// Every job of the sweep reached a final status (the first time is kept).
    case sweepFinished(SweepID)
}

/// What `ResultStore.apply` did not apply, for the coordinator to log.
public struct ApplyReport: Sendable, Equatable {
    /// Jobs whose result was already recorded: the new one was dropped, the stored one kept.
    public var duplicateResults: [JobID] = []
    /// Changes that could not apply: an unknown job or sweep, an attempt number already started,
    /// an attempt that does not exist, a result whose status is not a completion.
    public var ignored: [StoreChange] = []

    public init(duplicateResults: [JobID] = [], ignored: [StoreChange] = []) {
        self.duplicateResults = duplicateResults
        self.ignored = ignored
    }
}
