import Foundation
import SweepModel
import TrainingCore

/// Measures how many job results per second the store commits through `apply`, the way the
/// coordinator writes them (an attempt start and a result per job, one transaction per batch),
/// so the dispatch benchmark's store share can be checked alone.
public enum StoreBenchmark {
    /// What one run measured.
    public struct Figures: Sendable, CustomStringConvertible {
        public var jobs: Int
        public var batchSize: Int
        /// Seconds to submit the sweep (one transaction).
        public var submitSeconds: Double
        /// Seconds for every `apply` batch together.
        public var applySeconds: Double
        public var jobsPerSecond: Double { applySeconds > 0 ? Double(jobs) / applySeconds : 0 }

        public var description: String {
            let rate = Int(jobsPerSecond.rounded())
            return "\(jobs) jobs, batches of \(batchSize): submit \(format(submitSeconds)) s, "
                + "results \(format(applySeconds)) s = \(rate) jobs/s committed (2 changes per job)"
        }

        private func format(_ value: Double) -> String { String(format: "%.3f", value) }
    }

    /// Creates a store at `path` (which must not exist), submits `jobs` noop jobs, then commits an
    /// attempt start and a result for each in batches of `batchSize`.
    public static func run(path: String, jobs: Int = 10_000, batchSize: Int = 250) throws(StoreError) -> Figures {
        let store = try ResultStore(path: path)
        let plan = noopPlan(count: jobs, sweepNumber: 1)
        let sweep = SweepRecord(
            id: SweepID(rawValue: hexID(1, 0)), name: "store-benchmark", sourceText: "kind: noop\n",
            sourceName: "benchmark", maxAttempts: 3, jobTimeoutSeconds: 60, createdAt: Date())
        let clock = ContinuousClock()
        let submitStart = clock.now
        _ = try store.submit(sweep: sweep, jobs: plan)
        let submitted = clock.now
        let worker = WorkerID(rawValue: "bench-worker")
        let result = JobResult(status: .clustered, summary: nil, seconds: 0.000_1)
        var start = 0
        while start < plan.count {
            let batch = plan[start..<min(start + max(batchSize, 1), plan.count)]
            let now = Date()
            var changes: [StoreChange] = []
            changes.reserveCapacity(batch.count * 2)
            for job in batch {
                changes.append(.attemptStarted(job: job.id, number: 1, worker: worker, at: now))
                changes.append(.resultRecorded(job: job.id, attempt: 1, result: result, at: now))
            }
            try store.apply(changes)
            start += batch.count
        }
        let done = clock.now
        return Figures(
            jobs: jobs, batchSize: batchSize, submitSeconds: seconds(submitted - submitStart),
            applySeconds: seconds(done - submitted))
    }

    /// `count` distinct noop jobs whose ids are unique per `sweepNumber` (not real parameter hashes:
    /// the store never recomputes ids).
    public static func noopPlan(count: Int, sweepNumber: Int) -> [PlannedJob] {
        (0..<count).map { index in
            var experiment = ExperimentConfig()
            experiment.seed = UInt64(index)
            experiment.points = 1 + sweepNumber
            return PlannedJob(
                id: JobID(rawValue: hexID(sweepNumber, index)), index: index,
                parameters: JobParameters(kind: .noop, experiment: experiment))
        }
    }

    /// A 64-hex-digit id made of two numbers.
    static func hexID(_ high: Int, _ low: Int) -> String {
        func padded(_ value: Int) -> String {
            let digits = String(UInt64(truncatingIfNeeded: value), radix: 16)
            return String(repeating: "0", count: max(0, 32 - digits.count)) + digits
        }
        return padded(high) + padded(low)
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
