import GRDB

extension StoreSchema {
    /// Migration `v4-finish-log` (format 4): a commit-ordered log of jobs reaching a final status that has a
    /// time (clustered, censored, diverged, failed), so a client can follow a sweep's results page
    /// by page (`ResultStore.finishedJobs`) instead of reading every job per update.
    ///
    /// A trigger kept it, so no write path changed: each finishing job costs one row appended at
    /// the end of a rowid table (no random page, no secondary index). Jobs already finished are
    /// logged in completion order. The format version stays 2: a binary without this migration
    /// refuses the file anyway (unknown migration), and nothing it reads changed meaning. Format 8
    /// (`addJobIDKeys`) drops the trigger: `apply` appends the rows itself, by the same rule.
    static func addFinishLog(_ db: Database) throws {
        try db.execute(sql: """
            -- One row per job reaching a final status with a time; `seq` is the commit order.
            CREATE TABLE finish_log (
                seq INTEGER PRIMARY KEY,           -- the rowid: commit order
                job_seq INTEGER NOT NULL REFERENCES jobs(seq)
            );
            INSERT INTO finish_log (job_seq)
                SELECT seq FROM jobs WHERE status IN ('clustered', 'censored', 'diverged', 'completed', 'failed')
                ORDER BY completed_at, seq;
            CREATE TRIGGER finish_log_on_status AFTER UPDATE OF status ON jobs
                WHEN NEW.status IN ('clustered', 'censored', 'diverged', 'completed', 'failed')
                AND NEW.status IS NOT OLD.status
            BEGIN
                INSERT INTO finish_log (job_seq) VALUES (NEW.seq);
            END;
            UPDATE meta SET value = '4' WHERE key = '\(formatVersionKey)';
            """)
    }
}
