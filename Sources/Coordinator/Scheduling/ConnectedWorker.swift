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

    /// How many jobs it may hold: its credit, at most `slots + maxPrefetch`; before it stated a
    /// credit, `slots + prefetch`; 0 with 0 slots.
    func window(prefetch: Int, maxPrefetch: Int) -> Int {
        guard slots > 0 else { return 0 }
        guard let credit else { return slots + max(0, prefetch) }
        return min(credit, slots + max(0, prefetch, maxPrefetch))
    }
}

/// Leases restored from the store for a worker that has not said hello since the restart.
struct ProvisionalHolder: Sendable {
    var jobs: Set<Int>
    var deadline: MonotonicInstant
}
