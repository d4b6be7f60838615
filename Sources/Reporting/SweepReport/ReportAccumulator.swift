import Foundation
import SweepModel
import TrainingCore

/// Gathers a sweep's jobs one at a time, in plan order, into the compact columns the statistics
/// need, so a report of a million jobs never holds a million job records: per parameter group
/// its status counts and, for the jobs with a train summary, one observation per metric in
/// epochs and in seconds, with the id, seed and plan index the representative run is chosen by.
/// A job without a summary (`noop`, `sleep`, unfinished, failed) costs nothing per job.
///
/// `SweepReport.build` runs on it too, so the in-memory and the streamed report compute the
/// same numbers in the same order.
public struct ReportAccumulator: Sendable {
    /// The runs that share every parameter but the seed, as columns.
    struct Group: Sendable {
        var key: [String: ParameterValue]
        var runs = 0
        var counts: [JobStatus: Int] = [:]
        /// Indices into the accumulator's observed-job columns, in plan order.
        var observed: [Int32] = []
        /// Per metric (`ClusterMetric.allCases` order), aligned with `observed`.
        var epochs: [[KaplanMeier.Observation]] = ClusterMetric.allCases.map { _ in [] }
        var seconds: [[KaplanMeier.Observation]] = ClusterMetric.allCases.map { _ in [] }
    }

    /// How many failed jobs the report keeps whole, for the HTML's table of failures.
    public static let failedShown = 100

    private(set) var groups: [Group] = []
    private var groupIndex: [[String: ParameterValue]: Int] = [:]
    private var observedIDs = StringColumn()
    private var observedSeeds: [ParameterValue] = []
    private var observedIndices: [Int] = []
    private(set) var statuses: [JobStatus] = []
    private(set) var digest = SweepReport.JobsDigest()
    private var statusCounts: [JobStatus: Int] = [:]
    private(set) var jobCount = 0

    public init() {}

    /// The group of jobs whose flattened parameters without the seed are `key`.
    public mutating func group(for key: [String: ParameterValue]) -> Int {
        if let known = groupIndex[key] { return known }
        groupIndex[key] = groups.count
        groups.append(Group(key: key))
        return groups.count - 1
    }

    /// Adds the next job in plan order. `failed` builds the report entry of a failed job, kept
    /// whole for the first `failedShown` failures only.
    public mutating func add(
        group: Int, jobID: String, index: Int, seed: ParameterValue, status: JobStatus, summary: RunOutcome?,
        failed: () -> ReportJob
    ) {
        jobCount += 1
        statusCounts[status, default: 0] += 1
        groups[group].runs += 1
        groups[group].counts[status, default: 0] += 1
        if summary != nil { digest.results += 1 }
        if status == .failed {
            digest.failedCount += 1
            if digest.failed.count < Self.failedShown { digest.failed.append(failed()) }
        }
        guard status.isCompleted, let summary else { return }
        groups[group].observed.append(Int32(truncatingIfNeeded: observedSeeds.count))
        observedIDs.append(jobID)
        observedSeeds.append(seed)
        observedIndices.append(index)
        for (m, metric) in ClusterMetric.allCases.enumerated() {
            if let time = summary.timeToCluster(metric) {
                groups[group].epochs[m].append(.init(time: Double(time.epoch), event: true))
                groups[group].seconds[m].append(.init(time: time.seconds, event: true))
            } else {
                groups[group].epochs[m].append(.init(time: Double(summary.epochsRun), event: false))
                groups[group].seconds[m].append(.init(time: summary.trainSeconds, event: false))
            }
        }
    }

    /// Jobs of which something is kept: those with an observation (a train summary) and the
    /// failures kept whole. Every other job is only counted.
    public var retainedJobs: Int { observedSeeds.count + digest.failed.count }

    /// Jobs added per status, every status present.
    public var counts: [JobStatus: Int] {
        var all = Dictionary(uniqueKeysWithValues: JobStatus.allCases.map { ($0, 0) })
        for (status, count) in statusCounts { all[status] = count }
        return all
    }

    /// `counts` plus the sweep's plan positions that have no job yet (a lazily planned sweep
    /// mid-run): `pending`, or `cancelled` with their sweep.
    func countsWithUnplanned(of sweep: SweepRecord) -> [JobStatus: Int] {
        var all = counts
        all[sweep.cancelled ? .cancelled : .pending, default: 0] += sweep.unplannedJobs
        return all
    }

    // MARK: - The report

    /// The report of the jobs added, without the job list (`jobs` is empty: the caller has it or
    /// streamed it to disk), and the plan index of each representative run by job id.
    public func report(sweep: SweepRecord, split: ParameterSplit, generatedAt: Date)
        -> (report: SweepReport, representatives: [String: Int])
    {
        let data = seriesData()
        var representatives: [String: Int] = [:]
        for entry in data {
            for (point, observed) in zip(entry.series.series.points, entry.representativeIndices) {
                if let run = point.representative, let observed { representatives[run.jobID] = observedIndices[observed] }
            }
        }
        var report = SweepReport(
            generatedAt: generatedAt,
            metrics: ClusterMetric.allCases.sorted().map(\.key),
            sweep: ReportSweep(
                record: sweep, counts: countsWithUnplanned(of: sweep), jobCount: jobCount + sweep.unplannedJobs,
                parameters: split.shared),
            jobs: [],
            groups: groups.map(Self.reportGroup),
            dimensionEffect: data.map(\.series.series),
            verdicts: SweepReport.verdicts(data.map(\.series)))
        report.digest = digest
        return (report, representatives)
    }

