import TrainingCore

/// A validated sweep file: what to run (experiment defaults, grid axes, seeds) and how (kind,
/// attempts, timeout). `SweepFile.parse` builds one; `plan()` expands it into jobs.
///
/// Every field has the default the file format documents (`docs/SWEEP_FILES.md`), so a spec built
/// in code needs only a name.
public struct SweepSpec: Sendable, Hashable {
    /// The sweep-file format version; only `1` exists.
    public var version: Int = 1
    /// A human name, shown in reports and hashed into the sweep id.
    public var name: String
    /// Free text about the sweep (why it runs), shown by `status`, `sweeps` and reports. It is not
    /// part of the sweep id: editing it does not make a new sweep.
    public var description: String = ""
    /// What every job does.
    public var kind: JobKind = .train
    /// Values from `experiment:`, in file order; keys absent here take `ExperimentConfig`'s defaults.
    public var experiment: [ExperimentSetting] = []
    /// The grid axes, in file order; the plan is their cartesian product (first axis slowest).
    public var grid: [GridAxis] = []
    /// Seeds, in order; every grid point runs once per seed (seeds vary fastest).
    public var seeds: [UInt64] = [0]
    /// Attempts per job before it is marked failed.
    public var maxAttempts: Int = 3
    /// Seconds one attempt may run before its lease expires.
    public var jobTimeoutSeconds: Double = 600

    /// Formats this module reads.
    public static let supportedVersions = [1]
    /// Largest plan accepted, in jobs.
    public static let maxJobs = 1_000_000
    /// Largest `max_attempts` accepted.
    public static let maxAttemptsLimit = 100
    /// Largest `job_timeout_seconds` accepted: one week.
    public static let maxJobTimeoutSeconds: Double = 7 * 24 * 3600

    public init(name: String) {
        self.name = name
    }

    public init(
        name: String, kind: JobKind = .train, experiment: [ExperimentSetting] = [],
        grid: [GridAxis] = [], seeds: [UInt64] = [0], maxAttempts: Int = 3,
        jobTimeoutSeconds: Double = 600
    ) {
        self.name = name
        self.kind = kind
        self.experiment = experiment
        self.grid = grid
        self.seeds = seeds
        self.maxAttempts = maxAttempts
        self.jobTimeoutSeconds = jobTimeoutSeconds
    }
}

/// One `grid:` entry: a key and the values it takes, in file order.
public struct GridAxis: Sendable, Hashable {
    public var key: ExperimentKey
    /// Each value's `key` equals the axis's `key`.
    public var values: [ExperimentSetting]

    public init(key: ExperimentKey, values: [ExperimentSetting]) {
        self.key = key
        self.values = values
    }
}
