import GRDB

/// The store's tables and their named, ordered migrations, plus the format version an older binary
/// checks before it touches a file.
///
/// Rules: never edit a shipped migration; add a new one. A migration that changes what an older
/// binary could misread must raise `formatVersion` (and write it to `meta`), so that binary
/// refuses the file instead of misreading it.
enum StoreSchema {
    /// The newest store format this binary reads and writes.
    static let formatVersion = 8
    /// `PRAGMA application_id`: "CSwp", marks the file as a ClusterSweep store.
    static let applicationID: Int32 = 0x4353_7770
    /// The `meta` key holding the format version.
    static let formatVersionKey = "format_version"

    /// Every migration, in order. Identifiers are permanent.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sweeps-jobs-attempts") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE meta (
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO meta (key, value) VALUES ('\(formatVersionKey)', '1');

                -- One row per submitted sweep. `seq` orders sweeps by submission.
                CREATE TABLE sweeps (
                    id TEXT PRIMARY KEY NOT NULL,
                    seq INTEGER NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    source_text TEXT NOT NULL,
                    source_name TEXT NOT NULL,
                    max_attempts INTEGER NOT NULL,
                    job_timeout_seconds REAL NOT NULL,
                    created_at REAL NOT NULL,          -- Unix seconds
                    finished_at REAL,                  -- Unix seconds; NULL while open
                    cancelled INTEGER NOT NULL DEFAULT 0
                );

