import Foundation
import GRDB
import SweepModel

/// What `ResultStore.retry` changed.
public struct RetryOutcome: Sendable, Equatable {
    /// The sweep as stored now (open again; `max_attempts` as given).
    public var sweep: SweepRecord
    /// The re-queued jobs as stored now (`pending`, `retryBase` at their last attempt), in plan order.
    public var jobs: [JobRecord]
    /// Each re-queued job's status before the retry.
    public var previousStatus: [JobID: JobStatus]

    public init(sweep: SweepRecord, jobs: [JobRecord], previousStatus: [JobID: JobStatus]) {
        self.sweep = sweep
        self.jobs = jobs
        self.previousStatus = previousStatus
    }
}

/// What one `ResultStore.retryStep` re-queued, and whether the retry is over.
public struct RetrySlice: Sendable, Equatable {
    /// The jobs re-queued by this slice as stored now, in plan order.
    public var jobs: [JobRecord]
    /// Each of them's status before the retry.
    public var previousStatus: [JobID: JobStatus]
    /// The slice's jobs that were pending or running already (another sweep holding them had
    /// reopened or re-queued them): the sweep holds them again too.
    public var openJobs: [JobID]
    /// The retry has looked at every plan position it covers (or none was under way).
    public var done: Bool

    public init(jobs: [JobRecord] = [], previousStatus: [JobID: JobStatus] = [:], openJobs: [JobID] = [], done: Bool) {
        self.jobs = jobs
        self.previousStatus = previousStatus
        self.openJobs = openJobs
        self.done = done
    }
}

/// A retry under way (`ResultStore.beginRetry`), as stored.
public struct RetryInProgress: Sendable, Equatable {
    public var sweep: SweepID
    /// The statuses it re-queues: `failed`, `cancelled` or both.
    public var statuses: Set<JobStatus>
    /// Plan positions looked at so far (from 0), out of `end`.
    public var cursor: Int
    public var end: Int
    /// The jobs it will still re-queue (at positions `cursor..<end`), by status now; filled by
    /// `retriesInProgress` only (a restart needs them for `status`).
    public var awaiting: [JobStatus: Int] = [:]
}

