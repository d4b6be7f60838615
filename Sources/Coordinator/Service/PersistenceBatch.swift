import Foundation
import SweepModel
import SweepStore

/// The persistence actions of one loop iteration, turned into the `StoreChange`s of ONE
/// `ResultStore.apply` (the group commit), plus what the sweep directory learns once they are
/// committed.
struct PersistenceBatch {
    private(set) var changes: [StoreChange] = []
    private var finishedSweeps: [SweepID] = []
    private var cancelledSweeps: Set<SweepID> = []
    /// Results per worker, counted once committed.
    private(set) var resultsByWorker: [WorkerID: Int] = [:]

    var isEmpty: Bool { changes.isEmpty && finishedSweeps.isEmpty && cancelledSweeps.isEmpty }

    /// Adds a persistence action (other actions are ignored). `directory` tells whether a sweep
    /// is already marked cancelled, so a cancellation is written once per sweep.
    mutating func add(_ action: SchedulerAction, at date: Date, directory: SweepDirectory) {
        switch action {
        case .persistAttemptStarted(let job, let attempt, let worker):
            changes.append(.attemptStarted(job: job, number: attempt, worker: worker, at: date))
        case .persistAttemptEnded(let job, let attempt, let outcome, let error):
            changes.append(.attemptEnded(job: job, number: attempt, outcome: outcome, error: error, at: date))
        case .persistResult(let job, let attempt, let worker, let result):
            changes.append(.resultRecorded(job: job, attempt: attempt, result: result, at: date))
            resultsByWorker[worker, default: 0] += 1
        case .persistJobRequeued:
            // The store puts a job back to `pending` itself when its attempt ends without a result
            // (`attemptEnded`), and reopens cancelled jobs of a resubmitted sweep in `submit`: there
            // is nothing left to write.
            break
        case .persistJobFailed(let job, let error):
            changes.append(.jobFailed(job: job, error: error, at: date))
        case .persistCancelled(let sweep, let jobs):
            if !jobs.isEmpty { changes.append(.jobsCancelled(jobs, at: date)) }
            if !directory.isCancelled(sweep) && !cancelledSweeps.contains(sweep) {
                // The scheduler listed every job to cancel (those no live sweep shares).
                changes.append(.sweepFlaggedCancelled(sweep, at: date))
                cancelledSweeps.insert(sweep)
            }
        case .persistSweepFinished(let sweep):
            changes.append(.sweepFinished(sweep, at: date))
            finishedSweeps.append(sweep)
        default:
            break
        }
    }

    /// Records in the directory what the committed batch changed about sweeps.
    func committed(into directory: inout SweepDirectory, at date: Date) {
        for sweep in cancelledSweeps { directory.markCancelled(sweep) }
        for sweep in finishedSweeps { directory.markFinished(sweep, at: date) }
    }
}
