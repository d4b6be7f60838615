import Foundation
import GRDB
import SweepModel

extension ResultStore {
    // MARK: - Sweeps

    /// Every sweep, in submission order.
    public func sweeps() throws(StoreError) -> [SweepRecord] {
        try read("the sweeps") { db, _ in
            try Row.fetchAll(db, sql: "SELECT \(Self.sweepColumns) FROM sweeps WHERE deleting = 0 ORDER BY seq").map(Self.sweepRecord)
        }
    }

    /// The sweep with exactly this id, if stored.
    public func sweep(id: SweepID) throws(StoreError) -> SweepRecord? {
        try read("sweep \(id.short)") { db, _ in try Self.fetchSweep(db, id: id) }
    }

    /// Looks a sweep up by what a user typed (`SweepReference`'s rule).
    public func lookupSweep(_ reference: String) throws(StoreError) -> SweepLookup {
        SweepReference(reference).resolve(among: try sweeps())
    }

    // MARK: - Jobs

    /// The sweep's jobs in plan order, each with its attempts and result: the input of reports.
    public func jobRecords(sweep: SweepID) throws(StoreError) -> [JobRecord] {
        try read("the jobs of sweep \(sweep.short)") { db, coding in
            var attempts = try Self.fetchAttempts(db, sql: """
                SELECT \(Self.attemptColumns) FROM attempts a
                JOIN sweep_jobs sj ON sj.job_seq = a.job_seq JOIN jobs j ON j.seq = a.job_seq
                WHERE sj.sweep_id = ? ORDER BY sj.plan_index, a.number
                """, arguments: [sweep.rawValue])
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.jobColumns), sj.plan_index, j.retry_base FROM sweep_jobs sj
                JOIN jobs j ON j.seq = sj.job_seq \(Self.jobJoins)
                WHERE sj.sweep_id = ? ORDER BY sj.plan_index
                """, arguments: [sweep.rawValue])
            var records: [JobRecord] = []
            while let row = try rows.next() {
                var record = try Self.jobRecord(
                    StoredRow(row, table: "jobs", keyColumn: 0), index: 4, retryBase: 5, coding: coding)
                record.attempts = attempts.removeValue(forKey: record.id) ?? []
                records.append(record)
            }
            return records
        }
    }

    /// How many of the sweep's jobs are in each status (every status present, zeros included).
    public func counts(sweep: SweepID) throws(StoreError) -> [JobStatus: Int] {
        try read("the counts of sweep \(sweep.short)") { db, _ in try Self.fetchCounts(db, sweep: sweep) }
    }

    /// The open sweeps and every pending or running job with its attempts, so a restarted
    /// coordinator resumes where the last one stopped: done stays done, running attempts are known.
    public func restartSnapshot() throws(StoreError) -> RestartSnapshot {
        try read("the restart snapshot") { db, coding in
            let openSweeps = try Row.fetchAll(db, sql: """
                SELECT \(Self.sweepColumns) FROM sweeps WHERE finished_at IS NULL AND deleting = 0 ORDER BY seq
                """).map(Self.sweepRecord)
            var attempts = try Self.fetchAttempts(db, sql: """
                SELECT \(Self.attemptColumns) FROM attempts a JOIN jobs j ON j.seq = a.job_seq
                WHERE j.status IN ('pending', 'running') ORDER BY a.job_seq, a.number
                """, arguments: [])
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.jobColumns), sj.plan_index, sj.sweep_id, j.retry_base
                FROM jobs j \(Self.jobJoins)
                JOIN sweep_jobs sj ON sj.job_seq = j.seq JOIN sweeps s ON s.id = sj.sweep_id
                WHERE j.status IN ('pending', 'running') ORDER BY s.seq, sj.plan_index
                """)
            var jobs: [RestartSnapshot.OpenJob] = []
            var position: [JobID: Int] = [:]
            while let row = try rows.next() {
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                let sweep = SweepID(rawValue: try stored.string(5, "sweep_id"))
                if let at = position[JobID(rawValue: stored.key)] {
                    jobs[at].sweeps.append(sweep)
                    continue
                }
                var record = try Self.jobRecord(stored, index: 4, retryBase: 6, coding: coding)
                record.attempts = attempts.removeValue(forKey: record.id) ?? []
                position[record.id] = jobs.count
                jobs.append(RestartSnapshot.OpenJob(record: record, sweeps: [sweep]))
            }
            return RestartSnapshot(openSweeps: openSweeps, jobs: jobs)
        }
    }

    // MARK: - Row mapping

    static let sweepColumns = """
        id, name, source_text, source_name, max_attempts, job_timeout_seconds, created_at, finished_at, cancelled,
        job_count, planned_jobs
        """

    /// An attempt's columns, from `attempts a` joined with its `jobs j`.
    static let attemptColumns = "j.id, a.number, a.worker, a.started_at, a.ended_at, a.outcome, a.error"

    /// `id, parameters, status, result` of `jobs j` (with `jobJoins`), as `jobRecord` reads them.
    static let jobColumns = "j.id, p.parameters, j.status, r.result"

    /// The joins `jobColumns` needs after `jobs j`.
    static let jobJoins = "JOIN job_parameters p ON p.job_seq = j.seq LEFT JOIN results r ON r.job_seq = j.seq"

    /// The sweep `id`; one being deleted only if `includingDeleted` (every read but the deletion
    /// itself and submit's check hides it).
    static func fetchSweep(_ db: Database, id: SweepID, includingDeleted: Bool = false) throws -> SweepRecord? {
        try Row.fetchOne(
            db, sql: "SELECT \(sweepColumns) FROM sweeps WHERE id = ?\(includingDeleted ? "" : " AND deleting = 0")",
            arguments: [id.rawValue]
        ).map(sweepRecord)
    }

    static func sweepRecord(_ row: Row) throws -> SweepRecord {
        let stored = StoredRow(row, table: "sweeps", keyColumn: 0)
        return SweepRecord(
            id: SweepID(rawValue: stored.key),
            name: try stored.string(1, "name"),
            sourceText: try stored.string(2, "source_text"),
            sourceName: try stored.string(3, "source_name"),
            maxAttempts: try stored.int(4, "max_attempts"),
            jobTimeoutSeconds: try stored.double(5, "job_timeout_seconds"),
            createdAt: StoreCoding.date(try stored.double(6, "created_at")),
            finishedAt: try stored.optionalDouble(7, "finished_at").map(StoreCoding.date),
            cancelled: try stored.bool(8, "cancelled"),
            jobCount: try stored.int(9, "job_count"),
            plannedJobs: try stored.int(10, "planned_jobs"))
    }

    /// Maps `id, parameters, status, result` (columns 0...3), the plan index at `index` and,
    /// when selected, `retry_base` at `retryBase`.
    static func jobRecord(_ stored: StoredRow, index: Int, retryBase: Int? = nil, coding: StoreCoding) throws -> JobRecord {
        JobRecord(
            id: JobID(rawValue: stored.key),
            index: try stored.int(index, "plan_index"),
            parameters: try stored.json(1, "parameters", as: JobParameters.self, coding: coding),
            status: try stored.value(2, "status", as: JobStatus.self),
            result: try stored.optionalJSON(3, "result", as: JobResult.self, coding: coding),
            retryBase: try retryBase.map { try stored.int($0, "retry_base") } ?? 0)
    }

    /// Attempts grouped by job, each group in the order the query returns them.
    static func fetchAttempts(
        _ db: Database, sql: String, arguments: StatementArguments
    ) throws -> [JobID: [AttemptRecord]] {
        var attempts: [JobID: [AttemptRecord]] = [:]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() {
            let stored = StoredRow(row, table: "attempts", keyColumn: 0)
            let job = JobID(rawValue: stored.key)
            attempts[job, default: []].append(AttemptRecord(
                jobID: job,
                number: try stored.int(1, "number"),
                worker: WorkerID(rawValue: try stored.string(2, "worker")),
                startedAt: StoreCoding.date(try stored.double(3, "started_at")),
                endedAt: try stored.optionalDouble(4, "ended_at").map(StoreCoding.date),
                outcome: try stored.value(5, "outcome", as: AttemptRecord.Outcome.self),
                error: try stored.optionalString(6, "error")))
        }
        return attempts
    }

    /// The sweep's jobs per status, plan positions without a job row included: `pending`, or
    /// `cancelled` when the sweep is.
    static func fetchCounts(_ db: Database, sweep: SweepID) throws -> [JobStatus: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        if let record = try fetchSweep(db, id: sweep) {
            counts[record.cancelled ? .cancelled : .pending, default: 0] += record.unplannedJobs
        }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT j.status, COUNT(*) FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
            WHERE sj.sweep_id = ? GROUP BY j.status
            """, arguments: [sweep.rawValue])
        while let row = try rows.next() {
            let stored = StoredRow(row, table: "jobs", keyColumn: 0)
            counts[try stored.value(0, "status", as: JobStatus.self), default: 0] += try stored.int(1, "count")
        }
        return counts
    }
}

extension ResultStore {
    /// How many of `jobs` the store holds in each status (jobs it does not hold are not counted):
    /// what a dry run reports as already done. Looked up by the ids' keys in chunks of 500, each
    /// row kept only if its id is one of `jobs` (keys may collide).
    public func statuses(of jobs: [JobID]) throws(StoreError) -> [JobStatus: Int] {
        try read("the statuses of \(jobs.count) jobs") { db, _ in
            var counts: [JobStatus: Int] = [:]
            for start in stride(from: 0, to: jobs.count, by: 500) {
                let chunk = jobs[start..<min(start + 500, jobs.count)]
                let wanted = Set(chunk.map(\.rawValue))
                let placeholders = chunk.map { _ in "?" }.joined(separator: ", ")
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT id, status FROM jobs WHERE id_key IN (\(placeholders))",
                    arguments: StatementArguments(chunk.map { JobIDKey.of($0) }))
                while let row = try rows.next() {
                    let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                    guard wanted.contains(stored.key) else { continue }
                    counts[try stored.value(1, "status", as: JobStatus.self), default: 0] += 1
                }
            }
            return counts
        }
    }
}

extension ResultStore {
    /// Whether the store holds any job row: if not, a new plan cannot share a job with it and
    /// needs no look-ups.
    public func holdsJobs() throws(StoreError) -> Bool {
        try read("whether jobs are stored") { db, _ in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM jobs)") ?? false
        }
    }
}
