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
    /// 3: written compactly; each job's `parameters` holds its own (grid keys and seed), the
    /// parameters every job shares are written once under `sweep.parameters`.
    public static let currentVersion = 4

    public var version: Int
    /// When the report was built.
    public var generatedAt: Date
    /// Metric keys in report order (the default criterion first), as used in `groups[].metrics`.
    public var metrics: [String]
    public var sweep: ReportSweep
    /// One entry per job, in plan order; each with its own parameters only (`sweep.parameters`
    /// holds the shared ones). Empty in a report whose jobs were streamed to disk
    /// (`ReportStream`): `digest` then carries what the page shows of them.
    public var jobs: [ReportJob]
    /// One entry per combination of parameters other than the seed, in order of first appearance.
    public var groups: [ReportGroup]
    /// Time-to-cluster against dimension, one series per combination of the other parameters.
    public var dimensionEffect: [DimensionSeries]
    /// The answer, one per series for its stopping metric (and for every metric of series that
    /// kept going), in series order.
    public var verdicts: [Verdict]
    /// What report.html shows of the jobs (not encoded: derived from `jobs` when decoded).
    public var digest = JobsDigest()

    /// The jobs as report.html needs them when the list itself is not kept: how many have a train
    /// summary, and the first failures (the page lists at most `ReportAccumulator.failedShown`).
    public struct JobsDigest: Sendable, Equatable {
        public var results = 0
        public var failedCount = 0
        public var failed: [ReportJob] = []

        public init() {}

        /// The digest of a complete job list.
        public init(_ jobs: [ReportJob]) {
            results = jobs.count { $0.result != nil }
            let failures = jobs.filter { $0.status == .failed }
            failedCount = failures.count
            failed = Array(failures.prefix(ReportAccumulator.failedShown))
        }
    }

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
        digest = JobsDigest(jobs)
    }

    /// Every parameter of `job` (the sweep's shared ones with the job's own).
    public func parameters(of job: ReportJob) -> [String: ParameterValue] {
        var all = sweep.parameters
        for (key, value) in job.parameters {
            if value == .null { all[key] = nil } else { all[key] = value }
        }
        return all
    }

    enum CodingKeys: String, CodingKey {
        case version
        case generatedAt = "generated_at"
        case metrics, sweep, jobs, groups, verdicts
        case dimensionEffect = "dimension_effect"
    }

    /// The report as JSON: compact, sorted keys, unescaped slashes, ISO 8601 dates (UTC, whole
    /// seconds), non-finite numbers as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. Written
    /// in the same parts as a streamed report (`ReportJSON`), so both are byte for byte alike.
    public func jsonData() throws(ReportError) -> Data {
        var data = try ReportJSON.head(self)
        data.append(try ReportJSON.jobs(jobs, first: true))
        data.append(try ReportJSON.tail(self))
        return data
    }

    /// Reads a report written by `jsonData()`.
    public static func decode(_ data: Data) throws(ReportError) -> SweepReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.nonConformingFloatDecodingStrategy = NonFiniteNumbers.decodingStrategy
        let report: SweepReport
        do {
            report = try decoder.decode(SweepReport.self, from: data)
        } catch {
            throw .decodingFailed(underlying: error)
        }
        guard report.version == currentVersion else {
            throw .unsupportedVersion(got: report.version, expected: currentVersion)
        }
        var decoded = report
        decoded.digest = JobsDigest(report.jobs)
        return decoded
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = NonFiniteNumbers.encodingStrategy
        return encoder
    }
}