    static func reportGroup(_ group: Group) -> ReportGroup {
        var metrics: [String: MetricTimes] = [:]
        for (m, metric) in ClusterMetric.allCases.enumerated() {
            metrics[metric.key] = MetricTimes(epochs: TimeStatistics(group.epochs[m]), seconds: TimeStatistics(group.seconds[m]))
        }
        return ReportGroup(parameters: group.key, runs: group.runs, counts: group.counts, metrics: metrics)
    }

    /// One point's observations: the observed jobs of its groups in plan order.
    private struct PointColumns {
        var observed: [Int32] = []
        var epochs: [[KaplanMeier.Observation]] = ClusterMetric.allCases.map { _ in [] }
        var seconds: [[KaplanMeier.Observation]] = ClusterMetric.allCases.map { _ in [] }
    }

    private func pointColumns(_ members: [Int]) -> PointColumns {
        if members.count == 1 {
            let group = groups[members[0]]
            return PointColumns(observed: group.observed, epochs: group.epochs, seconds: group.seconds)
        }
        var entries: [(observed: Int32, group: Int, offset: Int)] = []
        for g in members {
            for (offset, observed) in groups[g].observed.enumerated() { entries.append((observed, g, offset)) }
        }
        entries.sort { $0.observed < $1.observed }
        var columns = PointColumns()
        for entry in entries {
            columns.observed.append(entry.observed)
            for m in ClusterMetric.allCases.indices {
                columns.epochs[m].append(groups[entry.group].epochs[m][entry.offset])
                columns.seconds[m].append(groups[entry.group].seconds[m][entry.offset])
            }
        }
        return columns
    }

    private struct SeriesEntry {
        var series: SweepReport.SeriesData
        /// Per point, the observed-column index of its representative.
        var representativeIndices: [Int?]
    }

    /// The headline series: groups without their dimension, in order of first appearance.
    private func seriesData() -> [SeriesEntry] {
        var order: [[String: ParameterValue]] = []
        var members: [[String: ParameterValue]: [Int]] = [:]
        for (g, group) in groups.enumerated() {
            let key = ReportParameters.without(group.key, [ReportParameters.dimensionKey])
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(g)
        }
        return order.map { key in
            let metric = SweepReport.metric(of: key)
            let m = ClusterMetric.allCases.firstIndex(of: metric) ?? 0
            var byDimension: [Int: [Int]] = [:]
            for g in members[key] ?? [] {
                let dimension = groups[g].key[ReportParameters.dimensionKey]?.number.map { Int($0) } ?? 0
                byDimension[dimension, default: []].append(g)
            }
            let columns = byDimension.mapValues(pointColumns)
            var observations: [ClusterMetric: [Int: [KaplanMeier.Observation]]] = [:]
            for (index, other) in ClusterMetric.allCases.enumerated() {
                observations[other] = columns.mapValues { $0.epochs[index] }
            }
            var representativeIndices: [Int?] = []
            let points = byDimension.keys.sorted().map { dimension in
                let point = columns[dimension] ?? PointColumns()
                let epochs = TimeStatistics(point.epochs[m])
                let chosen = RepresentativeRun.choose(
                    point.epochs[m].enumerated().map { k, observation in
                        RepresentativeRun.Candidate(
                            position: Int(point.observed[k]), seed: observedSeeds[Int(point.observed[k])],
                            observation: observation)
                    },
                    kmMedian: epochs.kmMedian)
                representativeIndices.append(chosen?.position)
                return DimensionSeries.Point(
                    dimension: dimension,
                    epochs: epochs,
                    seconds: TimeStatistics(point.seconds[m]),
                    kmCurve: KaplanMeier(point.epochs[m]).steps,
                    representative: chosen.map { candidate in
                        RepresentativeRun(
                            jobID: observedIDs[candidate.position], seed: candidate.seed,
                            epochs: candidate.observation.time, clustered: candidate.observation.event)
                    })
            }
            let keepsGoing = key["keep_going"] == .bool(true)
            var others: [String: DimensionSeries.MetricTest] = [:]
            for other in ClusterMetric.allCases where other != metric {
                others[other.key] = .init(
                    test: DimensionTest(byDimension: observations[other] ?? [:]), informativeCensoring: !keepsGoing)
            }
            return SeriesEntry(
                series: SweepReport.SeriesData(
                    series: DimensionSeries(
                        parameters: key, metric: metric.key, points: points,
                        test: DimensionTest(byDimension: observations[metric] ?? [:]), otherMetrics: others),
                    observations: observations),
                representativeIndices: representativeIndices)
        }
    }
}
