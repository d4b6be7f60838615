import SweepModel

/// A retry re-queueing a sweep's jobs between loop iterations (`ResultStore.retryStep`), what it
/// has re-queued so far, and who waits for the reply: nobody for a retry a restarted coordinator
/// resumes.
struct SweepRetry {
    let sweep: SweepID
    let reply: (route: [UInt8], requestID: UInt64)?
    /// Failed jobs re-queued so far.
    var failed = 0
    /// Cancelled jobs re-queued so far, counting the unplanned positions a reopened sweep
    /// made pending again.
    var cancelled = 0
}
