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

/// How far a deletion has got (`ResultStore.deleteStep`).
public struct DeleteProgress: Sendable, Equatable {
    /// The counts so far; final once `done`.
    public var outcome: DeleteOutcome
    /// Whether the sweep is gone.
    public var done: Bool
}

/// Deleting a sweep, a slice at a time: `beginDelete` flags the sweep `deleting` (every read
/// hides it from then on), and each `deleteStep` does a bounded amount of the rest in its own
/// transaction, so a coordinator deletes a million-job sweep between its loop iterations. The
/// progress is in the file (`deletions`, `doomed_jobs`): after a crash `sweepsBeingDeleted` names
/// what to finish.
///
/// The phases: (0) unlink the plan (`sweep_jobs`) in plan order, noting each job no other sweep
/// holds in `doomed_jobs`; (1) remove those jobs' rows from the finish log, a range of it per
/// step (it has no index by job, on purpose); (2) remove the jobs with their parameters, attempts
/// and result; then the sweep's row. A doomed job that a new sweep took up meanwhile is kept.
extension ResultStore {
    /// Flags an ended sweep for deletion. The caller checks that it has ended; deleting a sweep
    /// already being deleted changes nothing.
    public func beginDelete(sweep: SweepID) throws(StoreError) {
        try write(.delete(sweep)) { db, _ in
            guard try Self.fetchSweep(db, id: sweep, includingDeleted: true) != nil else {
                throw StoreError(path: path, operation: .delete(sweep), reason: .unexpected("no sweep \(sweep.short)"))
            }
            try db.execute(sql: "UPDATE sweeps SET deleting = 1 WHERE id = ?", arguments: [sweep.rawValue])
            try db.execute(sql: "INSERT OR IGNORE INTO deletions (sweep_id) VALUES (?)", arguments: [sweep.rawValue])
        }
    }

    /// The sweeps whose deletion began and has not finished, oldest first.
    public func sweepsBeingDeleted() throws(StoreError) -> [SweepID] {
        try read("the sweeps being deleted") { db, _ in
            try String.fetchAll(db, sql: """
                SELECT d.sweep_id FROM deletions d JOIN sweeps s ON s.id = d.sweep_id ORDER BY s.seq
                """).map(SweepID.init(rawValue:))
        }
    }

    /// Does up to about `rows` rows of the deletion's work in one transaction (`beginDelete`
    /// first). Call it again until `done`.
    public func deleteStep(sweep: SweepID, rows: Int) throws(StoreError) -> DeleteProgress {
        let limit = max(1, rows)
        let (progress, freedKeys) = try write(.delete(sweep)) { db, _ in try Self.deleteStep(db, sweep: sweep, limit: limit) }
        // A removed job's integer key may go to a new row: no cached key may outlive it (the
        // cache holds only jobs in flight, which refill it as they next change).
        if freedKeys { jobKeys.removeAll() }
        return progress
    }

    /// Deletes an ended sweep whole (for an offline `delete --state`, where no loop waits).
    public func delete(sweep: SweepID) throws(StoreError) -> DeleteOutcome {
        try beginDelete(sweep: sweep)
        while true {
            let progress = try deleteStep(sweep: sweep, rows: 50_000)
            if progress.done { return progress.outcome }
        }
    }

