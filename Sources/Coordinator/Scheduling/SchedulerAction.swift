import SweepModel

/// One thing the event loop must do because of an event: persist, send, or log.
///
/// Every array of actions the scheduler returns lists all persistence actions first, then the
/// messages, then the log lines. The loop commits the persistence actions (of one or several
/// events) in one transaction and only then sends the messages, so nothing is acknowledged or
/// assigned before the store holds it. If the commit fails, the loop must stop and restart from
/// the store (`Scheduler.restored`), because the scheduler's memory is already ahead of it.
public enum SchedulerAction: Sendable, Equatable {
    // MARK: Persistence (commit before sending anything)

    /// A new attempt: `attempt` of `job` is leased to `worker`; the job's status becomes `running`.
    case persistAttemptStarted(job: JobID, attempt: Int, worker: WorkerID)
    /// The attempt ended without a result (`error`, `expired` or `released`). The job's status is
    /// set by the action that follows it (`persistJobRequeued`, `persistJobFailed`,
    /// `persistCancelled`), or stays as it is when a result superseded the attempt.
    case persistAttemptEnded(job: JobID, attempt: Int, outcome: AttemptRecord.Outcome, error: String?)
    /// The job's one result, delivered by `attempt` on `worker`: the job takes the result's status
    /// and that attempt becomes `completed`, even if it had been recorded `expired` before.
    case persistResult(job: JobID, attempt: Int, worker: WorkerID, result: JobResult)
    /// The job is `pending` again (back in the queue after an attempt ended, or reopened because a
    /// new live sweep contains a cancelled job).
    case persistJobRequeued(job: JobID)
    /// The job is `failed` after `max_attempts` attempts; `error` is the last attempt's error.
    case persistJobFailed(job: JobID, error: String)
    /// The sweep is cancelled, and so are these jobs of it (those no live sweep shares).
    case persistCancelled(sweep: SweepID, jobs: [JobID])
    /// Every job of the sweep is final (or the sweep was cancelled).
    case persistSweepFinished(sweep: SweepID)

    // MARK: Messages to workers (after the commit)

    /// Run these attempts (one message per worker and event).
    case sendAssign(worker: WorkerID, assignments: [JobAssignment])
    /// The worker may forget these jobs' reports: recorded, or recorded as duplicate or rejected.
    case sendAck(worker: WorkerID, jobs: [JobID])
    /// Stop these jobs: their lease ended (timeout, cancellation, result from elsewhere).
    case sendAbort(worker: WorkerID, jobs: [JobID])
    /// Nothing else was sent to the worker for a heartbeat interval.
    case sendHeartbeat(worker: WorkerID)
    /// The coordinator does not know this worker (declared dead, or restarted): say hello again.
    case sendReconnect(worker: WorkerID)

    // MARK: Log lines

    /// A result for a job already completed was dropped.
    case logDuplicate(worker: WorkerID, job: JobID, attempt: Int)
    /// A report was not recorded, for `reason`.
    case logRejected(worker: WorkerID, job: JobID, attempt: Int, reason: ReportRejection)
    /// A lease ended because its worker went silent or the job ran past its timeout.
    case logLeaseExpired(worker: WorkerID, job: JobID, attempt: Int, reason: String)
    /// The worker missed its heartbeats and is forgotten.
    case logWorkerDead(worker: WorkerID)

    /// Whether the loop must commit this action to the store before sending any message.
    public var isPersistence: Bool {
        switch self {
        case .persistAttemptStarted, .persistAttemptEnded, .persistResult, .persistJobRequeued,
            .persistJobFailed, .persistCancelled, .persistSweepFinished:
            true
        default: false
        }
    }

    /// Whether this action sends a message to a worker.
    public var isMessage: Bool {
        switch self {
        case .sendAssign, .sendAck, .sendAbort, .sendHeartbeat, .sendReconnect: true
        default: false
        }
    }
}
