import Coordinator
import Foundation
import SweepModel
import SweepStore

/// An in-memory store for the randomized simulations: it applies the scheduler's `StoreChange`s
/// with the rules the real `ResultStore` follows (an ended attempt requeues its job, a live
/// resubmitted sweep reopens cancelled jobs), and records every broken promise it sees (a result
/// twice, an attempt over the limit, a result for an attempt never issued to its worker).
public struct SimulatedStore {
    public struct StoredJob {
        public var parameters: JobParameters
        public var status: JobStatus = .pending
        public var attempts: [AttemptRecord] = []
        public var result: JobResult?
        public var resultsRecorded = 0
        /// Attempts up to this number were made before the job's last retry (`retry_base`).
        public var retryBase = 0
    }

    /// A retry under way (`ResultStore.beginRetry`): which statuses it re-queues, how far through
    /// the sweep's plan it got, where it stops.
    public struct Retry {
        public var statuses: Set<JobStatus>
        public var cursor: Int
        public var end: Int
    }

    public private(set) var sweeps: [SweepRecord] = []
    public private(set) var sweepJobs: [SweepID: [JobID]] = [:]
    public private(set) var jobs: [JobID: StoredJob] = [:]
    public private(set) var violations: [String] = []
    public private(set) var retries: [SweepID: Retry] = [:]
    private let epoch = Date(timeIntervalSince1970: 0)

    public init() {}

    /// Stores a submitted sweep (the loop does this before `sweepSubmitted`) and returns what the
    /// scheduler is given. Like `ResultStore.submit`, a live sweep reopens its cancelled jobs.
    public mutating func submit(_ sweep: StoredSweep) -> StoredSweep {
        if sweepJobs[sweep.record.id] == nil {
            sweeps.append(sweep.record)
            sweepJobs[sweep.record.id] = sweep.jobs.map(\.id)
            for job in sweep.jobs {
                if jobs[job.id] == nil {
                    jobs[job.id] = StoredJob(parameters: job.parameters)
                } else if jobs[job.id]?.status == .cancelled && !sweep.record.cancelled {
                    jobs[job.id]?.status = .pending
                }
            }
        }
        return snapshot(of: sweep.record)
    }

    /// What a restarted coordinator reads.
    public func snapshot() -> [StoredSweep] { sweeps.map(snapshot(of:)) }

    private func snapshot(of record: SweepRecord) -> StoredSweep {
        let ids = sweepJobs[record.id] ?? []
        return StoredSweep(
            record: record,
            jobs: ids.enumerated().compactMap { i, id in jobs[id].map { jobRecord(id, index: i, $0) } },
            awaitingRetry: retries[record.id].map { awaiting(record.id, $0) })
    }

    private func jobRecord(_ id: JobID, index: Int, _ job: StoredJob) -> JobRecord {
        JobRecord(
            id: id, index: index, parameters: job.parameters, status: job.status, attempts: job.attempts, result: job.result,
            retryBase: job.retryBase)
    }

    /// The jobs `retry` will still re-queue, by status (what `retriesInProgress` counts).
    private func awaiting(_ sweep: SweepID, _ retry: Retry) -> JobStatusCounts {
        var counts = JobStatusCounts()
        let ids = sweepJobs[sweep] ?? []
        for id in ids[min(retry.cursor, ids.count)..<min(retry.end, ids.count)] {
            if let job = jobs[id], retry.statuses.contains(job.status), job.result == nil { counts[job.status] += 1 }
        }
        return counts
    }

    // MARK: Retry, as `ResultStore.beginRetry`, `retryStep` and `endRetry` do it

    /// Reopens the sweep and records the retry; returns the sweep as stored now and the jobs the
    /// retry will re-queue, by status (`nil`: unknown sweep, or a retry already under way).
    public mutating func beginRetry(
        _ sweep: SweepID, statuses: Set<JobStatus>
    ) -> (record: SweepRecord, awaiting: JobStatusCounts)? {
        guard let i = sweeps.firstIndex(where: { $0.id == sweep }), retries[sweep] == nil else { return nil }
        sweeps[i].finishedAt = nil
        if statuses.contains(.cancelled) { sweeps[i].cancelled = false }
        let retry = Retry(statuses: statuses, cursor: 0, end: sweepJobs[sweep]?.count ?? 0)
        retries[sweep] = retry
        return (sweeps[i], awaiting(sweep, retry))
    }

