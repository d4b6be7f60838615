import GRDB

extension StoreSchema {
    /// Migration `v6-sliced-delete` (format 6): what a deletion in progress needs to resume after
    /// a restart. The sweep is flagged `deleting` (hidden from every read) at once; its plan, its
    /// jobs no other sweep holds, and their rows in the finish log go a slice per transaction.
    static func addSlicedDelete(_ db: Database) throws {
        try db.execute(sql: """
            -- 1 while the sweep is being deleted: no read shows it, no submit may reuse its id yet.
            ALTER TABLE sweeps ADD COLUMN deleting INTEGER NOT NULL DEFAULT 0;
            -- One row per deletion in progress: its phase and how far it got.
            CREATE TABLE deletions (
                sweep_id TEXT PRIMARY KEY NOT NULL REFERENCES sweeps(id),
                phase INTEGER NOT NULL DEFAULT 0,            -- 0 unlink plan, 1 finish log, 2 job rows
                finish_log_cursor INTEGER NOT NULL DEFAULT 0, -- finish_log.seq reached (phase 1)
                finish_log_end INTEGER NOT NULL DEFAULT 0,    -- finish_log.seq to reach (phase 1)
                removed INTEGER NOT NULL DEFAULT 0,           -- jobs found only in this sweep
                kept INTEGER NOT NULL DEFAULT 0               -- jobs another sweep still holds
            ) WITHOUT ROWID;
            -- Jobs of a sweep being deleted that no other sweep holds, waiting to be removed.
            CREATE TABLE doomed_jobs (
                seq INTEGER PRIMARY KEY,                      -- jobs.seq
                sweep_id TEXT NOT NULL
            );
            CREATE INDEX doomed_jobs_by_sweep ON doomed_jobs(sweep_id);
            UPDATE meta SET value = '6' WHERE key = '\(formatVersionKey)';
            """)
    }
}
