import Foundation
import SweepModel
import SweepStore
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
                + "results \(format(applySeconds)) s = \(rate) jobs/s committed "
                + "(hashed ids; start and result of a job in different commits)"
        }

        private func format(_ value: Double) -> String { String(format: "%.3f", value) }
    }

    /// Creates a store at `path` (which must not exist), submits `jobs` noop jobs with random-looking
    /// ids (as real SHA-256 job ids are), then commits them the way the coordinator does: each
    /// `apply` holds the attempt starts of one batch of `batchSize` jobs and the results of the
    /// batch before it (an assignment is committed before it is sent, its result later).
    public static func run(path: String, jobs: Int = 10_000, batchSize: Int = 250) throws(StoreError) -> Figures {
        let store = try ResultStore(path: path)
        let plan = noopPlan(count: jobs, sweepNumber: 1, hashedIDs: true)
        let sweep = SweepRecord(
            id: SweepID(rawValue: hexID(1, 0)), name: "store-benchmark", sourceText: "kind: noop\n",
            sourceName: "benchmark", maxAttempts: 3, jobTimeoutSeconds: 60, createdAt: Date())
        let clock = ContinuousClock()
        let submitStart = clock.now
        _ = try store.submit(sweep: sweep, jobs: plan)
        let submitted = clock.now
        let worker = WorkerID(rawValue: "bench-worker")
        let result = JobResult(status: .clustered, summary: nil, seconds: 0.000_1)
        let size = max(batchSize, 1)
        var previous: ArraySlice<PlannedJob> = []
        var start = 0
        while start < plan.count || !previous.isEmpty {
            let batch = plan[start..<min(start + size, plan.count)]
            let now = Date()
            var changes: [StoreChange] = []
            changes.reserveCapacity(batch.count + previous.count)
            for job in batch { changes.append(.attemptStarted(job: job.id, number: 1, worker: worker)) }
            for job in previous { changes.append(.resultRecorded(job: job.id, attempt: 1, result: result)) }
            try store.apply(changes, at: now)
            previous = batch
            start += batch.count
        }
        let done = clock.now
        return Figures(
            jobs: jobs, batchSize: batchSize, submitSeconds: (submitted - submitStart).seconds,
            applySeconds: (done - submitted).seconds)
    }

    /// `count` distinct noop jobs whose ids are unique per `sweepNumber` (not real parameter hashes:
    /// the store never recomputes ids). With `hashedIDs` the ids are scrambled, so consecutive jobs'
    /// ids are as far apart as SHA-256 hashes are; otherwise they count up.
    public static func noopPlan(count: Int, sweepNumber: Int, hashedIDs: Bool = false) -> [PlannedJob] {
        (0..<count).map { index in
            var experiment = ExperimentConfig()
            experiment.seed = UInt64(index)
            experiment.points = 1 + sweepNumber
            let id = hashedIDs ? scrambledID(sweepNumber, index) : hexID(sweepNumber, index)
            return PlannedJob(
                id: JobID(rawValue: id), index: index, parameters: JobParameters(kind: .noop, experiment: experiment))
        }
    }

    /// 64 hex digits from four SplitMix64 outputs seeded by the two numbers: unique, unordered.
    static func scrambledID(_ high: Int, _ low: Int) -> String {
        var state = UInt64(truncatingIfNeeded: high) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: low)
        var text = ""
        for _ in 0..<4 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let digits = String(z, radix: 16)
            text += String(repeating: "0", count: 16 - digits.count) + digits
        }
        return text
    }

    /// A 64-hex-digit id made of two numbers.
    public static func hexID(_ high: Int, _ low: Int) -> String {
        func padded(_ value: Int) -> String {
            let digits = String(UInt64(truncatingIfNeeded: value), radix: 16)
            return String(repeating: "0", count: max(0, 32 - digits.count)) + digits
        }
        return padded(high) + padded(low)
    }
}
