import Foundation
import SweepModel
import SweepStore

/// The store changes of one loop iteration, for ONE `ResultStore.apply` (the group commit), plus
/// what the sweep directory and the worker counts learn once they are committed.
struct PersistenceBatch {
    private(set) var changes: [StoreChange] = []
    private var finishedSweeps: [SweepID] = []
    private var cancelledSweeps: Set<SweepID> = []
    /// Results per worker, counted once committed.
    private(set) var resultsByWorker: [WorkerID: Int] = [:]

    var isEmpty: Bool { changes.isEmpty }

    /// Adds a change the scheduler decided. `reporter` is the worker whose reports caused it (a
    /// recorded result counts for that worker). `directory` tells whether a sweep is already
    /// marked cancelled, so its flag is written once.
    mutating func add(_ change: StoreChange, deliveredBy reporter: WorkerID? = nil, directory: SweepDirectory) {
        switch change {
        case .resultRecorded:
            if let reporter { resultsByWorker[reporter, default: 0] += 1 }
        case .sweepCancelled(let sweep):
            guard !directory.isCancelled(sweep), cancelledSweeps.insert(sweep).inserted else { return }
        case .jobsCancelled(let jobs):
            guard !jobs.isEmpty else { return }
        case .sweepFinished(let sweep):
            finishedSweeps.append(sweep)
        case .attemptStarted, .attemptEnded, .jobFailed:
            break
        }
        changes.append(change)
    }

    /// Records in the directory what the committed batch changed about sweeps.
    func committed(into directory: inout SweepDirectory, at date: Date) {
        for sweep in cancelledSweeps { directory.markCancelled(sweep) }
        for sweep in finishedSweeps { directory.markFinished(sweep, at: date) }
    }
}
