import Foundation
import SweepModel

/// Every flattened parameter of the jobs of `ReportRowsPage`s, each distinct parameter text
/// flattened once: how `clustersweep jobs` lists a sweep read page by page.
public struct RowParameters {
    private var shapes = ReportShapes()
    private var known: [String: [String: ParameterValue]] = [:]

    public init() {}

    /// The flattened parameters of `row`, seed included.
    public mutating func parameters(of row: ReportRow, in page: ReportRowsPage) throws(ReportError) -> [String: ParameterValue] {
        guard let text = page.shape(of: row) else {
            throw .malformedPage("job \(row.id.short) points to parameters \(row.shape) of \(page.shapes.count)")
        }
        var flat: [String: ParameterValue]
        if let cached = known[text] {
            flat = cached
        } else {
            flat = try shapes.flatten(text)
            known[text] = flat
        }
        if let seed = row.seed {
            flat[ReportParameters.seedKey] = .seed(seed)
        }
        return flat
    }
}
