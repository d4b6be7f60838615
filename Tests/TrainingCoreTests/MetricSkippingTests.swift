import Testing
@testable import TrainingCore

/// A run that bounds its checks (`recordsFullCurve = false`: each metric computed only until it
/// reaches its threshold, and only where a bound cannot prove it still below) records exactly the
/// times to cluster, `final` and epochs of a run that computes everything at every check.
@Suite struct MetricSkippingTests {
    /// Fast-moving points (input rate 1e-2, a check every 5 epochs) that reach every threshold
    /// mid-run; `keep_going` so each metric is followed to its own time.
    static func config(seed: UInt64, dimension: Int) -> ExperimentConfig {
        var config = ExperimentConfig()
        config.points = 120
        config.dimension = dimension
        config.seed = seed
        config.inputLearningRate = 1e-2
        config.checkEvery = 5
        config.maxEpochs = 250
        config.keepGoing = true
        config.snapshotEpochs = []
        return config
    }

    /// The defaults (slow points, a check every 25 epochs, stop at the criterion) at N = 200.
    static func defaults(seed: UInt64, dimension: Int) -> ExperimentConfig {
        var config = ExperimentConfig()
        config.points = 200
        config.dimension = dimension
        config.seed = seed
        config.snapshotEpochs = []
        return config
    }

    static func compare(_ config: ExperimentConfig, family: KernelFamily = .detected) throws -> CheckWork {
        var full = try ExperimentRun(config: config)
        full.recordsFullCurve = true
        full.kernelFamily = family
        var bounded = try ExperimentRun(config: config)
        bounded.recordsFullCurve = false
        bounded.kernelFamily = family
        let everything = full.run()
        let skipping = bounded.run()
        let label = "seed \(config.seed), N \(config.points), D \(config.dimension), \(family)"
        for metric in ClusterMetric.allCases {
            #expect(everything.summary.timeToCluster(metric)?.epoch == skipping.summary.timeToCluster(metric)?.epoch,
                    "\(label) \(metric)")
        }
        #expect(everything.summary.final == skipping.summary.final, "\(label)")
        #expect(everything.summary.epochsRun == skipping.summary.epochsRun, "\(label)")
        #expect(everything.summary.status == skipping.summary.status, "\(label)")
        // Check by check: a value the bounded run computed is the same bits; one it skipped was
        // either reached before or below its threshold. The last check is always complete.
        try #require(everything.curve.count == skipping.curve.count)
        let resolved = full.config
        for (a, b) in zip(everything.curve, skipping.curve) {
            let last = b.epoch == skipping.summary.epochsRun
            #expect(last ? a.values.loss == b.values.loss : b.values.loss.isNaN)
            for metric in ClusterMetric.allCases {
                let threshold = metric == resolved.metric ? resolved.effectiveThreshold : metric.defaultThreshold
                if b.values[metric].isNaN && !last {
                    let reachedBefore = everything.summary.timeToCluster(metric).map { $0.epoch < a.epoch } ?? false
                    #expect(reachedBefore || a.values[metric] < threshold, "\(label) epoch \(a.epoch) \(metric)")
                } else {
                    #expect(a.values[metric] == b.values[metric], "\(label) epoch \(a.epoch) \(metric)")
                }
            }
        }
        return skipping.checkWork
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64], [2, 3, 5, 16, 128])
    func boundedChecks_recordTheSameTimesToCluster_fastPoints(_ seed: UInt64, _ dimension: Int) throws {
        _ = try Self.compare(Self.config(seed: seed, dimension: dimension))
    }

    @Test(arguments: [1, 2, 3] as [UInt64], [2, 3, 32])
    func boundedChecks_recordTheSameTimesToCluster_atTheDefaults(_ seed: UInt64, _ dimension: Int) throws {
        _ = try Self.compare(Self.defaults(seed: seed, dimension: dimension))
    }

    @Test(arguments: KernelFamily.allCases)
    func boundedChecks_recordTheSameTimesToCluster_inEveryFamily(_ family: KernelFamily) throws {
        guard runnable(family) else { return }
        _ = try Self.compare(Self.config(seed: 5, dimension: 8), family: family)
    }

    /// kNN votes settled by counting (`countWithinBound`) instead of searching, at the default
    /// input rate and at N = 500 (as a sweep job runs them), in low and high dimension: the
    /// bounded runs record what the full ones record, and the counting did settle rows.
    @Test(arguments: [1, 2, 3] as [UInt64], [2, 16, 128])
    func countedKNNVotes_recordTheSameTimesToCluster(_ seed: UInt64, _ dimension: Int) throws {
        var config = Self.defaults(seed: seed, dimension: dimension)
        config.points = 500
        config.maxEpochs = 600
        let work = try Self.compare(config)
        #expect(work.knnRowsProven > 0, "seed \(seed), D \(dimension)")
    }

    /// The comparisons above are not vacuous: thresholds are reached mid-run, and the bounded
    /// runs did skip passes, prove silhouettes below their thresholds and stop kNN searches early.
    @Test func theComparedRuns_reachThresholdsMidRunAndSkipWork() throws {
        var reachedAfterStart = 0
        var work: [CheckWork] = []
        for seed in [1, 2, 3] as [UInt64] {
            var run = try ExperimentRun(config: Self.config(seed: seed, dimension: 2))
            run.recordsFullCurve = false
            let outcome = run.run()
            reachedAfterStart += ClusterMetric.allCases.filter { (outcome.summary.timeToCluster($0)?.epoch ?? 0) > 0 }.count
            work.append(outcome.checkWork)
            work.append(try Self.compare(Self.defaults(seed: seed, dimension: 2)))
        }
        #expect(reachedAfterStart >= 3)
        #expect(work.map(\.silhouetteBounded).reduce(0, +) > 0)
        #expect(work.map(\.ldaBounded).reduce(0, +) > 0)
        #expect(work.map(\.knnStoppedEarly).reduce(0, +) > 0)
        #expect(work.map(\.knnRowsProven).reduce(0, +) > 0)
        for w in work {
            #expect(w.silhouettePasses + w.silhouetteBounded <= w.checks)
            #expect(w.ldaPasses + w.ldaBounded <= w.checks)
        }
    }
}
