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

extension ResultStore {
    /// Puts the sweep's jobs whose status is in `statuses` (`failed`, `cancelled`) back to
    /// `pending`, in one transaction. Each keeps its attempts as history; `retry_base` is set to
    /// its last attempt so that only attempts after the retry count against `max_attempts`. The
    /// sweep is open again (not finished; not cancelled when `cancelled` jobs are re-queued), and
    /// takes `maxAttempts` when given. Jobs with a result are never touched.
    public func retry(
        sweep: SweepID, statuses: Set<JobStatus>, maxAttempts: Int?
    ) throws(StoreError) -> RetryOutcome {
        let wanted = statuses.filter { $0 == .failed || $0 == .cancelled }
        let (record, previous, jobs) = try write(.retry(sweep)) { db, coding -> (SweepRecord, [JobID: JobStatus], [JobRecord]) in
            guard try Self.fetchSweep(db, id: sweep) != nil else {
                throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected("no sweep \(sweep.short)"))
            }
            let placeholders = wanted.map { _ in "?" }.joined(separator: ", ")
            var previous: [JobID: JobStatus] = [:]
            var keys: [(seq: Int64, index: Int)] = []
            if !wanted.isEmpty {
                let arguments = StatementArguments([sweep.rawValue] + wanted.map(\.rawValue))
                let rows = try Row.fetchAll(db, sql: """
                    SELECT j.id, j.status, j.seq, sj.plan_index FROM sweep_jobs sj JOIN jobs j ON j.seq = sj.job_seq
                    WHERE sj.sweep_id = ? AND j.status IN (\(placeholders))
                        AND j.seq NOT IN (SELECT job_seq FROM results)
                    ORDER BY sj.plan_index
                    """, arguments: arguments)
                for row in rows {
                    let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                    previous[JobID(rawValue: stored.key)] = try stored.value(1, "status", as: JobStatus.self)
                    keys.append((Int64(try stored.int(2, "seq")), try stored.int(3, "plan_index")))
                }
                try db.execute(sql: """
                    UPDATE jobs SET status = 'pending', completed_at = NULL, error = NULL,
                        retry_base = (SELECT COALESCE(MAX(a.number), 0) FROM attempts a WHERE a.job_seq = jobs.seq)
                    WHERE seq IN (SELECT job_seq FROM sweep_jobs WHERE sweep_id = ?) AND status IN (\(placeholders))
                        AND seq NOT IN (SELECT job_seq FROM results)
                    """, arguments: arguments)
            }
            let reopensCancelled = wanted.contains(.cancelled)
            try db.execute(sql: """
                UPDATE sweeps SET finished_at = CASE WHEN ? THEN NULL ELSE finished_at END,
                    cancelled = CASE WHEN ? THEN 0 ELSE cancelled END,
                    max_attempts = COALESCE(?, max_attempts)
                WHERE id = ?
                """, arguments: [!previous.isEmpty || reopensCancelled, reopensCancelled, maxAttempts, sweep.rawValue])
            guard let record = try Self.fetchSweep(db, id: sweep) else {
                throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected(
                    "the sweep row vanished inside its own transaction"))
            }
            // Only the re-queued jobs are read back (not the whole sweep), in plan order.
            let records = try Self.fetchJobRecords(db, seqs: keys, coding: coding)
            let byIndex = Dictionary(records.values.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
            let jobs = try keys.map { key in
                guard let record = byIndex[key.index] else {
                    throw StoreError(path: path, operation: .retry(sweep), reason: .unexpected("a re-queued job vanished"))
                }
                return record
            }
            return (record, previous, jobs)
        }
        return RetryOutcome(sweep: record, jobs: jobs, previousStatus: previous)
    }
}
