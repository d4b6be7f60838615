import Charts
import Foundation
import TrainingCore

/// What clustering looks like, for each dimension of each headline series: the point cloud of
/// its representative run (`DimensionSeries.Point.representative`) at epoch 0, halfway, and at
/// its time-to-cluster (or its last epoch), drawn as `train --out` draws snapshots.
///
/// The points are not stored: a run is a pure function of its resolved configuration and its
/// kernel family, so the report replays it (`ExperimentRun`) up to the pictured epoch, with the
/// kernel family the worker recorded in the summary when this CPU supports it: then the replay is
/// bit-identical to the worker's run. When it does not (an AVX-512 run pictured on an AVX2-only
/// machine), the widest family here replays it, which can round differently and cluster a check
/// or two earlier or later; the replay is then still shown, with a note giving both epochs and
/// both families, since it is the same experiment.
public struct ClusteringPictures: Sendable {
    /// One replayed run.
    public struct Picture: Sendable {
        /// Index into the report's `dimensionEffect`.
        public var series: Int
        public var dimension: Int
        public var run: RepresentativeRun
        /// Snapshots at epoch 0, halfway and the pictured epoch (fewer when they coincide).
        public var snapshots: [Snapshot]
        public var classes: Int
        /// Set when the replay did not end where the stored run did.
        public var mismatch: String?
    }

    public var pictures: [Picture]
    /// Representative runs left out because the replay budget was spent.
    public var skipped: Int

    /// Work allowed for all replays together, in point-coordinate-epochs (epochs × points ×
    /// (dimension + 64)); about 2–4 s in a release build.
    public static let defaultBudget = 3_000_000_000.0

    public init(pictures: [Picture], skipped: Int) {
        self.pictures = pictures
        self.skipped = skipped
    }

    /// Replays the representative runs of `report` in series order until `budget` is spent,
    /// their outcomes and configurations (their parameters) taken from `report.jobs`.
    public static func replay(_ report: SweepReport, budget: Double = defaultBudget) -> ClusteringPictures {
        var summaries: [String: TrainSummary] = [:]
        let representatives = Set(report.dimensionEffect.flatMap(\.points).compactMap(\.representative?.jobID))
        for job in report.jobs where representatives.contains(job.jobID) && summaries[job.jobID] == nil {
            guard let outcome = job.result, let config = ReportParameters.experiment(from: report.parameters(of: job)) else { continue }
            summaries[job.jobID] = TrainSummary(config: config, outcome: outcome)
        }
        return replay(report, summaries: summaries, budget: budget)
    }

    /// Replays the representative runs of `report` whose train summaries `summaries` holds (by
    /// job id), for a report whose job list was streamed to disk.
    public static func replay(
        _ report: SweepReport, summaries jobs: [String: TrainSummary], budget: Double = defaultBudget
    ) -> ClusteringPictures {
        var pictures: [Picture] = []
        var skipped = 0
        var spent = 0.0
        for (index, series) in report.dimensionEffect.enumerated() {
            for point in series.points {
                guard let run = point.representative, let summary = jobs[run.jobID],
                      let metric = ClusterMetric(name: series.metric) else { continue }
                let config = summary.config
                let last = Int(run.epochs)
                let cost = Double(last) * Double(config.points) * Double(config.dimension + 64)
                guard spent + cost <= budget else {
                    skipped += 1
                    continue
                }
                spent += cost
                if let picture = replay(
                    config, family: summary.kernelFamily, run: run, metric: metric, series: index, dimension: point.dimension)
                {
                    pictures.append(picture)
                }
            }
        }
        return ClusteringPictures(pictures: pictures, skipped: skipped)
    }

    /// Replays one run up to `run.epochs`, keeping three snapshots, with the worker's kernel
    /// `family` when this CPU runs it (the widest family here otherwise).
    static func replay(
        _ stored: ExperimentConfig, family: KernelFamily?, run: RepresentativeRun, metric: ClusterMetric, series: Int,
        dimension: Int
    ) -> Picture? {
        let last = Int(run.epochs)
        var config = stored
        config.snapshotEpochs = Array(Set([0, last / 2, last])).sorted()
        config.maxEpochs = min(stored.maxEpochs, last)
        config.keepGoing = false
        guard var experiment = try? ExperimentRun(config: config) else { return nil }
        if let family, family.isSupported { experiment.kernelFamily = family }
        // Only snapshots and times to cluster are used: bounded checks give the same.
        experiment.recordsFullCurve = false
        let outcome = experiment.run()
        var mismatch: String?
        let replayed = outcome.summary.timeToCluster(metric)?.epoch
        let why = family.map { $0 == experiment.kernelFamily
            ? "with the worker's \($0.rawValue) kernels; a different build?"
            : "the worker ran \($0.rawValue) kernels, this machine replayed with \(experiment.kernelFamily.rawValue), which round differently"
        } ?? "the stored run does not say which kernels it ran; another family rounds differently"
        if run.clustered, replayed != last {
            mismatch = "The replay clustered at \(replayed.map { "epoch \($0)" } ?? "no epoch up to \(last)") where the "
                + "stored run did at epoch \(last) (\(why))."
        } else if !run.clustered, let replayed {
            mismatch = "The replay clustered at epoch \(replayed) where the stored run never did (\(why))."
        }
        return Picture(
            series: series, dimension: dimension, run: run, snapshots: outcome.snapshots,
            classes: config.classes, mismatch: mismatch)
    }

    /// The small scatter plot of one snapshot.
    static func plot(_ snapshot: Snapshot, classes: Int, caption: String) -> ScatterPlot {
        var plot = SnapshotChart.plot(snapshot, classes: classes)
        plot.title = caption
        plot.showsAxes = false
        plot.groupNames = []
        plot.width = 270
        plot.height = 270
        plot.pointRadius = 1.7
        return plot
    }
}
