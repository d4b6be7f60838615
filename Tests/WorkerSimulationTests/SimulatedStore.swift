import Coordinator
import Foundation
import SweepModel

/// An in-memory store that applies the scheduler's persistence actions as the real store must,
/// and records every broken promise it sees: above all a job's result recorded twice.
struct SimulatedStore {
    struct StoredJob {
        var parameters: JobParameters
        var status: JobStatus = .pending
        var attempts: [AttemptRecord] = []
        var result: JobResult?
        var resultsRecorded = 0
    }

    private(set) var sweeps: [SweepRecord] = []
    private(set) var sweepJobs: [SweepID: [JobID]] = [:]
    private(set) var jobs: [JobID: StoredJob] = [:]
    private(set) var violations: [String] = []
    private let epoch = Date(timeIntervalSince1970: 0)

    /// Stores a submitted sweep (the loop does this before `sweepSubmitted`) and returns what the
    /// scheduler is given.
    mutating func submit(_ sweep: StoredSweep) -> StoredSweep {
        if sweepJobs[sweep.record.id] == nil {
            sweeps.append(sweep.record)
            sweepJobs[sweep.record.id] = sweep.jobs.map(\.id)
            for job in sweep.jobs where jobs[job.id] == nil { jobs[job.id] = StoredJob(parameters: job.parameters) }
        }
        return snapshot(of: sweep.record)
    }

    /// What a restarted coordinator reads.
    func snapshot() -> [StoredSweep] { sweeps.map(snapshot(of:)) }

    private func snapshot(of record: SweepRecord) -> StoredSweep {
        let ids = sweepJobs[record.id] ?? []
        return StoredSweep(record: record, jobs: ids.enumerated().compactMap { i, id in
            jobs[id].map { JobRecord(id: id, index: i, parameters: $0.parameters, status: $0.status, attempts: $0.attempts, result: $0.result) }
        })
    }

    /// Whether some non-cancelled sweep contains the job.
    func isLive(_ job: JobID) -> Bool {
        sweeps.contains { !$0.cancelled && sweepJobs[$0.id]?.contains(job) == true }
    }

    mutating func apply(_ action: SchedulerAction) {
        switch action {
        case .persistAttemptStarted(let id, let attempt, let worker):
            guard var job = jobs[id] else { return fail("attempt started for unknown job \(id)") }
            if job.status.isFinal { fail("attempt \(attempt) started for \(job.status.rawValue) job \(id)") }
            if job.attempts.contains(where: { $0.outcome == .running }) { fail("job \(id) has two running attempts") }
            job.attempts.append(AttemptRecord(jobID: id, number: attempt, worker: worker, startedAt: epoch))
            job.status = .running
            jobs[id] = job
        case .persistAttemptEnded(let id, let attempt, let outcome, let error):
            guard let i = jobs[id]?.attempts.firstIndex(where: { $0.number == attempt }) else {
                return fail("attempt \(attempt) of \(id) ended but never started")
            }
            if jobs[id]?.attempts[i].outcome != .running { fail("attempt \(attempt) of \(id) ended twice") }
            jobs[id]?.attempts[i].outcome = outcome
            jobs[id]?.attempts[i].error = error
        case .persistResult(let id, let attempt, let worker, let result):
            guard var job = jobs[id] else { return fail("result for unknown job \(id)") }
            job.resultsRecorded += 1
            if job.resultsRecorded > 1 { fail("job \(id) result recorded \(job.resultsRecorded) times") }
            guard let i = job.attempts.firstIndex(where: { $0.number == attempt && $0.worker == worker }) else {
                return fail("result of \(id) for attempt \(attempt) never issued to \(worker)")
            }
            job.attempts[i].outcome = .completed
            job.result = result
            job.status = result.status
            jobs[id] = job
        case .persistJobRequeued(let id):
            if jobs[id]?.status.isCompleted == true { fail("completed job \(id) requeued") }
            jobs[id]?.status = .pending
        case .persistJobFailed(let id, _):
            if jobs[id]?.status.isCompleted == true { fail("completed job \(id) failed") }
            jobs[id]?.status = .failed
        case .persistCancelled(let sweep, let ids):
            if let i = sweeps.firstIndex(where: { $0.id == sweep }) { sweeps[i].cancelled = true }
            for id in ids {
                if jobs[id]?.status.isCompleted == true { fail("completed job \(id) cancelled") }
                jobs[id]?.status = .cancelled
            }
        case .persistSweepFinished(let sweep):
            if let i = sweeps.firstIndex(where: { $0.id == sweep }) { sweeps[i].finishedAt = epoch }
        default:
            break
        }
    }

    private mutating func fail(_ message: String) { violations.append(message) }
}
