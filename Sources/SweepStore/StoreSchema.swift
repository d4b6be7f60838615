import GRDB

/// The store's tables and their named, ordered migrations, plus the format version an older binary
/// checks before it touches a file.
///
/// Rules: never edit a shipped migration; add a new one. A migration that changes what an older
/// binary could misread must raise `formatVersion` (and write it to `meta`), so that binary
/// refuses the file instead of misreading it.
enum StoreSchema {
    /// The newest store format this binary reads and writes.
    static let formatVersion = 1
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
        return migrator
    }
}
