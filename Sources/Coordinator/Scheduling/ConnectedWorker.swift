import SweepModel

/// A live worker as the scheduler sees it: capacity, leases, and when it was last heard from.
struct ConnectedWorker: Sendable {
    var slots: Int
    /// The most jobs the worker asked to hold at once (`workerCredit`); `nil`: no limit of its own.
    var credit: Int?
    /// Indices of the jobs leased to it.
    var leases: Set<Int> = []
    var connectedAt: MonotonicInstant
    var lastHeard: MonotonicInstant
    var lastSent: MonotonicInstant
    /// Whether it has an entry in the scheduler's queue of workers wanting jobs.
    var queuedForWork = false

    /// How many jobs it may hold: slots plus prefetch, capped by its credit; 0 with 0 slots.
    func window(prefetch: Int) -> Int {
        guard slots > 0 else { return 0 }
        let window = slots + max(0, prefetch)
        return credit.map { min($0, window) } ?? window
    }
}

/// Leases restored from the store for a worker that has not said hello since the restart.
struct ProvisionalHolder: Sendable {
    var jobs: Set<Int>
    var deadline: MonotonicInstant
}