    /// Re-queues the jobs of the retry's next `rows` plan positions.
    public mutating func retryStep(
        _ sweep: SweepID, rows: Int
    ) -> (jobs: [JobRecord], reached: JobStatusCounts, open: [JobID], done: Bool) {
        guard var retry = retries[sweep] else { return ([], JobStatusCounts(), [], true) }
        let ids = sweepJobs[sweep] ?? []
        let upper = min(retry.end, retry.cursor + rows)
        var records: [JobRecord] = []
        var reached = JobStatusCounts()
        var open: [JobID] = []
        for index in retry.cursor..<upper {
            let id = ids[index]
            if let job = jobs[id], job.status == .pending || job.status == .running { open.append(id) }
            guard var job = jobs[id], retry.statuses.contains(job.status), job.result == nil else { continue }
            reached[job.status] += 1
            job.status = .pending
            job.retryBase = job.attempts.map(\.number).max() ?? 0
            jobs[id] = job
            records.append(jobRecord(id, index: index, job))
        }
        retry.cursor = upper
        retries[sweep] = upper >= retry.end ? nil : retry
        return (records, reached, open, upper >= retry.end)
    }

    /// Stops the retry where it is.
    public mutating func endRetry(_ sweep: SweepID) { retries[sweep] = nil }

    /// The most lenient `max_attempts` among the sweeps containing the job.
    public func maxAttempts(of job: JobID) -> Int {
        sweeps.filter { sweepJobs[$0.id]?.contains(job) == true }.map(\.maxAttempts).max() ?? 1
    }

    public func chargedAttempts(of job: JobID) -> Int {
        guard let stored = jobs[job] else { return 0 }
        return stored.attempts.filter { $0.number > stored.retryBase && ($0.outcome == .error || $0.outcome == .expired) }.count
    }

    /// Whether some non-cancelled sweep contains the job.
    public func isLive(_ job: JobID) -> Bool {
        sweeps.contains { !$0.cancelled && sweepJobs[$0.id]?.contains(job) == true }
    }

    /// Commits the persistence actions of one event, as the loop does. `reporter` is the worker
    /// whose reports caused the event (nil for ticks and client requests).
    public mutating func commit(_ actions: [SchedulerAction], reportedBy reporter: WorkerID? = nil) {
        for case .persist(let change) in actions { apply(change, reportedBy: reporter) }
    }

    public mutating func apply(_ change: StoreChange, reportedBy reporter: WorkerID? = nil) {
        switch change {
        case .attemptStarted(let id, let attempt, let worker):
            guard var job = jobs[id] else { return fail("attempt started for unknown job \(id)") }
            if job.status.isFinal { fail("attempt \(attempt) started for \(job.status.rawValue) job \(id)") }
            if job.attempts.contains(where: { $0.outcome == .running }) { fail("job \(id) has two running attempts") }
            if attempt != (job.attempts.map(\.number).max() ?? 0) + 1 { fail("job \(id) attempt \(attempt) out of sequence") }
            job.attempts.append(AttemptRecord(jobID: id, number: attempt, worker: worker, startedAt: epoch))
            job.status = .running
            jobs[id] = job
        case .attemptEnded(let id, let attempt, let outcome, let error):
            guard var job = jobs[id], let i = job.attempts.firstIndex(where: { $0.number == attempt }) else {
                return fail("attempt \(attempt) of \(id) ended but never started")
            }
            if job.attempts[i].outcome != .running { fail("attempt \(attempt) of \(id) ended twice") }
            job.attempts[i].outcome = outcome
            job.attempts[i].error = error
            if outcome != .completed && job.status == .running && !job.attempts.contains(where: { $0.outcome == .running }) {
                job.status = .pending
            }
            jobs[id] = job
            if chargedAttempts(of: id) > maxAttempts(of: id) { fail("job \(id) charged more than max_attempts") }
        case .resultRecorded(let id, let attempt, let result):
            guard var job = jobs[id] else { return fail("result for unknown job \(id)") }
            job.resultsRecorded += 1
            if job.resultsRecorded > 1 { fail("job \(id) result recorded \(job.resultsRecorded) times") }
            guard let i = job.attempts.firstIndex(where: { $0.number == attempt && (reporter == nil || $0.worker == reporter) }) else {
                return fail("result of \(id) for attempt \(attempt) never issued to \(reporter.map(\.rawValue) ?? "anyone")")
            }
            job.attempts[i].outcome = .completed
            job.result = result
            job.status = result.status
            jobs[id] = job
        case .jobFailed(let id, _):
            if jobs[id]?.status.isCompleted == true { fail("completed job \(id) failed") }
            jobs[id]?.status = .failed
        case .jobsCancelled(let ids):
            for id in ids {
                if jobs[id]?.status.isCompleted == true { fail("completed job \(id) cancelled") }
                jobs[id]?.status = .cancelled
            }
        case .sweepCancelled(let sweep):
            if let i = sweeps.firstIndex(where: { $0.id == sweep }) { sweeps[i].cancelled = true }
        case .sweepFinished(let sweep):
            if let i = sweeps.firstIndex(where: { $0.id == sweep }) { sweeps[i].finishedAt = epoch }
        }
    }

    private mutating func fail(_ message: String) { violations.append(message) }
}