extension ResultStore {
    /// Starts re-queueing the sweep's jobs whose status is in `statuses` (`failed`, `cancelled`;
    /// others are ignored). This transaction reopens the sweep (not finished; not cancelled when
    /// `cancelled` jobs are re-queued, so its unplanned positions are pending again), takes
    /// `maxAttempts` when given, and records the retry; `retryStep` then re-queues the jobs a
    /// slice of plan positions per transaction, so a retry of a million failed jobs never holds
    /// the coordinator's loop. A restart resumes it (`retriesInProgress`). Throws if the sweep is
    /// unknown or a retry of it is already under way. Returns the sweep as stored now.
    public func beginRetry(
        sweep: SweepID, statuses: Set<JobStatus>, maxAttempts: Int?
    ) throws(StoreError) -> SweepRecord {
        let wanted = Self.retryableStatuses(statuses)
        return try write(.retry(sweep)) { db, _ -> SweepRecord in
            guard try Self.fetchSweep(db, id: sweep) != nil else {
                throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected("no sweep \(sweep.short)"))
            }
            if try Self.fetchRetry(db, sweep: sweep) != nil {
                throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected(
                    "a retry of sweep \(sweep.short) is already under way"))
            }
            let reopensCancelled = wanted.contains(.cancelled)
            try db.execute(sql: """
                UPDATE sweeps SET finished_at = NULL,
                    cancelled = CASE WHEN ? THEN 0 ELSE cancelled END,
                    max_attempts = COALESCE(?, max_attempts),
                    retry_statuses = ?, retry_cursor = 0, retry_end = planned_jobs
                WHERE id = ?
                """, arguments: [
                    reopensCancelled, maxAttempts, wanted.isEmpty ? nil : Self.statusList(wanted), sweep.rawValue,
                ])
            guard let record = try Self.fetchSweep(db, id: sweep) else {
                throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected(
                    "the sweep row vanished inside its own transaction"))
            }
            return record
        }
    }

    /// Re-queues the jobs of the next `rows` plan positions of the sweep's retry, in one
    /// transaction: each `failed` or `cancelled` one (as the retry asked) without a result goes
    /// back to `pending`, keeping its attempts as history, with `retry_base` at its last attempt
    /// so only later attempts count against `max_attempts`. Jobs with a result are never touched.
    /// When the last position is done the retry is over (`done`).
    public func retryStep(sweep: SweepID, rows: Int) throws(StoreError) -> RetrySlice {
        try write(.retry(sweep)) { db, coding -> RetrySlice in
            guard let retry = try Self.fetchRetry(db, sweep: sweep) else { return RetrySlice(done: true) }
            let upper = min(retry.end, retry.cursor + max(1, rows))
            var previous: [JobID: JobStatus] = [:]
            var open: [JobID] = []
            var keys: [(seq: Int64, index: Int)] = []
            let wanted = retry.statuses.union([.pending, .running])
            let placeholders = wanted.map { _ in "?" }.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: """
                SELECT j.id, j.status, j.seq, sj.plan_index FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
                WHERE sj.sweep_id = ? AND sj.plan_index >= ? AND sj.plan_index < ?
                    AND j.status IN (\(placeholders))
                    AND NOT EXISTS (SELECT 1 FROM results r WHERE r.job_seq = j.seq)
                ORDER BY sj.plan_index
                """, arguments: StatementArguments([sweep.rawValue, retry.cursor, upper] as [any DatabaseValueConvertible]
                    + wanted.map(\.rawValue)))
            for row in rows {
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                let status = try stored.value(1, "status", as: JobStatus.self)
                guard retry.statuses.contains(status) else {
                    open.append(JobID(rawValue: stored.key))
                    continue
                }
                previous[JobID(rawValue: stored.key)] = status
                keys.append((Int64(try stored.int(2, "seq")), try stored.int(3, "plan_index")))
            }
            let requeue = try db.makeStatement(sql: """
                UPDATE jobs SET status = 'pending', completed_at = NULL, error = NULL,
                    retry_base = (SELECT COALESCE(MAX(a.number), 0) FROM attempts a WHERE a.job_seq = jobs.seq)
                WHERE seq = ?
                """)
            for key in keys { try requeue.execute(arguments: [key.seq]) }
            let done = upper >= retry.end
            if done {
                try db.execute(
                    sql: "UPDATE sweeps SET retry_statuses = NULL, retry_cursor = 0, retry_end = 0 WHERE id = ?",
                    arguments: [sweep.rawValue])
            } else {
                try db.execute(sql: "UPDATE sweeps SET retry_cursor = ? WHERE id = ?", arguments: [upper, sweep.rawValue])
            }
            // Only the re-queued jobs are read back, in plan order.
            let records = try Self.fetchJobRecords(db, seqs: keys, coding: coding)
            let byIndex = Dictionary(records.values.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
            let jobs = try keys.map { key in
                guard let record = byIndex[key.index] else {
                    throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected("a re-queued job vanished"))
                }
                return record
            }
            return RetrySlice(jobs: jobs, previousStatus: previous, openJobs: open, done: done)
        }
    }

    /// Stops the sweep's retry where it is (the sweep was cancelled meanwhile): the jobs already
    /// re-queued stay so, the others keep their status.
    public func endRetry(sweep: SweepID) throws(StoreError) {
        try write(.retry(sweep)) { db, _ in
            try db.execute(
                sql: "UPDATE sweeps SET retry_statuses = NULL, retry_cursor = 0, retry_end = 0 WHERE id = ?",
                arguments: [sweep.rawValue])
        }
    }

    /// The retries under way, in submission order of their sweeps, with the jobs each will still
    /// re-queue (one range read of the rest of its plan): a restarted coordinator carries them on.
    public func retriesInProgress() throws(StoreError) -> [RetryInProgress] {
        try read("retries under way") { db, _ in
            var retries = try Row.fetchAll(db, sql: """
                SELECT id, retry_statuses, retry_cursor, retry_end FROM sweeps
                WHERE retry_statuses IS NOT NULL AND deleting = 0 ORDER BY seq
                """).map(Self.retryInProgress)
            for i in retries.indices {
                let retry = retries[i]
                let placeholders = retry.statuses.map { _ in "?" }.joined(separator: ", ")
                let rows = try Row.fetchAll(db, sql: """
                    SELECT j.status, COUNT(*) FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
                    WHERE sj.sweep_id = ? AND sj.plan_index >= ? AND sj.plan_index < ?
                        AND j.status IN (\(placeholders))
                        AND NOT EXISTS (SELECT 1 FROM results r WHERE r.job_seq = j.seq)
                    GROUP BY j.status
                    """, arguments: StatementArguments([retry.sweep.rawValue, retry.cursor, retry.end] as [any DatabaseValueConvertible]
                        + retry.statuses.map(\.rawValue)))
                for row in rows {
                    let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                    retries[i].awaiting[try stored.value(0, "status", as: JobStatus.self)] = try stored.int(1, "count")
                }
            }
            return retries
        }
    }

    /// Re-queues the sweep's `failed` and/or `cancelled` jobs (`statuses`) at once: `beginRetry`
    /// and every `retryStep`, for callers that hold no loop (tests, tools). The sweep is reopened
    /// only when something comes back: a re-queued job or, for `cancelled`, a cancelled sweep.
    public func retry(
        sweep: SweepID, statuses: Set<JobStatus>, maxAttempts: Int?
    ) throws(StoreError) -> RetryOutcome {
        var record = try beginRetry(sweep: sweep, statuses: statuses, maxAttempts: maxAttempts)
        var jobs: [JobRecord] = []
        var previous: [JobID: JobStatus] = [:]
        while true {
            let slice = try retryStep(sweep: sweep, rows: 4096)
            jobs += slice.jobs
            previous.merge(slice.previousStatus) { first, _ in first }
            if slice.done { break }
        }
        if let stored = try self.sweep(id: sweep) { record = stored }
        return RetryOutcome(sweep: record, jobs: jobs, previousStatus: previous)
    }

    // MARK: - Rows

    static func retryableStatuses(_ statuses: Set<JobStatus>) -> Set<JobStatus> {
        statuses.filter { $0 == .failed || $0 == .cancelled }
    }

    /// `failed`, `cancelled` or `cancelled,failed` (sorted, so equal sets store equal text).
    static func statusList(_ statuses: Set<JobStatus>) -> String {
        statuses.map(\.rawValue).sorted().joined(separator: ",")
    }

    static func fetchRetry(_ db: Database, sweep: SweepID) throws -> RetryInProgress? {
        try Row.fetchOne(db, sql: """
            SELECT id, retry_statuses, retry_cursor, retry_end FROM sweeps WHERE id = ? AND retry_statuses IS NOT NULL
            """, arguments: [sweep.rawValue]).map(retryInProgress)
    }

    static func retryInProgress(_ row: Row) throws -> RetryInProgress {
        let stored = StoredRow(row, table: "sweeps", keyColumn: 0)
        let list = try stored.string(1, "retry_statuses")
        var statuses: Set<JobStatus> = []
        for name in list.split(separator: ",") {
            guard let status = JobStatus(rawValue: String(name)) else {
                throw CorruptRecord(
                    table: "sweeps", key: stored.key, column: "retry_statuses", detail: "unknown status '\(name)'")
            }
            statuses.insert(status)
        }
        return RetryInProgress(
            sweep: SweepID(rawValue: stored.key), statuses: statuses,
            cursor: try stored.int(2, "retry_cursor"), end: try stored.int(3, "retry_end"))
    }
}
