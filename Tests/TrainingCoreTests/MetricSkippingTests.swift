import Testing
@testable import TrainingCore

/// A run that stops computing each metric once it has reached its threshold (`recordsFullCurve =
/// false`) records exactly the times to cluster of a run that computes everything at every check.
@Suite struct MetricSkippingTests {
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

    @Test(arguments: [1, 2, 3] as [UInt64], [2, 16, 128])
    func skippingReachedMetrics_recordsTheSameTimesToCluster(_ seed: UInt64, _ dimension: Int) throws {
        let config = Self.config(seed: seed, dimension: dimension)
        var full = try ExperimentRun(config: config)
        full.recordsFullCurve = true
        var skipping = try ExperimentRun(config: config)
        skipping.recordsFullCurve = false
        let everything = full.run()
        let bounded = skipping.run()
        for metric in ClusterMetric.allCases {
            #expect(everything.summary.timeToCluster(metric)?.epoch == bounded.summary.timeToCluster(metric)?.epoch,
                    "seed \(seed), D \(dimension), \(metric)")
        }
        #expect(everything.summary.final == bounded.summary.final)
        #expect(everything.summary.epochsRun == bounded.summary.epochsRun)
        // Until a metric is reached both runs compute it bit for bit alike; afterwards the bounded
        // run skips it (NaN) except at the last check, which is always complete.
        try #require(everything.curve.count == bounded.curve.count)
        for (a, b) in zip(everything.curve, bounded.curve) {
            let last = b.epoch == bounded.summary.epochsRun
            #expect(last ? a.values.loss == b.values.loss : b.values.loss.isNaN)
            for metric in ClusterMetric.allCases {
                let reachedBefore = everything.summary.timeToCluster(metric).map { $0.epoch < a.epoch } ?? false
                if reachedBefore && !last {
                    #expect(b.values[metric].isNaN, "epoch \(b.epoch) \(metric)")
                } else {
                    #expect(a.values[metric] == b.values[metric], "epoch \(a.epoch) \(metric)")
                }
            }
        }
    }

    /// The configurations above reach thresholds mid-run, so the comparison is not vacuous.
    @Test func theComparedRuns_reachSomeThresholdsMidRun() throws {
        var reachedAfterStart = 0
        for seed in [1, 2, 3] as [UInt64] {
            var run = try ExperimentRun(config: Self.config(seed: seed, dimension: 2))
            run.recordsFullCurve = false
            let summary = run.run().summary
            reachedAfterStart += ClusterMetric.allCases.filter { (summary.timeToCluster($0)?.epoch ?? 0) > 0 }.count
        }
        #expect(reachedAfterStart >= 3)
    }
}
