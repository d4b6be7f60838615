import Foundation
import GRDB
import SweepModel

/// One page of a sweep's newly finished jobs, in commit order (`ResultStore.finishedJobs`).
public struct FinishedJobsPage: Sendable, Equatable {
    /// The finished jobs of the sweep in this page, parameters and results as stored (JSON text).
    public var jobs: [FinishedJob]
    /// Where the next page starts: pass it as `after`.
    public var cursor: Int64
    /// Whether the log holds entries past `cursor` (the caller may ask again at once).
    public var more: Bool

    public init(jobs: [FinishedJob], cursor: Int64, more: Bool) {
        self.jobs = jobs
        self.cursor = cursor
        self.more = more
    }
}

extension ResultStore {
    /// The jobs of `sweep` that reached clustered, censored, diverged or failed after log position
    /// `after` (0 for the start), at most `limit` of them, scanning at most `scanLimit` log
    /// entries (entries of other sweeps count): the cost of one call is bounded by the page,
    /// whatever the sweep's size. A job that failed and later got a result appears twice.
    /// Parameters and results are not decoded: the caller passes the stored text on.
    public func finishedJobs(
        sweep: SweepID, after: Int64, limit: Int, scanLimit: Int = 20_000
    ) throws(StoreError) -> FinishedJobsPage {
        let limit = max(1, limit)
        let window = max(limit, scanLimit)
        return try read("the finished jobs of sweep \(sweep.short)") { db, _ in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM finish_log") ?? 0
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.jobColumns), sj.plan_index, f.seq, j.error, j.completed_at FROM finish_log f
                JOIN sweep_jobs sj ON sj.job_seq = f.job_seq AND sj.sweep_id = ?
                JOIN jobs j ON j.seq = f.job_seq \(Self.jobJoins)
                WHERE f.seq > ? AND f.seq <= ?
                ORDER BY f.seq LIMIT ?
                """, arguments: [sweep.rawValue, after, after + Int64(window), limit])
            var jobs: [FinishedJob] = []
            var cursor = min(last, after + Int64(window))
            while let row = try rows.next() {
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                jobs.append(FinishedJob(
                    id: JobID(rawValue: stored.key), index: try stored.int(4, "plan_index"),
                    status: try stored.value(2, "status", as: JobStatus.self),
                    parametersJSON: try stored.string(1, "parameters"), resultJSON: try stored.optionalString(3, "result"),
                    error: try stored.optionalString(6, "error"),
                    completedAt: try stored.optionalDouble(7, "completed_at").map(StoreCoding.date)))
                if jobs.count == limit { cursor = Int64(try stored.int(5, "seq")) }
            }
            return FinishedJobsPage(jobs: jobs, cursor: max(cursor, after), more: cursor < last)
        }
    }
}
