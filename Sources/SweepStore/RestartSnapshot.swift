import SweepModel

/// What a restarted coordinator needs to resume: the sweeps still open and every job that is not
/// final, with its attempts, in the order the sweeps would dispatch them.
public struct RestartSnapshot: Sendable, Equatable {
    /// A pending or running job and the open sweeps that hold it.
    public struct OpenJob: Sendable, Equatable {
        /// The job; `index` is its position in the first (earliest submitted) sweep listed.
        public var record: JobRecord
        /// Sweeps whose plan holds the job, in submission order.
        public var sweeps: [SweepID]

        public init(record: JobRecord, sweeps: [SweepID]) {
            self.record = record
            self.sweeps = sweeps
        }

        /// Attempts still leased to a worker when the store was last written.
        public var runningAttempts: [AttemptRecord] { record.attempts.filter { $0.outcome == .running } }
    }

    /// Sweeps without `finishedAt`, in submission order (cancelled ones included).
    public var openSweeps: [SweepRecord]
    /// Every `pending` or `running` job, ordered by its earliest sweep's submission, then plan index.
    public var jobs: [OpenJob]

    public init(openSweeps: [SweepRecord], jobs: [OpenJob]) {
        self.openSweeps = openSweeps
        self.jobs = jobs
    }
}
