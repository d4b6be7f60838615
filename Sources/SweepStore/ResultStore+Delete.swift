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
        let (progress, gone) = try write(.delete(sweep)) { db, _ in try Self.deleteStep(db, sweep: sweep, limit: limit) }
        // A removed job's integer key may go to a new row: the cache must not keep it.
        if !gone.isEmpty { jobKeys.update(learned: [], settled: gone) }
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

    private static func deleteStep(_ db: Database, sweep: SweepID, limit: Int) throws -> (DeleteProgress, [JobID]) {
        let id = sweep.rawValue
        guard let state = try Row.fetchOne(db, sql: """
            SELECT phase, finish_log_cursor, finish_log_end, removed, kept FROM deletions WHERE sweep_id = ?
            """, arguments: [id])
        else {
            // Not being deleted (finished already, or never begun).
            return (DeleteProgress(outcome: DeleteOutcome(jobsRemoved: 0, jobsKept: 0), done: true), [])
        }
        var phase: Int = state["phase"]
        var cursor: Int64 = state["finish_log_cursor"]
        var end: Int64 = state["finish_log_end"]
        var removed: Int = state["removed"]
        var kept: Int = state["kept"]
        var gone: [JobID] = []
        var done = false
        switch phase {
        case 0:
            let links = try Row.fetchAll(db, sql: """
                SELECT plan_index, job_seq FROM sweep_jobs WHERE sweep_id = ? ORDER BY plan_index LIMIT ?
                """, arguments: [id, limit])
            if let last = links.last {
                let shared = try db.cachedStatement(sql: "SELECT 1 FROM sweep_jobs WHERE job_seq = ? AND sweep_id <> ? LIMIT 1")
                let doom = try db.cachedStatement(sql: "INSERT OR IGNORE INTO doomed_jobs (seq, sweep_id) VALUES (?, ?)")
                for link in links {
                    let seq: Int64 = link["job_seq"]
                    if try Int.fetchOne(shared, arguments: [seq, id]) != nil {
                        kept += 1
                    } else {
                        try doom.execute(arguments: [seq, id])
                        removed += 1
                    }
                }
                let lastIndex: Int64 = last["plan_index"]
                try db.execute(sql: "DELETE FROM sweep_jobs WHERE sweep_id = ? AND plan_index <= ?", arguments: [id, lastIndex])
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
                try db.execute(sql: """
                    DELETE FROM finish_log WHERE seq > ?1 AND seq <= ?2
                    AND job_seq IN (SELECT seq FROM doomed_jobs WHERE sweep_id = ?3)
                    AND NOT EXISTS (SELECT 1 FROM sweep_jobs sj WHERE sj.job_seq = finish_log.job_seq)
                    """, arguments: [cursor, upTo, id])
                cursor = upTo
            }
        default:
            let doomed = try Row.fetchAll(db, sql: """
                SELECT d.seq, j.id FROM doomed_jobs d JOIN jobs j ON j.seq = d.seq WHERE d.sweep_id = ? ORDER BY d.seq LIMIT ?
                """, arguments: [id, limit])
            if doomed.isEmpty {
                try db.execute(sql: "DELETE FROM doomed_jobs WHERE sweep_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM deletions WHERE sweep_id = ?", arguments: [id])
                try db.execute(sql: "DELETE FROM sweeps WHERE id = ?", arguments: [id])
                done = true
            } else {
                let retaken = try db.cachedStatement(sql: "SELECT 1 FROM sweep_jobs WHERE job_seq = ? LIMIT 1")
                let removeJob = try [
                    "DELETE FROM attempts WHERE job_seq = ?", "DELETE FROM results WHERE job_seq = ?",
                    "DELETE FROM job_parameters WHERE job_seq = ?", "DELETE FROM jobs WHERE seq = ?",
                ].map { sql in try db.cachedStatement(sql: sql) }
                for row in doomed {
                    let seq: Int64 = row["seq"]
                    try db.execute(sql: "DELETE FROM doomed_jobs WHERE seq = ?", arguments: [seq])
                    if try Int.fetchOne(retaken, arguments: [seq]) != nil {
                        // A sweep submitted meanwhile holds it: it stays, with its result.
                        removed -= 1
                        kept += 1
                        continue
                    }
                    for statement in removeJob { try statement.execute(arguments: [seq]) }
                    gone.append(JobID(rawValue: row["id"]))
                }
            }
        }
        if !done {
            try db.execute(sql: """
                UPDATE deletions SET phase = ?, finish_log_cursor = ?, finish_log_end = ?, removed = ?, kept = ?
                WHERE sweep_id = ?
                """, arguments: [phase, cursor, end, removed, kept, id])
        }
        return (DeleteProgress(outcome: DeleteOutcome(jobsRemoved: removed, jobsKept: kept), done: done), gone)
    }
}
