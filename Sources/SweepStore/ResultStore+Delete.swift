import Foundation
import GRDB
import SweepModel

/// What `ResultStore.delete` removed.
public struct DeleteOutcome: Sendable, Equatable {
    /// Jobs removed with their attempts and results (no other sweep holds them).
    public var jobsRemoved: Int
    /// Jobs kept because another sweep holds them too (their results stay, for that sweep).
    public var jobsKept: Int

    public init(jobsRemoved: Int, jobsKept: Int) {
        self.jobsRemoved = jobsRemoved
        self.jobsKept = jobsKept
    }
}

extension ResultStore {
    /// Removes a sweep in one transaction: its row, its plan, and every job no other sweep
    /// holds (with the job's parameters, attempts and result). Jobs that another sweep shares
    /// stay with their results. Refuses nothing: the caller checks that the sweep has ended.
    public func delete(sweep: SweepID) throws(StoreError) -> DeleteOutcome {
        // SQLite may give a removed job's key to a new row: no cached key may outlive this.
        defer { jobKeys.removeAll() }
        return try write(.delete(sweep)) { db, _ in
            guard try Self.fetchSweep(db, id: sweep) != nil else {
                throw StoreError(path: path, operation: .delete(sweep), reason: .unexpected("no sweep \(sweep.short)"))
            }
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sweep_jobs WHERE sweep_id = ?", arguments: [sweep.rawValue]) ?? 0
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS doomed_jobs (seq INTEGER PRIMARY KEY);
                DELETE FROM doomed_jobs;
                """)
            try db.execute(sql: """
                INSERT INTO doomed_jobs (seq)
                    SELECT sj.job_seq FROM sweep_jobs sj WHERE sj.sweep_id = ?1
                    AND NOT EXISTS (SELECT 1 FROM sweep_jobs o WHERE o.job_seq = sj.job_seq AND o.sweep_id != ?1)
                """, arguments: [sweep.rawValue])
            let removed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM doomed_jobs") ?? 0
            try db.execute(sql: "DELETE FROM sweep_jobs WHERE sweep_id = ?", arguments: [sweep.rawValue])
            try db.execute(sql: """
                DELETE FROM finish_log WHERE job_seq IN (SELECT seq FROM doomed_jobs);
                DELETE FROM attempts WHERE job_seq IN (SELECT seq FROM doomed_jobs);
                DELETE FROM results WHERE job_seq IN (SELECT seq FROM doomed_jobs);
                DELETE FROM job_parameters WHERE job_seq IN (SELECT seq FROM doomed_jobs);
                DELETE FROM jobs WHERE seq IN (SELECT seq FROM doomed_jobs);
                DELETE FROM doomed_jobs;
                """)
            try db.execute(sql: "DELETE FROM sweeps WHERE id = ?", arguments: [sweep.rawValue])
            return DeleteOutcome(jobsRemoved: removed, jobsKept: total - removed)
        }
    }
}