    private static func deleteStep(_ db: Database, sweep: SweepID, limit: Int) throws -> (DeleteProgress, freedKeys: Bool) {
        let id = sweep.rawValue
        guard let state = try Row.fetchOne(db, sql: """
            SELECT phase, finish_log_cursor, finish_log_end, removed, kept FROM deletions WHERE sweep_id = ?
            """, arguments: [id])
        else {
            // Not being deleted (finished already, or never begun).
            return (DeleteProgress(outcome: DeleteOutcome(jobsRemoved: 0, jobsKept: 0), done: true), false)
        }
        var phase: Int = state["phase"]
        var cursor: Int64 = state["finish_log_cursor"]
        var end: Int64 = state["finish_log_end"]
        var removed: Int = state["removed"]
        var kept: Int = state["kept"]
        var freedKeys = false
        var done = false
        switch phase {
        case 0:
            // The next `limit` links in plan order (the primary key), handled as one range.
            let bounds = try Row.fetchOne(db, sql: """
                SELECT MIN(plan_index) AS first, MAX(plan_index) AS last, COUNT(*) AS count FROM (
                    SELECT plan_index FROM sweep_jobs WHERE sweep_id = ? ORDER BY plan_index LIMIT ?)
                """, arguments: [id, limit])
            let count: Int = bounds?["count"] ?? 0
            if count > 0, let first: Int64 = bounds?["first"], let last: Int64 = bounds?["last"] {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO doomed_jobs (seq, sweep_id)
                    SELECT sj.job_seq, ?1 FROM sweep_jobs sj
                    WHERE sj.sweep_id = ?1 AND sj.plan_index BETWEEN ?2 AND ?3
                    AND NOT EXISTS (SELECT 1 FROM sweep_jobs o WHERE o.job_seq = sj.job_seq AND o.sweep_id <> ?1)
                    """, arguments: [id, first, last])
                let doomed = db.changesCount
                removed += doomed
                kept += count - doomed
                try db.execute(
                    sql: "DELETE FROM sweep_jobs WHERE sweep_id = ? AND plan_index BETWEEN ? AND ?", arguments: [id, first, last])
            } else {
                phase = 1
                cursor = 0
                end = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) FROM finish_log") ?? 0
            }
        case 1:
            if cursor >= end || removed == 0 {
                phase = 2
            } else {
                // A range of the log per step, each row one look-up in `doomed_jobs`; a doomed job
                // that a new sweep took up keeps its rows.
                let upTo = min(end, cursor + Int64(limit) * 8)
                // Marked first, so that a doomed job a new sweep takes up after this point gets
                // its row back in phase 2 (that sweep's dashboard feed lists it).
                try db.execute(sql: """
                    UPDATE doomed_jobs SET unlogged = 1
                    WHERE sweep_id = ?3 AND seq IN (SELECT job_seq FROM finish_log WHERE seq > ?1 AND seq <= ?2)
                    AND NOT EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.job_seq = doomed_jobs.seq)
                    """, arguments: [cursor, upTo, id])
                try db.execute(sql: """
                    DELETE FROM finish_log WHERE seq > ?1 AND seq <= ?2
                    AND job_seq IN (SELECT seq FROM doomed_jobs WHERE sweep_id = ?3)
                    AND NOT EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.job_seq = finish_log.job_seq)
                    """, arguments: [cursor, upTo, id])
                cursor = upTo
            }
        default:
            try db.execute(sql: """
                CREATE TEMP TABLE IF NOT EXISTS deletion_slice (seq INTEGER PRIMARY KEY, unlogged INTEGER NOT NULL);
                DELETE FROM temp.deletion_slice;
                """)
            try db.execute(sql: """
                INSERT INTO temp.deletion_slice (seq, unlogged)
                SELECT seq, unlogged FROM doomed_jobs WHERE sweep_id = ? ORDER BY seq LIMIT ?
                """, arguments: [id, limit])
            if db.changesCount == 0 {
                try db.execute(sql: "DELETE FROM deletions WHERE sweep_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM sweeps WHERE id = ?", arguments: [id])
                done = true
            } else {
                try db.execute(sql: "DELETE FROM doomed_jobs WHERE seq IN (SELECT seq FROM temp.deletion_slice)")
                // A sweep submitted meanwhile holds these: they stay, with their results, and a
                // finished one whose finish-log row phase 1 removed gets a new one.
                try db.execute(sql: """
                    INSERT INTO finish_log (job_seq)
                    SELECT d.seq FROM temp.deletion_slice d JOIN jobs j ON j.seq = d.seq
                    WHERE d.unlogged = 1 AND j.status IN ('clustered', 'censored', 'diverged', 'completed', 'failed')
                    AND EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.job_seq = d.seq)
                    ORDER BY d.seq
                    """)
                try db.execute(sql: """
                    DELETE FROM temp.deletion_slice WHERE EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.job_seq = deletion_slice.seq)
                    """)
                let retaken = db.changesCount
                removed -= retaken
                kept += retaken
                try db.execute(sql: """
                    DELETE FROM attempts WHERE job_seq IN (SELECT seq FROM temp.deletion_slice);
                    DELETE FROM results WHERE job_seq IN (SELECT seq FROM temp.deletion_slice);
                    DELETE FROM job_parameters WHERE job_seq IN (SELECT seq FROM temp.deletion_slice);
                    DELETE FROM jobs WHERE seq IN (SELECT seq FROM temp.deletion_slice);
                    """)
                freedKeys = db.changesCount > 0
            }
        }
        if !done {
            try db.execute(sql: """
                UPDATE deletions SET phase = ?, finish_log_cursor = ?, finish_log_end = ?, removed = ?, kept = ?
                WHERE sweep_id = ?
                """, arguments: [phase, cursor, end, removed, kept, id])
        }
        return (DeleteProgress(outcome: DeleteOutcome(jobsRemoved: removed, jobsKept: kept), done: done), freedKeys)
    }
}
