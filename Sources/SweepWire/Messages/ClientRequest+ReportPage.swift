import SweepModel

extension ClientRequest {
    /// A page of the sweep's jobs for a report: those from plan index `from` (0 at first) on, at
    /// most `limit` (the coordinator caps it at `maxLimit`). A client reads a report of any size
    /// page by page, and each request costs the coordinator a bounded part of one loop turn.
    public struct ReportPage: Codable, Sendable, Equatable {
        /// The largest page the coordinator serves.
        public static let maxLimit = 1000

        public var sweep: SweepID
        public var from: Int
        public var limit: Int

        public init(sweep: SweepID, from: Int, limit: Int) {
            self.sweep = sweep
            self.from = from
            self.limit = limit
        }
    }
}
