import Foundation
import GRDB
import SweepModel

extension ResultStore {
    // MARK: - Submitting

    /// Stores a sweep and links its planned jobs, in one transaction.
    ///
    /// Idempotent: a sweep id already in the store changes nothing (`alreadySubmitted`). A job the
    /// store already holds (from another sweep) is linked, not duplicated, and keeps its status
    /// and result; one that had been `cancelled` is `pending` again.
    public func submit(sweep: SweepRecord, jobs: [PlannedJob]) throws(StoreError) -> SubmitOutcome {
        var firstIndex: [JobID: Int] = [:]
        for job in jobs {
            if let first = firstIndex[job.id] {
                throw StoreError(path: path, operation: .submit(sweep.id), reason: .duplicateJobInPlan(
                    job.id, firstIndex: first, secondIndex: job.index))
            }
            firstIndex[job.id] = job.index
        }
        return try write(.submit(sweep.id)) { db, coding in
            if let existing = try Self.fetchSweep(db, id: sweep.id) {
                return SubmitOutcome(
                    sweep: existing, alreadySubmitted: true, insertedJobs: 0, sharedJobs: 0,
                    reopenedJobs: [], counts: try Self.fetchCounts(db, sweep: sweep.id))
            }
            let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM sweeps") ?? 0) + 1
            try db.execute(
                sql: """
                    INSERT INTO sweeps (id, seq, name, source_text, source_name, max_attempts,
                        job_timeout_seconds, created_at, finished_at, cancelled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    sweep.id.rawValue, seq, sweep.name, sweep.sourceText, sweep.sourceName, sweep.maxAttempts,
                    sweep.jobTimeoutSeconds, StoreCoding.seconds(sweep.createdAt),
                    sweep.finishedAt.map(StoreCoding.seconds), sweep.cancelled,
                ])
            let insertJob = try db.cachedStatement(sql: """
                INSERT INTO jobs (id, parameters, status) VALUES (?, ?, 'pending')
                ON CONFLICT (id) DO NOTHING
                """)
            let reopenJob = try db.cachedStatement(sql: """
                UPDATE jobs SET status = 'pending', completed_at = NULL WHERE id = ? AND status = 'cancelled'
                """)
            let link = try db.cachedStatement(sql: """
                INSERT INTO sweep_jobs (sweep_id, plan_index, job_id) VALUES (?, ?, ?)
                """)
            var inserted = 0
            var shared = 0
            var reopened: [JobID] = []
            for job in jobs {
                try insertJob.execute(arguments: [job.id.rawValue, try coding.json(job.parameters)])
                if db.changesCount == 1 {
                    inserted += 1
                } else {
                    shared += 1
                    try reopenJob.execute(arguments: [job.id.rawValue])
                    if db.changesCount == 1 { reopened.append(job.id) }
                }
                try link.execute(arguments: [sweep.id.rawValue, job.index, job.id.rawValue])
            }
            guard let stored = try Self.fetchSweep(db, id: sweep.id) else {
                throw StoreError(path: path, operation: .submit(sweep.id), reason: .unexpected(
                    "the sweep row vanished inside its own transaction"))
            }
            return SubmitOutcome(
                sweep: stored, alreadySubmitted: false, insertedJobs: inserted, sharedJobs: shared,
                reopenedJobs: reopened, counts: try Self.fetchCounts(db, sweep: sweep.id))
        }
    }

    // MARK: - Group commit

    /// Applies `changes` in order, in ONE transaction: all of them are committed when this returns,
    /// none if it throws. Changes that cannot apply are skipped and reported, never fatal, so one
    /// stray message cannot block a batch.
    @discardableResult
    public func apply(_ changes: [StoreChange]) throws(StoreError) -> ApplyReport {
        if changes.isEmpty { return ApplyReport() }
        return try write(.apply(changes: changes.count)) { db, coding in
            var report = ApplyReport()
            let statements = try ChangeStatements(db)
            for change in changes {
                switch try statements.apply(change, db: db, coding: coding) {
                case .applied: break
                case .duplicateResult(let job): report.duplicateResults.append(job)
                case .ignored: report.ignored.append(change)
                }
            }
            return report
        }
    }
}

/// The cached statements of `apply`, prepared once per connection by SQLite's statement cache.
private struct ChangeStatements {
    enum Effect { case applied, duplicateResult(JobID), ignored }

    let startAttempt: Statement
    let markRunning: Statement
    let endAttempt: Statement
    let backToPending: Statement
    let recordResult: Statement
    let completeAttempt: Statement
    let completeRecordedAttempt: Statement
    let jobExists: Statement
    let failJob: Statement
    let cancelJob: Statement
    let cancelSweep: Statement
    let cancelSweepJobs: Statement
    let finishSweep: Statement
    let sweepExists: Statement

    init(_ db: Database) throws {
        startAttempt = try db.cachedStatement(sql: """
            INSERT INTO attempts (job_id, number, worker, started_at, outcome)
            SELECT ?1, ?2, ?3, ?4, 'running' WHERE EXISTS (SELECT 1 FROM jobs WHERE id = ?1)
            ON CONFLICT (job_id, number) DO NOTHING
            """)
        markRunning = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'running' WHERE id = ? AND status IN ('pending', 'running')
            """)
        endAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = ?, error = ?, ended_at = ?
            WHERE job_id = ? AND number = ? AND outcome = 'running'
            """)
        backToPending = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'pending' WHERE id = ?1 AND status = 'running'
            AND NOT EXISTS (SELECT 1 FROM attempts WHERE job_id = ?1 AND outcome = 'running')
            """)
        recordResult = try db.cachedStatement(sql: """
            UPDATE jobs SET result = ?, result_attempt = ?, status = ?, completed_at = ?, error = NULL
            WHERE id = ? AND result IS NULL
            """)
        completeAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?
            WHERE job_id = ? AND number = ? AND outcome = 'running'
            """)
        // The attempt whose result became the job's result completed, even if its lease had
        // expired meanwhile (a partition or a stall, not a death): the record must say so.
        completeRecordedAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?, error = NULL
            WHERE job_id = ? AND number = ? AND outcome IN ('running', 'expired')
            """)
        jobExists = try db.cachedStatement(sql: "SELECT 1 FROM jobs WHERE id = ?")
        failJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'failed', error = ?, completed_at = ? WHERE id = ? AND result IS NULL
            """)
        cancelJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'cancelled', completed_at = ? WHERE id = ? AND status IN ('pending', 'running')
            """)
        cancelSweep = try db.cachedStatement(sql: "UPDATE sweeps SET cancelled = 1 WHERE id = ?")
        // A job shared with another sweep that is still open keeps running for that sweep.
        cancelSweepJobs = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'cancelled', completed_at = ?1
            WHERE status IN ('pending', 'running')
            AND id IN (SELECT job_id FROM sweep_jobs WHERE sweep_id = ?2)
            AND NOT EXISTS (
                SELECT 1 FROM sweep_jobs other JOIN sweeps s ON s.id = other.sweep_id
                WHERE other.job_id = jobs.id AND other.sweep_id <> ?2
                AND s.cancelled = 0 AND s.finished_at IS NULL)
            """)
        finishSweep = try db.cachedStatement(sql: """
            UPDATE sweeps SET finished_at = ? WHERE id = ? AND finished_at IS NULL
            """)
        sweepExists = try db.cachedStatement(sql: "SELECT 1 FROM sweeps WHERE id = ?")
    }

    func apply(_ change: StoreChange, db: Database, coding: StoreCoding) throws -> Effect {
        switch change {
        case .attemptStarted(let job, let number, let worker, let at):
            try startAttempt.execute(arguments: [job.rawValue, number, worker.rawValue, StoreCoding.seconds(at)])
            guard db.changesCount == 1 else { return .ignored }
            try markRunning.execute(arguments: [job.rawValue])
            return .applied

        case .attemptEnded(let job, let number, let outcome, let error, let at):
            guard outcome != .running else { return .ignored }
            try endAttempt.execute(arguments: [
                outcome.rawValue, error, StoreCoding.seconds(at), job.rawValue, number,
            ])
            guard db.changesCount == 1 else { return .ignored }
            if outcome != .completed { try backToPending.execute(arguments: [job.rawValue]) }
            return .applied

        case .resultRecorded(let job, let attempt, let result, let at):
            guard result.status.isCompleted else { return .ignored }
            try recordResult.execute(arguments: [
                try coding.json(result), attempt, result.status.rawValue, StoreCoding.seconds(at), job.rawValue,
            ])
            let recorded = db.changesCount == 1
            try (recorded ? completeRecordedAttempt : completeAttempt)
                .execute(arguments: [StoreCoding.seconds(at), job.rawValue, attempt])
            if recorded { return .applied }
            return try exists(jobExists, job.rawValue) ? .duplicateResult(job) : .ignored

        case .jobFailed(let job, let error, let at):
            try failJob.execute(arguments: [error, StoreCoding.seconds(at), job.rawValue])
            return db.changesCount == 1 ? .applied : .ignored

        case .jobsCancelled(let jobs, let at):
            for job in jobs { try cancelJob.execute(arguments: [StoreCoding.seconds(at), job.rawValue]) }
            return .applied

        case .sweepCancelled(let sweep, let at):
            try cancelSweep.execute(arguments: [sweep.rawValue])
            guard db.changesCount == 1 else { return .ignored }
            try cancelSweepJobs.execute(arguments: [StoreCoding.seconds(at), sweep.rawValue])
            return .applied

        case .sweepFinished(let sweep, let at):
            try finishSweep.execute(arguments: [StoreCoding.seconds(at), sweep.rawValue])
            if db.changesCount == 1 { return .applied }
            return try exists(sweepExists, sweep.rawValue) ? .applied : .ignored
        }
    }

    private func exists(_ statement: Statement, _ key: String) throws -> Bool {
        try Int.fetchOne(statement, arguments: [key]) != nil
    }
}
