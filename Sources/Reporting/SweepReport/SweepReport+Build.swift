import Foundation
import SweepModel
import TrainingCore

extension SweepReport {
    /// Builds the report of `sweep` from its job records, at any stage of the sweep.
    ///
    /// Jobs are listed in plan order (`index`), each id once (a repeated id keeps its first record
    /// in plan order). Unfinished jobs appear with their current status and contribute no times.
    public static func build(sweep: SweepRecord, jobs records: [JobRecord], generatedAt: Date) -> SweepReport {
        var seen = Set<JobID>()
        let ordered = records.enumerated()
            .sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }
            .map(\.element)
            .filter { seen.insert($0.id).inserted }
        let jobs = ordered.map(ReportJob.init(record:))
        let groups = groupJobs(jobs)
        let dimensionEffect = dimensionEffect(jobs)
        return SweepReport(
            generatedAt: generatedAt,
            metrics: ClusterMetric.allCases.sorted().map(\.key),
            sweep: ReportSweep(record: sweep, statuses: jobs.map(\.status)),
            jobs: jobs,
            groups: groups.map { ReportGroup(parameters: $0.key, jobs: $0.jobs) },
            dimensionEffect: dimensionEffect.map(\.series),
            verdicts: verdicts(dimensionEffect))
    }

    /// Jobs grouped by their parameters without the seed, groups in order of first appearance.
    static func groupJobs(_ jobs: [ReportJob], removing keys: Set<String> = [ReportParameters.seedKey])
        -> [(key: [String: ParameterValue], jobs: [ReportJob])]
    {
        var order: [[String: ParameterValue]] = []
        var members: [[String: ParameterValue]: [ReportJob]] = [:]
        for job in jobs {
            let key = ReportParameters.without(job.parameters, keys)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(job)
        }
        return order.map { ($0, members[$0] ?? []) }
    }

    /// One headline series with the observations its tests and verdicts are computed from.
    struct SeriesData {
        var series: DimensionSeries
        /// metric → dimension → observations in epochs.
        var observations: [ClusterMetric: [Int: [KaplanMeier.Observation]]]
    }

    /// The headline data: per series (parameters without seed and dimension), time-to-cluster of
    /// the series' own metric at each dimension, and the dimension tests of every metric.
    static func dimensionEffect(_ jobs: [ReportJob]) -> [SeriesData] {
        let seriesKeys: Set<String> = [ReportParameters.seedKey, ReportParameters.dimensionKey]
        return groupJobs(jobs, removing: seriesKeys).map { series in
            let metric = Self.metric(of: series.key)
            let byDimension = Dictionary(grouping: series.jobs) { job in
                job.parameters[ReportParameters.dimensionKey]?.number.map { Int($0) } ?? 0
            }
            var observations: [ClusterMetric: [Int: [KaplanMeier.Observation]]] = [:]
            for m in ClusterMetric.allCases {
                observations[m] = byDimension.mapValues { $0.compactMap { $0.epochObservation(m) } }
            }
            let points = byDimension.keys.sorted().map { dimension in
                let members = byDimension[dimension] ?? []
                let epochs = TimeStatistics(observations[metric]?[dimension] ?? [])
                return DimensionSeries.Point(
                    dimension: dimension,
                    epochs: epochs,
                    seconds: TimeStatistics(members.compactMap { $0.secondsObservation(metric) }),
                    kmCurve: KaplanMeier(observations[metric]?[dimension] ?? []).steps,
                    representative: RepresentativeRun.choose(members, metric: metric, kmMedian: epochs.kmMedian))
            }
            let keepsGoing = series.key["keep_going"] == .bool(true)
            var others: [String: DimensionSeries.MetricTest] = [:]
            for other in ClusterMetric.allCases where other != metric {
                others[other.key] = .init(
                    test: DimensionTest(byDimension: observations[other] ?? [:]), informativeCensoring: !keepsGoing)
            }
            return SeriesData(
                series: DimensionSeries(
                    parameters: series.key, metric: metric.key, points: points,
                    test: DimensionTest(byDimension: observations[metric] ?? [:]), otherMetrics: others),
                observations: observations)
        }
    }

    /// One verdict per series for its stopping metric, plus one per other metric where the runs
    /// kept going (elsewhere the stopping rule censors the other metrics informatively).
    static func verdicts(_ data: [SeriesData]) -> [Verdict] {
        let labels = data.count > 1 ? ReportFigures.seriesLabels(data.map(\.series.parameters)).map(Optional.some) : [nil]
        return zip(data, labels).flatMap { entry, label -> [Verdict] in
            let series = entry.series
            guard series.points.contains(where: { $0.epochs.runs > 0 }) else { return [] }
            var metrics = [(key: series.metric, test: series.test)]
            if series.keepsGoing {
                metrics += ClusterMetric.allCases.sorted().map(\.key)
                    .compactMap { key in series.otherMetrics[key].map { (key: key, test: $0.test) } }
            }
            return metrics.map { metric in
                Verdict(
                    metric: metric.key, group: series.parameters, label: label, test: metric.test,
                    byDimension: ClusterMetric(name: metric.key).flatMap { entry.observations[$0] } ?? [:])
            }
        }
    }

    /// The stopping metric named in flattened parameters (the default metric if absent).
    static func metric(of parameters: [String: ParameterValue]) -> ClusterMetric {
        if case .string(let name)? = parameters["metric"], let metric = ClusterMetric(name: name) {
            return metric
        }
        return ExperimentConfig().metric
    }
}
