import Charts
import Foundation
import SweepModel
import TrainingCore

/// The headline data of a sweep (time-to-cluster against dimension per series, the dimension
/// tests and the verdicts) kept up to date as finished jobs arrive one page at a time, for a live
/// view of a sweep of any size.
///
/// It holds only each finished job's observations (no job list) and recomputes, on `refresh()`,
/// only the points whose dimension received runs and the tests of the series that changed. The
/// numbers are the report's own (`SweepReport.build`: `TimeStatistics`, `KaplanMeier`,
/// `DimensionTest`, `Verdict`); what a live view leaves out is the representative run of each
/// point, and series appear in the order their first result arrived.
public struct LiveDimensionEffect: Sendable {
    /// One (series, dimension) cell: the observations its statistics are computed from.
    struct Cell: Sendable {
        /// metric → observations in epochs.
        var epochs: [ClusterMetric: [KaplanMeier.Observation]] = [:]
        /// Observations in seconds of the series' own metric.
        var seconds: [KaplanMeier.Observation] = []
    }

    struct Series: Sendable {
        var parameters: [String: ParameterValue]
        var metric: ClusterMetric
        var cells: [Int: Cell] = [:]
        var points: [Int: DimensionSeries.Point] = [:]
        var dirtyDimensions: Set<Int> = []
        var computed: DimensionSeries?
    }

    private var order: [[String: ParameterValue]] = []
    private var series: [[String: ParameterValue]: Series] = [:]
    private var verdictCache: [Verdict] = []
    private var changed = false

    /// Jobs with a result added so far.
    public private(set) var observedJobs = 0

    public init() {}

    /// Adds one finished job; jobs without a completed result (failed, cancelled) are ignored.
    /// Each job should be added once.
    public mutating func add(_ job: ReportJob) {
        guard job.status.isCompleted, job.result != nil else { return }
        let key = ReportParameters.without(job.parameters, [ReportParameters.seedKey, ReportParameters.dimensionKey])
        let dimension = job.parameters[ReportParameters.dimensionKey]?.number.map { Int($0) } ?? 0
        if series[key] == nil {
            order.append(key)
            series[key] = Series(parameters: key, metric: SweepReport.metric(of: key))
        }
        guard var entry = series.removeValue(forKey: key) else { return }
        var cell = entry.cells[dimension] ?? Cell()
        for metric in ClusterMetric.allCases {
            if let observation = job.epochObservation(metric) { cell.epochs[metric, default: []].append(observation) }
        }
        if let observation = job.secondsObservation(entry.metric) { cell.seconds.append(observation) }
        entry.cells[dimension] = cell
        entry.dirtyDimensions.insert(dimension)
        entry.computed = nil
        series[key] = entry
        observedJobs += 1
        changed = true
    }

    /// Whether jobs arrived since the last `refresh()`.
    public var needsRefresh: Bool { changed }

    /// The dimension series and verdicts, recomputing only what changed since the last call.
    public mutating func refresh() -> (series: [DimensionSeries], verdicts: [Verdict]) {
        var all: [DimensionSeries] = []
        for key in order {
            guard var entry = series.removeValue(forKey: key) else { continue }
            if entry.computed == nil {
                for dimension in entry.dirtyDimensions {
                    let cell = entry.cells[dimension] ?? Cell()
                    let epochs = cell.epochs[entry.metric] ?? []
                    entry.points[dimension] = DimensionSeries.Point(
                        dimension: dimension, epochs: TimeStatistics(epochs), seconds: TimeStatistics(cell.seconds),
                        kmCurve: KaplanMeier(epochs).steps, representative: nil)
                }
                entry.dirtyDimensions = []
                let keepsGoing = key["keep_going"] == .bool(true)
                var others: [String: DimensionSeries.MetricTest] = [:]
                for other in ClusterMetric.allCases where other != entry.metric {
                    others[other.key] = .init(
                        test: DimensionTest(byDimension: entry.observations(other)), informativeCensoring: !keepsGoing)
                }
                entry.computed = DimensionSeries(
                    parameters: key, metric: entry.metric.key,
                    points: entry.points.keys.sorted().compactMap { entry.points[$0] },
                    test: DimensionTest(byDimension: entry.observations(entry.metric)), otherMetrics: others)
            }
            if let computed = entry.computed { all.append(computed) }
            series[key] = entry
        }
        if changed {
            verdictCache = SweepReport.verdicts(order.compactMap { key in
                series[key].flatMap { entry in
                    entry.computed.map { computed in
                        SweepReport.SeriesData(
                            series: computed,
                            observations: Dictionary(uniqueKeysWithValues: ClusterMetric.allCases.map { ($0, entry.observations($0)) }))
                    }
                }
            })
            changed = false
        }
        return (all, verdictCache)
    }
}

extension LiveDimensionEffect.Series {
    /// dimension → observations of `metric` in epochs.
    func observations(_ metric: ClusterMetric) -> [Int: [KaplanMeier.Observation]] {
        cells.mapValues { $0.epochs[metric] ?? [] }
    }
}

extension ReportFigures {
    /// The headline chart of `dimensionEffect` alone (as `headline(_:)` draws it in a report).
    public static func headline(dimensionEffect: [DimensionSeries]) -> LineChart {
        let placeholder = SweepRecord(
            id: SweepID(rawValue: "live"), name: "live", sourceText: "", sourceName: "", maxAttempts: 1,
            jobTimeoutSeconds: 0, createdAt: Date(timeIntervalSince1970: 0))
        return headline(SweepReport(
            generatedAt: Date(timeIntervalSince1970: 0), metrics: [], sweep: ReportSweep(record: placeholder, counts: [:], jobCount: 0, parameters: [:]),
            jobs: [], groups: [], dimensionEffect: dimensionEffect, verdicts: []))
    }
}
