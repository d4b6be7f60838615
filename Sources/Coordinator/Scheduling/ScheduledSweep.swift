import SweepModel

/// The scheduler's memory of one sweep: its policy, its queue of jobs to hand out (with lazy
/// deletion), and the counts `status` reports.
struct ScheduledSweep: Sendable {
    let id: SweepID
    var maxAttempts: Int
    var timeout: Duration?
    var cancelled: Bool
    var finished: Bool
    /// A retry is re-queueing the sweep's jobs a slice at a time (`Scheduler.beginRetry`): the
    /// sweep is open even if every job it holds is final for now.
    var requeueing = false
    /// The jobs that retry will re-queue but has not reached yet, by their status now (`failed`,
    /// `cancelled`): `status` already counts them pending.
    var awaitingRetry = JobStatusCounts()
    /// Positions in the sweep's plan.
    var jobCount = 0
    /// The next plan position to turn into a job (`Scheduler.jobsPlanned`).
    var nextPlanPosition = 0
    /// Positions not yet turned into jobs. They are in `counts` as `pending`, or `cancelled`
    /// while the sweep is cancelled.
    var unplanned: Int { max(0, jobCount - nextPlanPosition) }
    /// Set when the sweep's file can no longer be expanded (`Scheduler.abandonPlanning`).
    var planningAbandoned = false
    /// The sweep's jobs in plan order; the queue is `jobs[head...]`.
    var jobs: [Int] = []
    var head = 0
    /// Jobs back from an ended attempt, served before `jobs[head...]`; the queue is `retries[retryHead...]`.
    var retries: [Int] = []
    var retryHead = 0
    var counts = JobStatusCounts()
    var submittedAt: MonotonicInstant
    var firstAssignedAt: MonotonicInstant?
    var lastFinalAt: MonotonicInstant?
    /// Jobs that became final in this scheduler's life (never decreases, unlike `counts`, which
    /// forgets retired jobs): what the completion rate is measured on.
    var finalEvents = 0
    /// (instant, `finalEvents`) samples, oldest first, spanning about the rate window.
    var rateSamples: [RateSample] = []

    var isExhausted: Bool { head >= jobs.count && retryHead >= retries.count }

    /// The next queued job index, popped; it may be stale (no longer pending): the caller checks.
    mutating func popQueued() -> Int? {
        if retryHead < retries.count {
            let job = retries[retryHead]
            retryHead += 1
            if retryHead == retries.count {
                retries.removeAll(keepingCapacity: true)
                retryHead = 0
            }
            return job
        }
        guard head < jobs.count else { return nil }
        head += 1
        return jobs[head - 1]
    }

    mutating func pushRetry(_ job: Int) { retries.append(job) }

    /// Whether `job` is still queued here (for invariant checks; linear).
    func queues(_ job: Int) -> Bool {
        retries[retryHead...].contains(job) || jobs[head...].contains(job)
    }
}

/// How many jobs of a sweep were final at an instant, for the recent completion rate.
public struct RateSample: Sendable, Equatable {
    public var at: MonotonicInstant
    public var finalJobs: Int
}
