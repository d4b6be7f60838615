/// One attempt at one job: the unit that leases, results, acks and aborts refer to, on the wire,
/// in the scheduler and in a worker's hello (the attempts it still holds).
public struct JobAttempt: Codable, Sendable, Hashable {
    public var job: JobID
    /// 1-based attempt number, as the coordinator assigned it.
    public var attempt: Int

    public init(job: JobID, attempt: Int) {
        self.job = job
        self.attempt = attempt
    }
}