                -- One row per distinct job, shared by every sweep whose plan holds it.
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY NOT NULL,      -- JobID: SHA-256 hex of the parameters
                    parameters TEXT NOT NULL,          -- JobParameters as JSON
                    status TEXT NOT NULL,              -- JobStatus raw value
                    result TEXT,                       -- JobResult as JSON; written once
                    result_attempt INTEGER,            -- the attempt that produced `result`
                    completed_at REAL,                 -- Unix seconds of the result or failure
                    error TEXT                         -- why the job failed (jobFailed)
                ) WITHOUT ROWID;
                CREATE INDEX jobs_by_status ON jobs(status);

                -- Which jobs a sweep's plan holds, at which position.
                CREATE TABLE sweep_jobs (
                    sweep_id TEXT NOT NULL REFERENCES sweeps(id),
                    plan_index INTEGER NOT NULL,
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    PRIMARY KEY (sweep_id, plan_index),
                    UNIQUE (sweep_id, job_id)
                ) WITHOUT ROWID;
                CREATE INDEX sweep_jobs_by_job ON sweep_jobs(job_id);

                -- Every attempt at a job: who ran it, when, how it ended.
                CREATE TABLE attempts (
                    job_id TEXT NOT NULL REFERENCES jobs(id),
                    number INTEGER NOT NULL,           -- 1-based
                    worker TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    ended_at REAL,
                    outcome TEXT NOT NULL,             -- AttemptRecord.Outcome raw value
                    error TEXT,
                    PRIMARY KEY (job_id, number)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-integer-job-keys") { db in try migrateToIntegerJobKeys(db) }
        // Format 3: `clustersweep retry` puts failed and cancelled jobs back in the queue with a
        // fresh attempt budget; the attempts before it stay as history. A format-2 binary would
        // count them again and fail such a job at once, so the format goes up.
        migrator.registerMigration("v3-retry-base") { db in
            try db.execute(sql: """
                -- Attempts numbered up to this were made before the job's last retry and no longer
                -- count against max_attempts (0: never retried).
                ALTER TABLE jobs ADD COLUMN retry_base INTEGER NOT NULL DEFAULT 0;
                UPDATE meta SET value = '3' WHERE key = '\(formatVersionKey)';
                """)
        }
        // Format 4: the finish log the dashboard pages through (`client.results`).
        migrator.registerMigration("v4-finish-log") { db in try addFinishLog(db) }
        // Format 5: a sweep's plan is its file plus a count; job rows are created as they are
        // dispatched (`planned_jobs` of `job_count` so far). A format-4 binary would read such a
        // sweep as having only its planned jobs and mark it finished early, so the format goes up.
        migrator.registerMigration("v5-lazy-plans") { db in
            try db.execute(sql: """
                -- Jobs in the sweep's plan, and how many of them (from position 0) have job rows.
                ALTER TABLE sweeps ADD COLUMN job_count INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sweeps ADD COLUMN planned_jobs INTEGER NOT NULL DEFAULT 0;
                UPDATE sweeps SET job_count = (SELECT COUNT(*) FROM sweep_jobs WHERE sweep_id = sweeps.id);
                UPDATE sweeps SET planned_jobs = job_count;
                UPDATE meta SET value = '5' WHERE key = '\(formatVersionKey)';
                """)
        }
        // Format 6: a sweep is deleted a slice at a time (`ResultStore.deleteStep`), so a deletion
        // in progress must survive a restart and stay hidden: a format-5 binary would show the
        // half-deleted sweep, so the format goes up.
        migrator.registerMigration("v6-sliced-delete") { db in try addSlicedDelete(db) }
        // Format 7: `retry` re-queues a slice of the plan per transaction; the retry under way
        // resumes after a restart.
        migrator.registerMigration("v7-sliced-retry") { db in try addSlicedRetry(db) }
        // Format 8: jobs are found by an integer key of their id (`JobIDKey`), not a unique text
        // index. A format-7 binary would miss the index it looks jobs up by, so the format goes up.
        migrator.registerMigration("v8-job-id-keys") { db in try addJobIDKeys(db) }
        return migrator
    }

    /// Format 2: jobs get an integer key in submission order, and everything the coordinator writes
    /// per job is keyed by it, so the hot writes (attempt started, result recorded) land on the
    /// few pages at the end of each table instead of on a random page per job (job ids are
    /// SHA-256 hashes). The text id stays in a unique index that updates only read. Parameters and
    /// results move to their own tables so job rows stay small, and the index on status goes (each
    /// status change rewrote two of its entries). Existing rows are copied in submission order.
    private static func migrateToIntegerJobKeys(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE new_jobs (
                seq INTEGER PRIMARY KEY,           -- submission order (the rowid)
                id TEXT NOT NULL UNIQUE,           -- JobID: SHA-256 hex of the parameters
                status TEXT NOT NULL,              -- JobStatus raw value
                completed_at REAL,                 -- Unix seconds of the result or failure
                error TEXT                         -- why the job failed (jobFailed)
            );
            INSERT INTO new_jobs (id, status, completed_at, error)
                SELECT j.id, j.status, j.completed_at, j.error FROM jobs j
                LEFT JOIN (
                    SELECT sj.job_id, MIN(s.seq * 4294967296 + sj.plan_index) AS position
                    FROM sweep_jobs sj JOIN sweeps s ON s.id = sj.sweep_id GROUP BY sj.job_id
                ) first ON first.job_id = j.id
                ORDER BY first.position IS NULL, first.position, j.id;

            -- A job's parameters, written once at submission.
            CREATE TABLE job_parameters (
                job_seq INTEGER PRIMARY KEY REFERENCES new_jobs(seq),
                parameters TEXT NOT NULL           -- JobParameters as JSON
            );
            INSERT INTO job_parameters (job_seq, parameters)
                SELECT n.seq, j.parameters FROM jobs j JOIN new_jobs n ON n.id = j.id ORDER BY n.seq;

            -- A job's result, written once.
            CREATE TABLE results (
                job_seq INTEGER PRIMARY KEY REFERENCES new_jobs(seq),
                attempt INTEGER,                   -- the attempt that produced it
                result TEXT NOT NULL               -- JobResult as JSON
            );
            INSERT INTO results (job_seq, attempt, result)
                SELECT n.seq, j.result_attempt, j.result FROM jobs j JOIN new_jobs n ON n.id = j.id
                WHERE j.result IS NOT NULL ORDER BY n.seq;

            CREATE TABLE new_sweep_jobs (
                sweep_id TEXT NOT NULL REFERENCES sweeps(id),
                plan_index INTEGER NOT NULL,
                job_seq INTEGER NOT NULL REFERENCES new_jobs(seq),
                PRIMARY KEY (sweep_id, plan_index),
                UNIQUE (sweep_id, job_seq)
            ) WITHOUT ROWID;
            INSERT INTO new_sweep_jobs (sweep_id, plan_index, job_seq)
                SELECT sj.sweep_id, sj.plan_index, n.seq FROM sweep_jobs sj JOIN new_jobs n ON n.id = sj.job_id;

            CREATE TABLE new_attempts (
                job_seq INTEGER NOT NULL REFERENCES new_jobs(seq),
                number INTEGER NOT NULL,           -- 1-based
                worker TEXT NOT NULL,
                started_at REAL NOT NULL,
                ended_at REAL,
                outcome TEXT NOT NULL,             -- AttemptRecord.Outcome raw value
                error TEXT,
                PRIMARY KEY (job_seq, number)
            ) WITHOUT ROWID;
            INSERT INTO new_attempts (job_seq, number, worker, started_at, ended_at, outcome, error)
                SELECT n.seq, a.number, a.worker, a.started_at, a.ended_at, a.outcome, a.error
                FROM attempts a JOIN new_jobs n ON n.id = a.job_id;

            DROP TABLE attempts;
            DROP TABLE sweep_jobs;
            DROP TABLE jobs;
            ALTER TABLE new_jobs RENAME TO jobs;
            ALTER TABLE new_sweep_jobs RENAME TO sweep_jobs;
            ALTER TABLE new_attempts RENAME TO attempts;
            CREATE INDEX sweep_jobs_by_job ON sweep_jobs(job_seq);
            -- No index on status: only a restart looks jobs up by status, and scanning the small
            -- job rows then costs less than updating an index twice per job (measured, STORE.md).
            UPDATE meta SET value = '2' WHERE key = '\(formatVersionKey)';
            """)
    }
}
