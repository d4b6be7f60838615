import Foundation

/// report.json in three parts: everything before the `jobs` array, its entries, and everything
/// after it. Keys are sorted, and `jobs` comes after `dimension_effect`, `generated_at` and
/// `groups` and before `metrics`, `sweep`, `verdicts` and `version`, so a streamed report writes
/// its entries to disk page by page and puts the parts together once the statistics are known.
enum ReportJSON {
    private struct Head: Encodable {
        let dimensionEffect: [DimensionSeries]
        let generatedAt: Date
        let groups: [ReportGroup]

        enum CodingKeys: String, CodingKey {
            case dimensionEffect = "dimension_effect"
            case generatedAt = "generated_at"
            case groups
        }
    }

    private struct Tail: Encodable {
        let metrics: [String]
        let sweep: ReportSweep
        let verdicts: [Verdict]
        let version: Int
    }

    /// `{"dimension_effect":…,"generated_at":…,"groups":…,"jobs":[`
    static func head(_ report: SweepReport) throws(ReportError) -> Data {
        var data = try encode(Head(
            dimensionEffect: report.dimensionEffect, generatedAt: report.generatedAt, groups: report.groups))
        data.removeLast()  // the closing brace
        data.append(contentsOf: Array(",\"jobs\":[".utf8))
        return data
    }

    /// `],"metrics":…,"sweep":…,"verdicts":…,"version":4}` and a newline.
    static func tail(_ report: SweepReport) throws(ReportError) -> Data {
        var data = Data("]".utf8)
        let body = try encode(Tail(
            metrics: report.metrics, sweep: report.sweep, verdicts: report.verdicts, version: report.version))
        data.append(contentsOf: Array(",".utf8))
        data.append(body.dropFirst())  // the opening brace
        data.append(0x0A)
        return data
    }

    /// The entries of `jobs`, comma-separated, with a leading comma unless they are the `first`
    /// (`JobJSONWriter`).
    static func jobs(_ jobs: [ReportJob], first: Bool) throws(ReportError) -> Data {
        var writer = JobJSONWriter(capacity: jobs.count * 256)
        for (n, job) in jobs.enumerated() { try writer.append(job, first: first && n == 0) }
        return Data(writer.bytes)
    }

    private static func encode(_ value: some Encodable) throws(ReportError) -> Data {
        do {
            return try SweepReport.encoder().encode(value)
        } catch {
            throw .encodingFailed(file: "report.json", underlying: error)
        }
    }
}
