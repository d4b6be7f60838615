import Foundation
import SweepModel

/// One state change the coordinator commits through `ResultStore.apply`, batched so a whole loop
/// iteration's changes cost one transaction.
public enum StoreChange: Sendable, Equatable {
    /// A job was leased to `worker` as attempt `number` (1-based); the job becomes `running`.
    case attemptStarted(job: JobID, number: Int, worker: WorkerID, at: Date)
    /// An attempt ended without a result (`error`, `expired`, `released`); the job goes back to
    /// `pending` unless another attempt of it still runs. Ending an attempt twice keeps the first end.
    case attemptEnded(job: JobID, number: Int, outcome: AttemptRecord.Outcome, error: String?, at: Date)
    /// A worker returned `result` for `attempt`. Written once: a job that already has a result
    /// keeps it, and the change is reported in `ApplyReport.duplicateResults`. The attempt is
    /// marked `completed` if it was still running.
    case resultRecorded(job: JobID, attempt: Int, result: JobResult, at: Date)
    /// The job ran out of attempts; it becomes `failed` with `error` kept (unless it has a result).
    case jobFailed(job: JobID, error: String, at: Date)
    /// These jobs will not run: `pending` and `running` ones become `cancelled`.
    case jobsCancelled([JobID], at: Date)
    /// The sweep is cancelled; its jobs that are not final and not needed by another open sweep
    /// become `cancelled`.
    case sweepCancelled(SweepID, at: Date)
    /// The sweep is cancelled, and the caller lists its jobs to cancel in a `jobsCancelled` of the
    /// same batch (the coordinator does): only the flag is written, so cancelling costs the jobs
    /// listed (at most the planning window and the running ones), not a scan of the sweep.
    case sweepFlaggedCancelled(SweepID, at: Date)
    /// Every job of the sweep reached a final status (the first time is kept).
    case sweepFinished(SweepID, at: Date)
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
