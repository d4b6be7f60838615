import Foundation
import SweepModel

/// Everything a reader needs to judge a sweep, as one versioned value: the sweep, every job once,
/// statistics per parameter group, and the dimension-effect data of the headline chart.
///
/// It is pure data, built by `SweepReport.build(sweep:jobs:generatedAt:)` from store records and
/// rendered by `ReportHTML`, `ReportCSV` and `jsonData()`. The schema is documented in
/// `docs/REPORTS.md`; `version` changes whenever a key changes meaning or disappears.
public struct SweepReport: Codable, Sendable, Equatable {
    /// The schema version this code writes.
    /// 2: `noop` and `sleep` jobs end `completed` (version 1 called them `clustered`).
    public static let currentVersion = 2

    public var version: Int
    /// When the report was built.
    public var generatedAt: Date
    /// Metric keys in report order (the default criterion first), as used in `groups[].metrics`.
    public var metrics: [String]
    public var sweep: ReportSweep
    /// One entry per job, in plan order.
    public var jobs: [ReportJob]
    /// One entry per combination of parameters other than the seed, in order of first appearance.
    public var groups: [ReportGroup]
    /// Time-to-cluster against dimension, one series per combination of the other parameters.
    public var dimensionEffect: [DimensionSeries]
    /// The answer, one per series for its stopping metric (and for every metric of series that
    /// kept going), in series order.
    public var verdicts: [Verdict]

    public init(
        version: Int = SweepReport.currentVersion, generatedAt: Date, metrics: [String], sweep: ReportSweep,
        jobs: [ReportJob], groups: [ReportGroup], dimensionEffect: [DimensionSeries], verdicts: [Verdict]
    ) {
        self.version = version
        self.generatedAt = generatedAt
        self.metrics = metrics
        self.sweep = sweep
        self.jobs = jobs
        self.groups = groups
        self.dimensionEffect = dimensionEffect
        self.verdicts = verdicts
    }

    enum CodingKeys: String, CodingKey {
        case version
        case generatedAt = "generated_at"
        case metrics, sweep, jobs, groups, verdicts
        case dimensionEffect = "dimension_effect"
    }

    /// The report as JSON: sorted keys, unescaped slashes, ISO 8601 dates (UTC, whole seconds),
    /// non-finite numbers as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
    public func jsonData() throws(ReportError) -> Data {
        do {
            var data = try Self.encoder().encode(self)
            data.append(0x0A)
            return data
        } catch {
            throw .encodingFailed(file: "report.json", underlying: error)
        }
    }

    /// Reads a report written by `jsonData()`.
    public static func decode(_ data: Data) throws(ReportError) -> SweepReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let report: SweepReport
        do {
            report = try decoder.decode(SweepReport.self, from: data)
        } catch {
            throw .decodingFailed(underlying: error)
        }
        guard report.version == currentVersion else {
            throw .unsupportedVersion(got: report.version, expected: currentVersion)
        }
        return report
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }
}
