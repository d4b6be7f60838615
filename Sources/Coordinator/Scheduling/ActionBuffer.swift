import SweepModel
import SweepStore

/// Collects one event's actions in their three groups and batches messages per worker, so the
/// result always reads: persistence, then messages, then logs.
struct ActionBuffer {
    private(set) var persistence: [SchedulerAction] = []
    private var aborts: [(worker: WorkerID, jobs: [JobID])] = []
    private var acks: [(worker: WorkerID, jobs: [JobID])] = []
    private var assigns: [(worker: WorkerID, assignments: [JobAssignment])] = []
    private var others: [SchedulerAction] = []
    private var logs: [SchedulerAction] = []

    mutating func persist(_ change: StoreChange) { persistence.append(.persist(change)) }
    mutating func log(_ action: SchedulerAction) { logs.append(action) }
    mutating func message(_ action: SchedulerAction) { others.append(action) }

    mutating func abort(_ job: JobID, on worker: WorkerID) {
        if let i = aborts.lastIndex(where: { $0.worker == worker }) {
            aborts[i].jobs.append(job)
        } else {
            aborts.append((worker, [job]))
        }
    }

    mutating func ack(_ jobs: [JobID], to worker: WorkerID) {
        guard !jobs.isEmpty else { return }
        acks.append((worker, jobs))
    }

    mutating func assign(_ assignments: [JobAssignment], to worker: WorkerID) {
        guard !assignments.isEmpty else { return }
        assigns.append((worker, assignments))
    }

    /// Whether a message to `worker` is among the actions.
    func hasMessages(for worker: WorkerID) -> Bool {
        aborts.contains { $0.worker == worker } || acks.contains { $0.worker == worker }
            || assigns.contains { $0.worker == worker }
    }

    /// The actions in the order the loop must perform them. Aborts precede assignments, so a
    /// worker given a job again after its lease was aborted stops the old attempt first.
    func actions() -> [SchedulerAction] {
        var all = persistence
        all.reserveCapacity(persistence.count + aborts.count + acks.count + assigns.count + others.count + logs.count)
        for a in aborts { all.append(.sendAbort(worker: a.worker, jobs: a.jobs)) }
        for a in acks { all.append(.sendAck(worker: a.worker, jobs: a.jobs)) }
        for a in assigns { all.append(.sendAssign(worker: a.worker, assignments: a.assignments)) }
        all += others
        all += logs
        return all
    }
}
