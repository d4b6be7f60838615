import SweepModel

/// A job's current attempt: which worker holds it and until when, so exactly one worker at a time
/// is entitled to run it.
struct Lease: Sendable, Equatable {
    var worker: WorkerID
    var attempt: Int
    var startedAt: MonotonicInstant
    /// When the job timeout ends the lease; `nil` when the sweep has no timeout.
    var deadline: MonotonicInstant?
    /// Whether a progress message showed the job running (the timeout restarts then, once).
    var running: Bool
    /// Restored from the store after a restart: its worker has not said hello yet.
    var provisional: Bool
}
