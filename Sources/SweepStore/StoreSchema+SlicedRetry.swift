import GRDB

extension StoreSchema {
    /// Migration `v7-sliced-retry` (format 7): a retry re-queues a sweep's failed or cancelled jobs
    /// a slice of plan positions per transaction (`ResultStore.retryStep`), so the retry under way
    /// and how far it got must survive a restart. A format-6 binary would leave such a retry half
    /// done without a word, so the format goes up. Also marks the doomed jobs of a deletion whose
    /// finish-log rows were removed (`doomed_jobs.unlogged`).
    static func addSlicedRetry(_ db: Database) throws {
        try db.execute(sql: """
            -- The statuses a retry under way re-queues ('failed', 'cancelled' or 'failed,cancelled');
            -- NULL when none is under way.
            ALTER TABLE sweeps ADD COLUMN retry_statuses TEXT;
            -- The plan positions it has looked at (from 0), and where it stops: the positions that
            -- had job rows when it began (the others are new jobs, pending anyway).
            ALTER TABLE sweeps ADD COLUMN retry_cursor INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE sweeps ADD COLUMN retry_end INTEGER NOT NULL DEFAULT 0;
            -- 1 when a deletion's finish-log phase removed the doomed job's row: if a new sweep
            -- takes the job up before it is removed, its row is appended again.
            ALTER TABLE doomed_jobs ADD COLUMN unlogged INTEGER NOT NULL DEFAULT 0;
            UPDATE meta SET value = '7' WHERE key = '\(formatVersionKey)';
            """)
    }
}
