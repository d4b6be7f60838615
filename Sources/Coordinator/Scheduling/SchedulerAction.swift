import SweepModel
import SweepStore

/// One thing the event loop must do because of an event: persist, send, or log.
///
/// Every array of actions the scheduler returns lists all persistence actions first, then the
/// messages, then the log lines. The loop commits the persistence actions (of one or several
/// events) in one transaction and only then sends the messages, so nothing is acknowledged or
/// assigned before the store holds it. If the commit fails, the loop must stop and restart from
/// the store (`Scheduler.restored`), because the scheduler's memory is already ahead of it.
public enum SchedulerAction: Sendable, Equatable {
    // MARK: Persistence (commit before sending anything)

    /// A change for the store, in the store's own vocabulary. Every change of one loop iteration
    /// is committed in one transaction before any message of that iteration is sent. A job put
    /// back in the queue needs no change: the store requeues it when its attempt ends, and
    /// reopens cancelled jobs of a resubmitted sweep when it is submitted.
    case persist(StoreChange)

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
        if case .persist = self { true } else { false }
    }
}
