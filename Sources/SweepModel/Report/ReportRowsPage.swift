/// A bounded page of a sweep's jobs in plan order (`ReportRow`), with the distinct parameter
/// shapes its rows point to: the unit in which a report is read from a store or a coordinator.
public struct ReportRowsPage: Codable, Sendable, Equatable {
    /// `JobParameters` JSON as stored, without `experiment.seed` where the rows carry it.
    public var shapes: [String]
    /// Jobs in increasing plan index.
    public var rows: [ReportRow]
    /// The plan index the next page starts at (pass it as `from`).
    public var next: Int
    /// Whether jobs may follow `next`: ask again.
    public var more: Bool

    public init(shapes: [String], rows: [ReportRow], next: Int, more: Bool) {
        self.shapes = shapes
        self.rows = rows
        self.next = next
        self.more = more
    }

    /// The shape text of `row`; `nil` for an index outside `shapes` (a malformed page).
    public func shape(of row: ReportRow) -> String? {
        shapes.indices.contains(row.shape) ? shapes[row.shape] : nil
    }
}
