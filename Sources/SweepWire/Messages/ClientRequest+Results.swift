import SweepModel

extension ClientRequest {
    /// A page of the sweep's jobs that finished after `after` (a cursor from the previous page,
    /// 0 at first), at most `limit` (the coordinator caps it at `maxLimit`): how a live view
    /// follows a sweep of any size at a bounded cost per request.
    public struct Results: Codable, Sendable, Equatable {
        /// The largest page the coordinator serves.
        public static let maxLimit = 1000

        public var sweep: SweepID
        public var after: Int64
        public var limit: Int

        public init(sweep: SweepID, after: Int64, limit: Int) {
            self.sweep = sweep
            self.after = after
            self.limit = limit
        }
    }
}
