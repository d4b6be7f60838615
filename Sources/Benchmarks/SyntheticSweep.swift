import Foundation
import SweepModel
import SweepStore
import TrainingCore

/// A large finished sweep written into a new store through its own bulk calls (`submit`, then
/// `apply` in big batches), for measuring what reads one (`clustersweep bench report`): no
/// worker runs, and nothing is planned or hashed per job.
///
/// `jobs` `noop` jobs over a grid of five dimensions (2 to 32) and as many seeds as it takes,
/// every one `completed`, except one in `trainEvery` (none when 0) that carries a train-like
/// summary (clustered, or censored at `max_epochs`, later as D grows), so the statistics run too.
/// With `failed`, every job instead failed its one attempt (what `bench retry` re-queues).
/// Job ids are made up (the store never recomputes them); the sweep file is real, so a report
/// finds its grid.
public enum SyntheticSweep {
    /// The dimensions of the grid.
    public static let dimensions = [2, 4, 8, 16, 32]
    /// The `max_epochs` of the train-like runs.
    static let maxEpochs = 15_000

    /// Creates the store at `path` (which must not exist) holding the sweep; returns its record.
    public static func write(
        to path: String, jobs: Int, trainEvery: Int, failed: Bool = false, batchSize: Int = 20_000
    ) throws(StoreError) -> SweepRecord {
        let store = try ResultStore(path: path)
        let seeds = max(1, (jobs + dimensions.count - 1) / dimensions.count)
        let source = """
            version: 1
            name: bench-report
            description: synthetic sweep of bench report
            kind: noop
            experiment:
              max_epochs: \(maxEpochs)
            grid:
              dimension: [\(dimensions.map(String.init).joined(separator: ", "))]
            seeds: 0..\(seeds - 1)

            """
        let base = dimensions.map { dimension in
            var experiment = ExperimentConfig()
            experiment.dimension = dimension
            experiment.maxEpochs = maxEpochs
            return experiment.resolved()
        }
        let plan = (0..<jobs).map { index in
            var experiment = base[min(index / seeds, dimensions.count - 1)]
            experiment.seed = UInt64(index % seeds)
            return PlannedJob(
                id: JobID(rawValue: StoreBenchmark.hexID(7, index)), index: index,
                parameters: JobParameters(kind: .noop, experiment: experiment))
        }
        let record = SweepRecord(
            id: SweepID(rawValue: StoreBenchmark.hexID(7, -1)), name: "bench-report", sourceText: source,
            sourceName: "bench-report.yaml", maxAttempts: 3, jobTimeoutSeconds: 600,
            createdAt: Date(timeIntervalSince1970: 1_700_000_000))
        _ = try store.submit(sweep: record, jobs: plan)
        let worker = WorkerID(rawValue: "bench-worker")
        let noop = JobResult(status: .completed, summary: nil, seconds: 0.000_1)
        for start in stride(from: 0, to: plan.count, by: max(1, batchSize)) {
            let now = Date(timeIntervalSince1970: 1_700_000_100)
            var changes: [StoreChange] = []
            for job in plan[start..<min(start + batchSize, plan.count)] {
                changes.append(.attemptStarted(job: job.id, number: 1, worker: worker))
                if failed {
                    changes.append(.attemptEnded(job: job.id, number: 1, outcome: .error, error: "synthetic failure"))
                    changes.append(.jobFailed(job: job.id, error: "synthetic failure"))
                    continue
                }
                let trains = trainEvery > 0 && job.index % trainEvery == 0
                let result = trains ? trainResult(job.parameters.experiment, index: job.index) : noop
                changes.append(.resultRecorded(job: job.id, attempt: 1, result: result))
            }
            _ = try store.apply(changes, at: now)
        }
        let finished = Date(timeIntervalSince1970: 1_700_000_200)
        _ = try store.apply([.sweepFinished(record.id)], at: finished)
        var stored = record
        stored.finishedAt = finished
        return stored
    }

    /// A deterministic train-like result: epochs to cluster grow with D, log-normally spread.
    static func trainResult(_ config: ExperimentConfig, index: Int) -> JobResult {
        var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        let normal = (-2 * log(max(uniform(), 1e-12))).squareRoot() * cos(2 * .pi * uniform())
        let epochs = Int((900 * pow(Double(config.dimension), 0.9) * exp(0.5 * normal) / 25).rounded()) * 25
        let clustered = epochs < maxEpochs
        let run = clustered ? max(25, epochs) : maxEpochs
        var times: [String: ClusterTime?] = [:]
        for metric in ClusterMetric.allCases {
            times[metric.key] = clustered && (metric == .ldaSilhouette || uniform() < 0.5)
                ? ClusterTime(epoch: run, seconds: Double(run) / 1000) : nil
        }
        let summary = RunOutcome(
            status: clustered ? .clustered : .censored, epochsRun: run, timeToCluster: times,
            final: MetricValues(loss: 0.25, ldaSilhouette: 0.5, knnAccuracy: 0.9, silhouette: 0.4, fisherRatio: 2),
            trainSeconds: Double(run) / 1000, msPerEpoch: 1, kernelFamily: nil)
        return JobResult(status: clustered ? .clustered : .censored, summary: summary, seconds: Double(run) / 1000 + 0.01)
    }
}
