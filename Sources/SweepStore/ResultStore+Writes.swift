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
            if let existing = try Self.alreadySubmitted(sweep.id, db: db, path: path) { return existing }
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
            if let existing = try Self.alreadySubmitted(sweep.id, db: db, path: path) { return existing }
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
        let linked = try write(.submit(sweep)) { db, coding in
            // Only the two counts: the whole sweep row (its file's text) is not read per slice.
            let counts = try db.cachedStatement(sql: "SELECT id, planned_jobs, job_count FROM sweeps WHERE id = ?")
            guard let row = try Row.fetchOne(counts, arguments: [sweep.rawValue]) else {
                throw StoreError(path: path, operation: .submit(sweep), reason: .unexpected("no sweep \(sweep.short) to plan"))
            }
            let stored = StoredRow(row, table: "sweeps", keyColumn: 0)
            let plannedJobs = try stored.int(1, "planned_jobs")
            let jobCount = try stored.int(2, "job_count")
            let expected = plannedJobs..<(plannedJobs + jobs.count)
            guard jobs.indices.allSatisfy({ jobs[$0].index == plannedJobs + $0 }), expected.upperBound <= jobCount else {
                throw StoreError(path: path, operation: .submit(sweep), reason: .unexpected(
                    "plan positions \(jobs.first?.index ?? 0)..<\((jobs.last?.index ?? -1) + 1) do not continue "
                        + "the \(plannedJobs) of \(jobCount) already planned"))
            }
            let encoded = encodedParameters?.count == jobs.count ? encodedParameters : nil
            return try Self.link(jobs, encoded: encoded, to: sweep, db: db, coding: coding, path: path)
        }
        // Committed: the dispatch of these jobs needs no look-up of their keys.
        jobKeys.update(learned: linked.keys, settled: [])
        return linked.records
    }

    /// The outcome of submitting a sweep the store already holds: nothing changes.
    private static func alreadySubmitted(_ id: SweepID, db: Database, path: String) throws -> SubmitOutcome? {
        guard let existing = try fetchSweep(db, id: id, includingDeleted: true) else { return nil }
        if try Bool.fetchOne(db, sql: "SELECT deleting FROM sweeps WHERE id = ?", arguments: [id.rawValue]) == true {
            throw StoreError(path: path, operation: .submit(id), reason: .sweepBeingDeleted(id))
        }
        return SubmitOutcome(
            sweep: existing, alreadySubmitted: true, insertedJobs: 0, sharedJobs: 0, reopenedJobs: [],
            counts: try fetchCounts(db, sweep: id))
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
        /// Each linked job's integer key.
        var keys: [(JobID, Int64)] = []
    }

    /// Inserts or finds each job, links it to the sweep at its plan index and advances the
    /// sweep's `planned_jobs` past them.
    private static func link(
        _ jobs: [PlannedJob], encoded: [String]?, to sweep: SweepID, db: Database, coding: StoreCoding, path: String
    ) throws -> Linked {
        // The three per-job writes bind straight through SQLite (`DirectStatement`): planning runs
        // inside the coordinator's loop, a slice per iteration, so its cost is dispatch's cost.
        // A job is found by its id's integer key and its id (format 8: the key is not unique).
        let findJob = try DirectStatement(db, sql: Self.findJobSQL)
        let insertJob = try DirectStatement(db, sql: """
            INSERT INTO jobs (id, id_key, status) VALUES (?, ?, 'pending')
            """)
        let insertParameters = try DirectStatement(db, sql: """
            INSERT INTO job_parameters (job_seq, parameters) VALUES (?, ?)
            """)
        let reopenJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'pending', completed_at = NULL WHERE seq = ? AND status = 'cancelled'
            """)
        let link = try DirectStatement(db, sql: """
            INSERT INTO sweep_jobs (sweep_id, plan_index, job_seq) VALUES (?, ?, ?)
            """)
        let alreadyLinked = try db.cachedStatement(sql: """
            SELECT plan_index FROM sweep_jobs WHERE sweep_id = ? AND job_seq = ?
            """)
        var linked = Linked()
        var sharedSeqs: [(seq: Int64, index: Int)] = []
        linked.records.reserveCapacity(jobs.count)
        for (offset, job) in jobs.enumerated() {
            let seq: Int64
            let key = JobIDKey.of(job.id)
            let existing = try findJob.int64 { $0.bind(1, key); $0.bind(2, job.id.rawValue) }
            if let existing {
                linked.shared += 1
                seq = existing
                if let first = try Int.fetchOne(alreadyLinked, arguments: [sweep.rawValue, seq]) {
                    throw StoreError(path: path, operation: .submit(sweep), reason: .duplicateJobInPlan(
                        job.id, firstIndex: first, secondIndex: job.index))
                }
                try reopenJob.execute(arguments: [seq])
                if db.changesCount == 1 { linked.reopened.append(job.id) }
                sharedSeqs.append((seq, job.index))
                linked.records.append(JobRecord(id: job.id, index: job.index, parameters: job.parameters, status: .pending))
            } else {
                try insertJob.execute { $0.bind(1, job.id.rawValue); $0.bind(2, key) }
                linked.inserted += 1
                seq = db.lastInsertedRowID
                let parameters = try encoded?[offset] ?? coding.json(job.parameters)
                try insertParameters.execute { $0.bind(1, seq); $0.bind(2, parameters) }
                linked.records.append(JobRecord(id: job.id, index: job.index, parameters: job.parameters, status: .pending))
            }
            try link.execute { $0.bind(1, sweep.rawValue); $0.bind(2, job.index); $0.bind(3, seq) }
            linked.keys.append((job.id, seq))
        }
        try db.cachedStatement(sql: "UPDATE sweeps SET planned_jobs = planned_jobs + ? WHERE id = ?")
            .execute(arguments: [jobs.count, sweep.rawValue])
        if !sharedSeqs.isEmpty {
            let stored = try fetchJobRecords(db, seqs: sharedSeqs, coding: coding)
            for (offset, record) in linked.records.enumerated() {
                if let known = stored[record.id] { linked.records[offset] = known }
            }
        }
        return linked
    }

    /// A job's integer key by its id: `?1` its `JobIDKey`, `?2` the id (format 8: the index is on
    /// the key, which is not unique, so the id is compared too).
    static let findJobSQL = "SELECT seq FROM jobs WHERE id_key = ?1 AND id = ?2"

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
    /// stray message cannot block a batch. Every time the batch writes (an attempt's start or end,
    /// a job's completion) is `date`: the moment of the group commit.
    @discardableResult
    public func apply(_ changes: [StoreChange], at date: Date) throws(StoreError) -> ApplyReport {
        if changes.isEmpty { return ApplyReport() }
        let keys = jobKeys
        let (report, learned, settled) = try write(.apply(changes: changes.count)) { db, coding in
            var report = ApplyReport()
            var statements = try ChangeStatements(db, keys: keys)
            let seconds = StoreCoding.seconds(date)
            for change in changes {
                switch try statements.apply(change, at: seconds, db: db, coding: coding) {
                case .applied: break
                case .duplicateResult(let job): report.duplicateResults.append(job)
                case .ignored: report.ignored.append(change)
                }
            }
            return (report, statements.learned, statements.settled)
        }
        keys.update(learned: learned, settled: settled)
        return report
    }
}

/// The cached statements of `apply`, prepared once per connection by SQLite's statement cache.
///
/// Every statement addresses a job's rows by its integer key (`seq`): kept in `JobKeyCache` for
/// the jobs in flight, otherwise found once per change through the index on the id's key.
/// Those rows sit near each other for jobs dispatched in submission order (see `StoreSchema`,
/// format 2), so a batch writes a few pages at the end of each table.
private struct ChangeStatements {
    enum Effect { case applied, duplicateResult(JobID), ignored }

    let keys: JobKeyCache
    /// Keys found in this transaction, and jobs that became final in it: for the cache, once
    /// the transaction committed.
    private(set) var learned: [(JobID, Int64)] = []
    private(set) var settled: [JobID] = []

    // The hot statements, run for every dispatched job, bind through SQLite's C API.
    let findJob: DirectStatement
    let startAttempt: DirectStatement
    let markRunning: DirectStatement
    let insertResult: DirectStatement
    let markCompleted: DirectStatement
    let completeAttempt: DirectStatement
    let completeRecordedAttempt: DirectStatement
    let logFinished: DirectStatement
    let logFailed: Statement
    let endAttempt: Statement
    let backToPending: Statement
    let failJob: Statement
    let cancelJob: DirectStatement
    let cancelSweep: Statement
    let finishSweep: Statement
    let sweepExists: Statement

    init(_ db: Database, keys: JobKeyCache) throws {
        self.keys = keys
        findJob = try DirectStatement(db, sql: ResultStore.findJobSQL)
        startAttempt = try DirectStatement(db, sql: """
            INSERT INTO attempts (job_seq, number, worker, started_at, outcome) VALUES (?, ?, ?, ?, 'running')
            ON CONFLICT (job_seq, number) DO NOTHING
            """)
        // A running job stays running (no write at all when another attempt already runs).
        markRunning = try DirectStatement(db, sql: "UPDATE jobs SET status = 'running' WHERE seq = ? AND status = 'pending'")
        endAttempt = try db.cachedStatement(sql: """
            UPDATE attempts SET outcome = ?, error = ?, ended_at = ?
            WHERE job_seq = ? AND number = ? AND outcome = 'running'
            """)
        backToPending = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'pending' WHERE seq = ?1 AND status = 'running'
            AND NOT EXISTS (SELECT 1 FROM attempts WHERE job_seq = ?1 AND outcome = 'running')
            """)
        insertResult = try DirectStatement(db, sql: """
            INSERT INTO results (job_seq, attempt, result) VALUES (?, ?, ?) ON CONFLICT (job_seq) DO NOTHING
            """)
        markCompleted = try DirectStatement(db, sql: """
            UPDATE jobs SET status = ?, completed_at = ?, error = NULL WHERE seq = ?
            """)
        completeAttempt = try DirectStatement(db, sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?
            WHERE job_seq = ? AND number = ? AND outcome = 'running'
            """)
        // The attempt whose result became the job's result completed, even if its lease had
        // expired meanwhile (a partition or a stall, not a death): the record must say so.
        completeRecordedAttempt = try DirectStatement(db, sql: """
            UPDATE attempts SET outcome = 'completed', ended_at = ?, error = NULL
            WHERE job_seq = ? AND number = ? AND outcome IN ('running', 'expired')
            """)
        // The finish log (`client.results` pages it) gets a row each time a job reaches a
        // finished status it did not have (format 8: written here, no trigger; see STORE.md).
        logFinished = try DirectStatement(db, sql: "INSERT INTO finish_log (job_seq) VALUES (?)")
        // Before `failJob`, with its conditions, and only if the job was not failed already.
        logFailed = try db.cachedStatement(sql: """
            INSERT INTO finish_log (job_seq) SELECT seq FROM jobs
            WHERE seq = ?1 AND status IS NOT 'failed' AND NOT EXISTS (SELECT 1 FROM results WHERE job_seq = ?1)
            """)
        failJob = try db.cachedStatement(sql: """
            UPDATE jobs SET status = 'failed', error = ?, completed_at = ?
            WHERE seq = ?3 AND NOT EXISTS (SELECT 1 FROM results WHERE job_seq = ?3)
            """)
        // By key: a cancel lists up to the planning window's jobs, whose keys the cache holds.
        cancelJob = try DirectStatement(db, sql: """
            UPDATE jobs SET status = 'cancelled', completed_at = ? WHERE seq = ? AND status IN ('pending', 'running')
            """)
        cancelSweep = try db.cachedStatement(sql: "UPDATE sweeps SET cancelled = 1 WHERE id = ?")
        finishSweep = try db.cachedStatement(sql: """
            UPDATE sweeps SET finished_at = ? WHERE id = ? AND finished_at IS NULL
            """)
        sweepExists = try db.cachedStatement(sql: "SELECT 1 FROM sweeps WHERE id = ?")
    }

    mutating func apply(_ change: StoreChange, at seconds: Double, db: Database, coding: StoreCoding) throws -> Effect {
        switch change {
        case .attemptStarted(let job, let number, let worker):
            guard let seq = try seq(of: job) else { return .ignored }
            let started = try startAttempt.execute {
                $0.bind(1, seq)
                $0.bind(2, number)
                $0.bind(3, worker.rawValue)
                $0.bind(4, seconds)
            }
            guard started == 1 else { return .ignored }  // attempt already started
            try markRunning.execute { $0.bind(1, seq) }
            learned.append((job, seq))
            return .applied

        case .attemptEnded(let job, let number, let outcome, let error):
            guard outcome != .running, let seq = try seq(of: job) else { return .ignored }
            try endAttempt.execute(arguments: [outcome.rawValue, error, seconds, seq, number])
            guard db.changesCount == 1 else { return .ignored }
            if outcome != .completed { try backToPending.execute(arguments: [seq]) }
            return .applied

        case .resultRecorded(let job, let attempt, let result):
            guard result.status.isCompleted, let seq = try seq(of: job) else { return .ignored }
            let json = try coding.resultJSON(result)
            let recorded = try insertResult.execute {
                $0.bind(1, seq)
                $0.bind(2, attempt)
                $0.bind(3, json)
            } == 1
            if recorded {
                // The job had no result, so it had no completed status either: it is finished now.
                try markCompleted.execute {
                    $0.bind(1, result.status.rawValue)
                    $0.bind(2, seconds)
                    $0.bind(3, seq)
                }
                try logFinished.execute { $0.bind(1, seq) }
            }
            try (recorded ? completeRecordedAttempt : completeAttempt).execute {
                $0.bind(1, seconds)
                $0.bind(2, seq)
                $0.bind(3, attempt)
            }
            settled.append(job)
            return recorded ? .applied : .duplicateResult(job)

        case .jobFailed(let job, let error):
            guard let seq = try seq(of: job) else { return .ignored }
            try logFailed.execute(arguments: [seq])
            try failJob.execute(arguments: [error, seconds, seq])
            settled.append(job)
            return db.changesCount == 1 ? .applied : .ignored

        case .jobsCancelled(let jobs):
            for job in jobs {
                guard let seq = try seq(of: job) else { continue }
                _ = try cancelJob.execute { $0.bind(1, seconds); $0.bind(2, seq) }
            }
            settled += jobs
            return .applied

        case .sweepCancelled(let sweep):
            try cancelSweep.execute(arguments: [sweep.rawValue])
            return db.changesCount == 1 ? .applied : .ignored

        case .sweepFinished(let sweep):
            try finishSweep.execute(arguments: [seconds, sweep.rawValue])
            if db.changesCount == 1 { return .applied }
            return try Int.fetchOne(sweepExists, arguments: [sweep.rawValue]) != nil ? .applied : .ignored
        }
    }

    /// The job's integer key (cached for jobs in flight, else looked up), or nil for a job the
    /// store does not hold.
    private func seq(of job: JobID) throws -> Int64? {
        if let key = keys.key(of: job) { return key }
        return try findJob.int64 { $0.bind(1, JobIDKey.of(job)); $0.bind(2, job.rawValue) }
    }
}
