import SweepModel

extension ClientReply {
    /// Jobs of one sweep that reached clustered, censored, diverged or failed, in commit order,
    /// each with its attempts and result; `cursor` is where the next page starts.
    public struct Results: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var jobs: [JobRecord]
        public var cursor: Int64
        /// Whether more finished jobs may follow at once (ask again without waiting).
        public var more: Bool

        public init(sweep: SweepID, jobs: [JobRecord], cursor: Int64, more: Bool) {
            self.sweep = sweep
            self.jobs = jobs
            self.cursor = cursor
            self.more = more
        }
    }
}
