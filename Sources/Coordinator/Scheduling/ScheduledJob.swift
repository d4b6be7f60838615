import SweepModel

/// The scheduler's memory of one job: status, current lease and attempt history, shared by every
/// sweep that contains the job so that it runs once.
struct ScheduledJob: Sendable {
    let id: JobID
    var parameters: JobParameters
    /// Invariant: `.running` exactly when `lease != nil`.
    var status: JobStatus
    /// The first sweep (in submission order) containing the job.
    var primarySweep: Int
    /// Later sweeps containing it, ascending (usually empty, which costs no allocation).
    var otherSweeps: [Int] = []
    /// `issuedTo[n - 1]` is the worker attempt `n` went to (`nil`: unknown, from a gappy store).
    var issuedTo: [WorkerID?] = []
    /// Attempts that ended in an error or an expiry; `released` ones are not charged.
    var chargedAttempts = 0
    /// Released attempts not charged so far (in memory: a restart forgives them).
    var freeReleases = 0
    /// The most lenient `max_attempts` of the sweeps containing it.
    var maxAttempts: Int
    /// The most lenient timeout of the sweeps containing it (`nil`: none).
    var timeout: Duration?
    var lease: Lease?
    var lastError: String?

    var attemptsIssued: Int { issuedTo.count }

    /// Whether `attempt` was issued to `worker`.
    func wasIssued(_ attempt: Int, to worker: WorkerID) -> Bool {
        attempt >= 1 && attempt <= issuedTo.count && issuedTo[attempt - 1] == worker
    }

    /// Whether `sweep` contains this job.
    func belongs(to sweep: Int) -> Bool { primarySweep == sweep || otherSweeps.contains(sweep) }
}
