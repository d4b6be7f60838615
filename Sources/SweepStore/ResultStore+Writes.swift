import Foundation
import GRDB
import SweepModel

extension ResultStore {
    // MARK: - Submitting

    /// Stores a sweep and links all its planned jobs, in one transaction (a small plan, or a
    /// test): `submit(sweep:)` then `planJobs` of the whole plan.
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
        var record = sweep
        record.jobCount = jobs.count
        record.plannedJobs = 0
        return try write(.submit(sweep.id)) { db, coding in
            if let existing = try Self.fetchSweep(db, id: sweep.id) {
                return SubmitOutcome(
                    sweep: existing, alreadySubmitted: true, insertedJobs: 0, sharedJobs: 0,
                    reopenedJobs: [], counts: try Self.fetchCounts(db, sweep: sweep.id))
            }
            try Self.insertSweep(record, db: db)
            let linked = try Self.link(jobs, encoded: nil, to: sweep.id, db: db, coding: coding, path: path)
            guard let stored = try Self.fetchSweep(db, id: sweep.id) else {
                throw StoreError(path: path, operation: .submit(sweep.id), reason: .unexpected(
                    "the sweep row vanished inside its own transaction"))
            }
            return SubmitOutcome(
                sweep: stored, alreadySubmitted: false, insertedJobs: linked.inserted, sharedJobs: linked.shared,
                reopenedJobs: linked.reopened, counts: try Self.fetchCounts(db, sweep: sweep.id))
        }
    }

    /// Stores a sweep as its file and plan size (`sweep.jobCount`) only: no job row yet. Its jobs
    /// are created as they are needed, slice by slice, with `planJobs`. Costs the same for ten
    /// jobs or a million. Idempotent, as `submit(sweep:jobs:)`.
    public func submit(sweep: SweepRecord) throws(StoreError) -> SubmitOutcome {
        var record = sweep
        record.plannedJobs = 0
        return try write(.submit(sweep.id)) { db, _ in
            if let existing = try Self.fetchSweep(db, id: sweep.id) {
                return SubmitOutcome(
                    sweep: existing, alreadySubmitted: true, insertedJobs: 0, sharedJobs: 0,
                    reopenedJobs: [], counts: try Self.fetchCounts(db, sweep: sweep.id))
            }
            try Self.insertSweep(record, db: db)
            var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
            counts[.pending] = record.jobCount
            return SubmitOutcome(
                sweep: record, alreadySubmitted: false, insertedJobs: 0, sharedJobs: 0, reopenedJobs: [],
                counts: counts)
        }
    }

    /// Creates the job rows of the sweep's next plan positions, in one transaction: `jobs` must
    /// start at the sweep's `plannedJobs` and be consecutive. Returns each job's record as the
    /// scheduler needs it: a new job is `pending` with no history; a job another sweep already
    /// holds keeps its status, attempts and result (a `cancelled` one is `pending` again).
    ///
    /// `encodedParameters`, when given, are the jobs' parameters already encoded as JSON (their
    /// canonical form, `SweepPlan.encodedJobs`), stored as they are.
    public func planJobs(
        sweep: SweepID, jobs: [PlannedJob], encodedParameters: [String]? = nil
    ) throws(StoreError) -> [JobRecord] {
        try write(.submit(sweep)) { db, coding in
            guard let record = try Self.fetchSweep(db, id: sweep) else {
                throw StoreError(path: path, operation: .submit(sweep), reason: .unexpected("no sweep \(sweep.short) to plan"))
            }
            let expected = record.plannedJobs..<(record.plannedJobs + jobs.count)
            guard jobs.map(\.index) == Array(expected), expected.upperBound <= record.jobCount else {
                throw StoreError(path: path, operation: .submit(sweep), reason: .unexpected(
                    "plan positions \(jobs.first?.index ?? 0)..<\((jobs.last?.index ?? -1) + 1) do not continue "
                        + "the \(record.plannedJobs) of \(record.jobCount) already planned"))
            }
            let encoded = encodedParameters?.count == jobs.count ? encodedParameters : nil
            let linked = try Self.link(jobs, encoded: encoded, to: sweep, db: db, coding: coding, path: path)
            return linked.records
        }
    }

    private static func insertSweep(_ sweep: SweepRecord, db: Database) throws {
        let seq = (try Int.fetchOne(db, sql: "SELECT MAX(seq) FROM sweeps") ?? 0) + 1
        try db.execute(
            sql: """
                INSERT INTO sweeps (id, seq, name, source_text, source_name, max_attempts,
                    job_timeout_seconds, created_at, finished_at, cancelled, job_count, planned_jobs)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                sweep.id.rawValue, seq, sweep.name, sweep.sourceText, sweep.sourceName, sweep.maxAttempts,
                sweep.jobTimeoutSeconds, StoreCoding.seconds(sweep.createdAt),
                sweep.finishedAt.map(StoreCoding.seconds), sweep.cancelled, sweep.jobCount, sweep.plannedJobs,
            ])
    }

    /// What `link` did.
    private struct Linked {
        var inserted = 0
        var shared = 0
        var reopened: [JobID] = []
        var records: [JobRecord] = []
    }

    /// Inserts or finds each job, links it to the sweep at its plan index and advances the
    /// sweep's `planned_jobs` past them.
    private static func link(
        _ jobs: [PlannedJob], encoded: [String]?, to sweep: SweepID, db: Database, coding: StoreCoding, path: String
    ) throws -> Linked {
        let insertJob = try db.cachedStatement(sql: """
            INSERT INTO jobs (id, status) VALUES (?, 'pending') ON CONFLICT (id) DO NOTHING
            """)
        let insertParameters = try db.cachedStatement(sql: """
            INSERT INTO job_parameters (job_seq, parameters) VALUES (?, ?)
            """)
        let findJob = try db.cachedStatement(sql: "SELECT seq FROM jobs WHERE id = ?")
        let reopenJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'pending', completed_at = NULL WHERE seq = ? AND status = 'cancelled'
            """)
        let link = try db.cachedStatement(sql: """
            INSERT INTO sweep_jobs (sweep_id, plan_index, job_seq) VALUES (?, ?, ?)
            """)
        let alreadyLinked = try db.cachedStatement(sql: """
            SELECT plan_index FROM sweep_jobs WHERE sweep_id = ? AND job_seq = ?
            """)
        var linked = Linked()
        var sharedSeqs: [(seq: Int64, index: Int)] = []
        linked.records.reserveCapacity(jobs.count)
        for (offset, job) in jobs.enumerated() {
            try insertJob.execute(arguments: [job.id.rawValue])
            let seq: Int64
            if db.changesCount == 1 {
                linked.inserted += 1
                seq = db.lastInsertedRowID
                try insertParameters.execute(arguments: [seq, try encoded?[offset] ?? coding.json(job.parameters)])
                linked.records.append(JobRecord(id: job.id, index: job.index, parameters: job.parameters, status: .pending))
            } else {
                linked.shared += 1
                guard let existing = try Int64.fetchOne(findJob, arguments: [job.id.rawValue]) else {
                    throw StoreError(path: path, operation: .submit(sweep), reason: .unexpected(
                        "job \(job.id.short) neither inserted nor found"))
                }
                seq = existing
                if let first = try Int.fetchOne(alreadyLinked, arguments: [sweep.rawValue, seq]) {
                    throw StoreError(path: path, operation: .submit(sweep), reason: .duplicateJobInPlan(
                        job.id, firstIndex: first, secondIndex: job.index))
                }
                try reopenJob.execute(arguments: [seq])
                if db.changesCount == 1 { linked.reopened.append(job.id) }
                sharedSeqs.append((seq, job.index))
                linked.records.append(JobRecord(id: job.id, index: job.index, parameters: job.parameters, status: .pending))
            }
            try link.execute(arguments: [sweep.rawValue, job.index, seq])
        }
        try db.execute(
            sql: "UPDATE sweeps SET planned_jobs = planned_jobs + ? WHERE id = ?", arguments: [jobs.count, sweep.rawValue])
        if !sharedSeqs.isEmpty {
            let stored = try fetchJobRecords(db, seqs: sharedSeqs, coding: coding)
            for (offset, record) in linked.records.enumerated() {
                if let known = stored[record.id] { linked.records[offset] = known }
            }
        }
        return linked
    }

    /// The records (with attempts and result) of jobs given by key, at the given plan index.
    static func fetchJobRecords(
        _ db: Database, seqs: [(seq: Int64, index: Int)], coding: StoreCoding
    ) throws -> [JobID: JobRecord] {
        var records: [JobID: JobRecord] = [:]
        for start in stride(from: 0, to: seqs.count, by: 500) {
            let chunk = seqs[start..<min(start + 500, seqs.count)]
            let placeholders = chunk.map { _ in "?" }.joined(separator: ", ")
            let keys = StatementArguments(chunk.map(\.seq))
            var attempts = try fetchAttempts(db, sql: """
                SELECT \(attemptColumns) FROM attempts a JOIN jobs j ON j.seq = a.job_seq
                WHERE a.job_seq IN (\(placeholders)) ORDER BY a.job_seq, a.number
                """, arguments: keys)
            let indexBySeq = Dictionary(chunk.map { ($0.seq, $0.index) }, uniquingKeysWith: { first, _ in first })
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(jobColumns), j.seq, j.retry_base FROM jobs j \(jobJoins) WHERE j.seq IN (\(placeholders))
                """, arguments: keys)
            while let row = try rows.next() {
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                let seq = Int64(try stored.int(4, "seq"))
                var record = try jobRecord(stored, index: 4, retryBase: 5, coding: coding)
                record.index = indexBySeq[seq] ?? record.index
                record.attempts = attempts.removeValue(forKey: record.id) ?? []
                records[record.id] = record
            }
        }
        return records
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
///
/// Each statement finds the job's integer key through the unique index on its text id (a read,
/// inside SQLite), then writes only rows keyed by that integer, which sit near each other for jobs
/// dispatched in submission order (see `StoreSchema`, format 2). The two hot changes (attempt
/// started, result recorded) need no separate look-up.
private struct ChangeStatements {
    enum Effect { case applied, duplicateResult(JobID), ignored }

    let findJob: Statement
    let startAttempt: Statement
    let markRunning: Statement
    let endAttempt: Statement
    let backToPending: Statement
    let insertResult: Statement
    let markCompleted: Statement
    let completeAttempt: Statement
    let completeRecordedAttempt: Statement
    let failJob: Statement
    let cancelJob: Statement
    let cancelSweep: Statement
    let cancelSweepJobs: Statement
    let finishSweep: Statement
    let sweepExists: Statement

    init(_ db: Database) throws {
        findJob = try db.cachedStatement(sql: "SELECT seq FROM jobs WHERE id = ?")
        startAttempt = try db.cachedStatement(sql: """
            INSERT INTO attempts (job_seq, number, worker, started_at, outcome)
            SELECT seq, ?2, ?3, ?4, 'running' FROM jobs WHERE id = ?1
            ON CONFLICT (job_seq, number) DO NOTHING
            """)
        // A running job stays running (no write at all when another attempt already runs).
        markRunning = try db.cachedStatement(sql: "UPDATE jobs SET status = 'running' WHERE id = ? AND status = 'pending'")
        endAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = ?, error = ?, ended_at = ?
            WHERE job_seq = ? AND number = ? AND outcome = 'running'
            """)
        backToPending = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'pending' WHERE seq = ?1 AND status = 'running'
            AND NOT EXISTS (SELECT 1 FROM attempts WHERE job_seq = ?1 AND outcome = 'running')
            """)
        insertResult = try db.cachedStatement(sql: """
            INSERT INTO results (job_seq, attempt, result) SELECT seq, ?2, ?3 FROM jobs WHERE id = ?1
            ON CONFLICT (job_seq) DO NOTHING
            """)
        markCompleted = try db.cachedStatement(sql: """
            UPDATE jobs SET status = ?, completed_at = ?, error = NULL WHERE id = ?
            """)
        completeAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?
            WHERE job_seq = (SELECT seq FROM jobs WHERE id = ?) AND number = ? AND outcome = 'running'
            """)
        // The attempt whose result became the job's result completed, even if its lease had
        // expired meanwhile (a partition or a stall, not a death): the record must say so.
        completeRecordedAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?, error = NULL
            WHERE job_seq = (SELECT seq FROM jobs WHERE id = ?) AND number = ? AND outcome IN ('running', 'expired')
            """)
        failJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'failed', error = ?, completed_at = ?
            WHERE seq = ?3 AND NOT EXISTS (SELECT 1 FROM results WHERE job_seq = ?3)
            """)
        cancelJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'cancelled', completed_at = ? WHERE id = ? AND status IN ('pending', 'running')
            """)
        cancelSweep = try db.cachedStatement(sql: "UPDATE sweeps SET cancelled = 1 WHERE id = ?")
        // A job shared with another sweep that is still open keeps running for that sweep.
        cancelSweepJobs = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'cancelled', completed_at = ?1
            WHERE status IN ('pending', 'running')
            AND seq IN (SELECT job_seq FROM sweep_jobs WHERE sweep_id = ?2)
            AND NOT EXISTS (
                SELECT 1 FROM sweep_jobs other JOIN sweeps s ON s.id = other.sweep_id
                WHERE other.job_seq = jobs.seq AND other.sweep_id <> ?2
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
            guard db.changesCount == 1 else { return .ignored }  // unknown job, or attempt already started
            try markRunning.execute(arguments: [job.rawValue])
            return .applied

        case .attemptEnded(let job, let number, let outcome, let error, let at):
            guard outcome != .running, let seq = try seq(of: job) else { return .ignored }
            try endAttempt.execute(arguments: [outcome.rawValue, error, StoreCoding.seconds(at), seq, number])
            guard db.changesCount == 1 else { return .ignored }
            if outcome != .completed { try backToPending.execute(arguments: [seq]) }
            return .applied

        case .resultRecorded(let job, let attempt, let result, let at):
            guard result.status.isCompleted else { return .ignored }
            try insertResult.execute(arguments: [job.rawValue, attempt, try coding.json(result)])
            let recorded = db.changesCount == 1
            if recorded {
                try markCompleted.execute(arguments: [result.status.rawValue, StoreCoding.seconds(at), job.rawValue])
            }
            try (recorded ? completeRecordedAttempt : completeAttempt)
                .execute(arguments: [StoreCoding.seconds(at), job.rawValue, attempt])
            if recorded { return .applied }
            return try seq(of: job) == nil ? .ignored : .duplicateResult(job)

        case .jobFailed(let job, let error, let at):
            guard let seq = try seq(of: job) else { return .ignored }
            try failJob.execute(arguments: [error, StoreCoding.seconds(at), seq])
            return db.changesCount == 1 ? .applied : .ignored

        case .jobsCancelled(let jobs, let at):
            for job in jobs { try cancelJob.execute(arguments: [StoreCoding.seconds(at), job.rawValue]) }
            return .applied

        case .sweepFlaggedCancelled(let sweep, _):
            try cancelSweep.execute(arguments: [sweep.rawValue])
            return db.changesCount == 1 ? .applied : .ignored

        case .sweepCancelled(let sweep, let at):
            try cancelSweep.execute(arguments: [sweep.rawValue])
            guard db.changesCount == 1 else { return .ignored }
            try cancelSweepJobs.execute(arguments: [StoreCoding.seconds(at), sweep.rawValue])
            return .applied

        case .sweepFinished(let sweep, let at):
            try finishSweep.execute(arguments: [StoreCoding.seconds(at), sweep.rawValue])
            if db.changesCount == 1 { return .applied }
            return try Int.fetchOne(sweepExists, arguments: [sweep.rawValue]) != nil ? .applied : .ignored
        }
    }

    /// The job's integer key, or nil for a job the store does not hold.
    private func seq(of job: JobID) throws -> Int64? {
        try Int64.fetchOne(findJob, arguments: [job.rawValue])
    }
}
