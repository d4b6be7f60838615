import GRDB

extension StoreSchema {
    /// The SQL function a migration computes `jobs.id_key` with (`JobIDKey`); registered on the
    /// migrating connection only.
    static let jobIDKeyFunction = DatabaseFunction("clustersweep_job_id_key", argumentCount: 1, pure: true) { values in
        String.fromDatabaseValue(values[0]).map(JobIDKey.of)
    }

    /// Migration `v8-job-id-keys` (format 8): the job id's unique text index gives way to a
    /// non-unique index on an integer derived from it (`JobIDKey`), looked up by key and id; the
    /// finish-log trigger goes (`apply` appends the rows); `sweep_jobs` keeps one index beside
    /// its primary key instead of two.
    ///
    /// The unique index took a ~75-byte entry per job at a random page, so every planning slice
    /// rewrote most of its leaf pages (WAL and checkpoint), more as the store grew; the integer
    /// index is a fifth of the size. The trigger ran as a sub-program on every status update.
    /// Dropping a UNIQUE constraint needs the table rebuilt, rows and keys (`seq`) kept; dropping
    /// `jobs` drops its trigger. A format-7 binary would look jobs up through an index that no
    /// longer exists, insert a job twice and miss finish-log rows, so the format goes up.
    static func addJobIDKeys(_ db: Database) throws {
        db.add(function: jobIDKeyFunction)
        defer { db.remove(function: jobIDKeyFunction) }
        try db.execute(sql: """
            CREATE TABLE new_jobs (
                seq INTEGER PRIMARY KEY,           -- submission order (the rowid)
                id TEXT NOT NULL,                  -- JobID: SHA-256 hex of the parameters
                id_key INTEGER NOT NULL,           -- JobIDKey of id: the index look-ups go through
                status TEXT NOT NULL,              -- JobStatus raw value
                completed_at REAL,                 -- Unix seconds of the result or failure
                error TEXT,                        -- why the job failed (jobFailed)
                retry_base INTEGER NOT NULL DEFAULT 0  -- attempts up to this one were before a retry
            );
            INSERT INTO new_jobs (seq, id, id_key, status, completed_at, error, retry_base)
                SELECT seq, id, clustersweep_job_id_key(id), status, completed_at, error, retry_base
                FROM jobs ORDER BY seq;
            DROP TABLE jobs;
            ALTER TABLE new_jobs RENAME TO jobs;
            CREATE INDEX jobs_by_id_key ON jobs(id_key);

            -- One index instead of two beside the primary key: UNIQUE (job_seq, sweep_id) answers
            -- both "is the job in this sweep" and "which sweeps hold the job" (by its prefix).
            CREATE TABLE new_sweep_jobs (
                sweep_id TEXT NOT NULL REFERENCES sweeps(id),
                plan_index INTEGER NOT NULL,
                job_seq INTEGER NOT NULL REFERENCES jobs(seq),
                PRIMARY KEY (sweep_id, plan_index),
                UNIQUE (job_seq, sweep_id)
            ) WITHOUT ROWID;
            INSERT INTO new_sweep_jobs (sweep_id, plan_index, job_seq)
                SELECT sweep_id, plan_index, job_seq FROM sweep_jobs ORDER BY sweep_id, plan_index;
            DROP TABLE sweep_jobs;
            ALTER TABLE new_sweep_jobs RENAME TO sweep_jobs;
            UPDATE meta SET value = '8' WHERE key = '\(formatVersionKey)';
            """)
    }
}
