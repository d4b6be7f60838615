import Foundation
import GRDB
import SweepModel

/// One page of a sweep's newly finished jobs, in commit order (`ResultStore.finishedJobs`).
public struct FinishedJobsPage: Sendable, Equatable {
    /// The finished jobs of the sweep in this page, each with its attempts and result.
    public var jobs: [JobRecord]
    /// Where the next page starts: pass it as `after`.
    public var cursor: Int64
    /// Whether the log holds entries past `cursor` (the caller may ask again at once).
    public var more: Bool

    public init(jobs: [JobRecord], cursor: Int64, more: Bool) {
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
    public func finishedJobs(
        sweep: SweepID, after: Int64, limit: Int, scanLimit: Int = 20_000
    ) throws(StoreError) -> FinishedJobsPage {
        let limit = max(1, limit)
        let window = max(limit, scanLimit)
        return try read("the finished jobs of sweep \(sweep.short)") { db, coding in
            let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM finish_log") ?? 0
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.jobColumns), sj.plan_index, f.seq, j.seq FROM finish_log f
                JOIN sweep_jobs sj ON sj.job_seq = f.job_seq AND sj.sweep_id = ?
                JOIN jobs j ON j.seq = f.job_seq \(Self.jobJoins)
                WHERE f.seq > ? AND f.seq <= ?
                ORDER BY f.seq LIMIT ?
                """, arguments: [sweep.rawValue, after, after + Int64(window), limit])
            var records: [JobRecord] = []
            var jobSeqs: [Int64] = []
            var cursor = min(last, after + Int64(window))
            while let row = try rows.next() {
                let stored = StoredRow(row, table: "jobs", keyColumn: 0)
                records.append(try Self.jobRecord(stored, index: 4, coding: coding))
                jobSeqs.append(row[6])
                if records.count == limit { cursor = row[5] }
            }
            if !jobSeqs.isEmpty {
                let attempts = try Self.fetchAttempts(db, sql: """
                    SELECT \(Self.attemptColumns) FROM attempts a JOIN jobs j ON j.seq = a.job_seq
                    WHERE a.job_seq IN (\(jobSeqs.map { _ in "?" }.joined(separator: ",")))
                    ORDER BY a.job_seq, a.number
                    """, arguments: StatementArguments(jobSeqs))
                for i in records.indices { records[i].attempts = attempts[records[i].id] ?? [] }
            }
            return FinishedJobsPage(jobs: records, cursor: max(cursor, after), more: cursor < last)
        }
    }
}
