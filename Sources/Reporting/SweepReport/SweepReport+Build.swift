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
        return SweepReport(
            generatedAt: generatedAt,
            metrics: ClusterMetric.allCases.sorted().map(\.key),
            sweep: ReportSweep(record: sweep, statuses: jobs.map(\.status)),
            jobs: jobs,
            groups: groups.map { ReportGroup(parameters: $0.key, jobs: $0.jobs) },
            dimensionEffect: dimensionEffect(jobs))
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

    /// The headline data: per series (parameters without seed and dimension), epochs-to-cluster
    /// of the series' own metric at each dimension.
    static func dimensionEffect(_ jobs: [ReportJob]) -> [DimensionSeries] {
        let seriesKeys: Set<String> = [ReportParameters.seedKey, ReportParameters.dimensionKey]
        return groupJobs(jobs, removing: seriesKeys).map { series in
            let metric = Self.metric(of: series.key)
            let byDimension = Dictionary(grouping: series.jobs) { job in
                job.parameters[ReportParameters.dimensionKey]?.number.map { Int($0) } ?? 0
            }
            let points = byDimension.keys.sorted().map { dimension in
                let observations = (byDimension[dimension] ?? []).compactMap { $0.epochObservation(metric) }
                return DimensionSeries.Point(
                    dimension: dimension,
                    epochs: TimeStatistics(observations),
                    kmCurve: KaplanMeier(observations).steps)
            }
            return DimensionSeries(parameters: series.key, metric: metric.key, points: points)
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
