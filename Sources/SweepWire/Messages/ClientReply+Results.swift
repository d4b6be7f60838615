import SweepModel

extension ClientReply {
    /// Jobs of one sweep that reached clustered, censored, diverged or failed, in commit order,
    /// parameters and results as the store's JSON text; `cursor` is where the next page starts.
    public struct Results: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var jobs: [FinishedJob]
        public var cursor: Int64
        /// Whether more finished jobs may follow at once (ask again without waiting).
        public var more: Bool

        public init(sweep: SweepID, jobs: [FinishedJob], cursor: Int64, more: Bool) {
            self.sweep = sweep
            self.jobs = jobs
            self.cursor = cursor
            self.more = more
        }
    }
}
