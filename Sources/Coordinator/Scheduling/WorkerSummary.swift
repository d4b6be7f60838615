import SweepModel

/// A live worker and its leases, for `clustersweep workers` and `status`.
public struct WorkerSummary: Sendable, Equatable {
    public struct HeldLease: Sendable, Equatable {
        public var job: JobID
        public var attempt: Int
        public var since: MonotonicInstant
        public var running: Bool
    }

    public var worker: WorkerID
    public var slots: Int
    /// How many jobs it may hold at once (slots + prefetch, capped by its credit).
    public var window: Int
    public var connectedAt: MonotonicInstant
    public var lastHeard: MonotonicInstant
    /// Sorted by job id.
    public var leases: [HeldLease]
}
