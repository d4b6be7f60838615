import Foundation
import SweepModel
import TrainingCore

extension SweepReport {
    /// Builds the report of `sweep` from its job records, at any stage of the sweep, in memory
    /// (a small sweep, a test); `ReportStream` writes a large one from pages with the same numbers.
    ///
    /// Jobs are listed in plan order (`index`), each id once (a repeated id keeps its first record
    /// in plan order). Unfinished jobs appear with their current status and contribute no times.
    public static func build(sweep: SweepRecord, jobs records: [JobRecord], generatedAt: Date) -> SweepReport {
        var seen = Set<JobID>()
        let ordered = records.enumerated()
            .sorted { ($0.element.index, $0.offset) < ($1.element.index, $1.offset) }
            .map(\.element)
            .filter { seen.insert($0.id).inserted }
        let flattened = ordered.map { ReportParameters.flatten($0.parameters) }
        let split = flattened.first.map {
            ParameterSplit(first: $0, ownKeys: ParameterSplit.gridKeys(sourceText: sweep.sourceText, sourceName: sweep.sourceName))
        } ?? ParameterSplit()
        var accumulator = ReportAccumulator()
        var jobs: [ReportJob] = []
        jobs.reserveCapacity(ordered.count)
        for (record, parameters) in zip(ordered, flattened) {
            let job = ReportJob(record: record, parameters: split.own(parameters))
            let group = accumulator.group(for: ReportParameters.without(parameters, [ReportParameters.seedKey]))
            accumulator.add(
                group: group, jobID: job.jobID, index: job.index, seed: parameters[ReportParameters.seedKey] ?? .null,
                status: job.status, summary: job.result, failed: { job })
            jobs.append(job)
        }
        var report = accumulator.report(sweep: sweep, split: split, generatedAt: generatedAt).report
        report.jobs = jobs
        return report
    }

    /// One headline series with the observations its tests and verdicts are computed from.
    struct SeriesData {
        var series: DimensionSeries
        /// metric → dimension → observations in epochs.
        var observations: [ClusterMetric: [Int: [KaplanMeier.Observation]]]
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
