import Foundation
import Reporting
import SweepModel
import TrainingCore

/// Hand-built sweeps for report tests: a small one for golden files and exact counts, and a
/// larger synthetic one (deterministic) whose rendering we look at.
enum ReportFixtures {
    static let generatedAt = Date(timeIntervalSince1970: 1_700_000_000)

    static func sweep(name: String = "fixture", finished: Bool = false) -> SweepRecord {
        SweepRecord(
            id: SweepID(rawValue: String(repeating: "ab", count: 32)), name: name,
            sourceText: "version: 1\nname: \(name)\ngrid:\n  dimension: [2, 4]\nseeds: 0..2\n# see configs/paper.yaml\n",
            sourceName: "configs/\(name).yaml", maxAttempts: 3, jobTimeoutSeconds: 600,
            createdAt: Date(timeIntervalSince1970: 1_699_990_000),
            finishedAt: finished ? Date(timeIntervalSince1970: 1_699_999_000) : nil)
    }

    static func parameters(dimension: Int, seed: UInt64, inputRate: Double = 0.001, kind: JobKind = .train) -> JobParameters {
        var config = ExperimentConfig()
        config.dimension = dimension
        config.seed = seed
        config.inputLearningRate = inputRate
        config.maxEpochs = 1000
        return JobParameters(kind: kind, experiment: config.resolved())
    }

    /// A completed train job. `times` maps metric to the epoch it clustered at (seconds = epoch / 100).
    static func completed(
        index: Int, dimension: Int, seed: UInt64, inputRate: Double = 0.001, status: RunStatus,
        epochsRun: Int, times: [ClusterMetric: Int]
    ) -> JobRecord {
        let params = parameters(dimension: dimension, seed: seed, inputRate: inputRate)
        var ttc: [String: ClusterTime?] = [:]
        for metric in ClusterMetric.allCases {
            ttc[metric.key] = times[metric].map { ClusterTime(epoch: $0, seconds: Double($0) / 100) }
        }
        let summary = RunOutcome(
            status: status, epochsRun: epochsRun, timeToCluster: ttc,
            final: MetricValues(loss: 0.25, ldaSilhouette: 0.5, knnAccuracy: 0.875, silhouette: 0.375, fisherRatio: 2.5),
            trainSeconds: Double(epochsRun) / 100, msPerEpoch: 10)
        return JobRecord(
            id: jobID(index), index: index, parameters: params, status: JobStatus(status),
            attempts: [attempt(index, 1, error: nil)],
            result: JobResult(status: JobStatus(status), summary: summary, seconds: Double(epochsRun) / 100 + 0.5))
    }

    static func jobID(_ index: Int) -> JobID {
        JobID(rawValue: String(format: "%064x", index + 1))
    }

    static func attempt(_ index: Int, _ number: Int, error: String?) -> AttemptRecord {
        AttemptRecord(
            jobID: jobID(index), number: number, worker: WorkerID(rawValue: "host-1-abc"),
            startedAt: Date(timeIntervalSince1970: 1_699_990_100), endedAt: Date(timeIntervalSince1970: 1_699_990_200),
            outcome: error == nil ? .completed : .error, error: error)
    }

    /// Six jobs over dimensions 2 and 4 and seeds 0...2: every status a report must handle.
    ///
    /// D=2: seed 0 clusters at 100 (knn too), seed 1 at 200 (knn never), seed 2 censored at 1000.
    /// D=4: seed 0 clusters at 400, seed 1 failed (error text with a comma, quote and newline),
    /// seed 2 pending.
    static func smallJobs() -> [JobRecord] {
        [
            completed(index: 0, dimension: 2, seed: 0, status: .clustered, epochsRun: 100,
                      times: [.ldaSilhouette: 100, .knnAccuracy: 100, .fisherRatio: 50]),
            completed(index: 1, dimension: 2, seed: 1, status: .clustered, epochsRun: 200,
                      times: [.ldaSilhouette: 200, .fisherRatio: 75]),
            completed(index: 2, dimension: 2, seed: 2, status: .censored, epochsRun: 1000, times: [:]),
            completed(index: 3, dimension: 4, seed: 0, status: .clustered, epochsRun: 400,
                      times: [.ldaSilhouette: 400, .silhouette: 350]),
            JobRecord(
                id: jobID(4), index: 4, parameters: parameters(dimension: 4, seed: 1), status: .failed,
                attempts: [attempt(4, 1, error: "boom"), attempt(4, 2, error: "worker said \"no\", twice\nthen died")]),
            JobRecord(id: jobID(5), index: 5, parameters: parameters(dimension: 4, seed: 2), status: .pending),
        ]
    }

    static func smallReport() -> SweepReport {
        SweepReport.build(sweep: sweep(), jobs: smallJobs(), generatedAt: generatedAt)
    }

    /// A realistic-looking sweep: D in 2...32 doubling, two input rates, 10 seeds; time to cluster
    /// grows with D and more runs are censored at high D. Deterministic.
    static func largeJobs() -> [JobRecord] {
        var rng = SplitMix(seed: 42)
        var jobs: [JobRecord] = []
        let maxEpochs = 15000
        for rate in [0.001, 0.003] {
            for dimension in [2, 4, 8, 16, 32] {
                for seed in 0..<10 {
                    let index = jobs.count
                    var params = parameters(dimension: dimension, seed: UInt64(seed), inputRate: rate)
                    params.experiment.maxEpochs = maxEpochs
                    let base = (rate == 0.001 ? 900.0 : 400.0) * pow(Double(dimension), 0.9)
                    let draw = base * exp(0.5 * rng.normal())
                    if seed == 7 && dimension == 16 && rate == 0.003 {
                        jobs.append(JobRecord(
                            id: jobID(index), index: index, parameters: params, status: .failed,
                            attempts: (1...3).map { attempt(index, $0, error: "worker host-2 lost heartbeat after 30 s (attempt \($0))") }))
                        continue
                    }
                    var times: [ClusterMetric: Int] = [:]
                    let lda = Int((draw / 25).rounded()) * 25
                    let clustered = lda < maxEpochs
                    if clustered {
                        times[.ldaSilhouette] = lda
                        if rng.uniform() < 0.8 { times[.fisherRatio] = Int(Double(lda) * 0.6 / 25) * 25 }
                        if rng.uniform() < 0.5 { times[.knnAccuracy] = lda }
                        if dimension <= 4 && rng.uniform() < 0.6 { times[.silhouette] = lda }
                    }
                    let epochsRun = clustered ? lda : maxEpochs
                    var record = completed(
                        index: index, dimension: dimension, seed: UInt64(seed), inputRate: rate,
                        status: clustered ? .clustered : .censored, epochsRun: epochsRun, times: times)
                    record.parameters = params
                    jobs.append(record)
                }
            }
        }
        return jobs
    }
}

/// SplitMix64 with a Box–Muller normal, so the large fixture is the same on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u1 = Swift.max(uniform(), 1e-12), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}
