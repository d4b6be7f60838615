import SweepModel

extension ClientReply {
    /// One page of a sweep's jobs in plan order (`ReportRowsPage`) with the sweep's record as it
    /// is now; ask again from `page.next` while `page.more`.
    public struct ReportPage: Codable, Sendable, Equatable {
        public var sweep: SweepRecord
        public var page: ReportRowsPage

        public init(sweep: SweepRecord, page: ReportRowsPage) {
            self.sweep = sweep
            self.page = page
        }
    }
}
