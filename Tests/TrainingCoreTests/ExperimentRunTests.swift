import Foundation
import Testing
@testable import TrainingCore

/// Determinism, stopping (clustered, censored, diverged, aborted) and time-to-cluster bookkeeping.
@Suite struct ExperimentRunTests {
    static func outcome(_ config: ExperimentConfig, initialState: ModelState? = nil) throws -> ExperimentOutcome {
        var run = try ExperimentRun(config: config, initialState: initialState)
        return run.run()
    }

    @Test func run_isBitIdenticalForTheSameSeed() throws {
        let a = try Self.outcome(tinyConfig())
        let b = try Self.outcome(tinyConfig())
        #expect(a.finalState == b.finalState)
        #expect(a.curve.map(\.values) == b.curve.map(\.values))
        var other = tinyConfig()
        other.seed = 8
        #expect(try Self.outcome(other).finalState != a.finalState)
    }

    @Test func initialState_drawsDataThenGlorotWeights() throws {
        let config = tinyConfig(points: 30, dimension: 2, hidden: [4], activation: .tanh)
        let state = try ExperimentRun(config: config).initialState
        #expect(state.points.allSatisfy { $0.allSatisfy { abs($0) <= 1000 } })
        #expect(Set(state.labels) == [0, 1, 2])
        let glorot = Float((6.0 / 6.0).squareRoot())  // 2 -> 4
        #expect(state.layers[0].weights.joined().allSatisfy { abs($0) <= glorot })
        #expect(state.layers.allSatisfy { $0.bias.allSatisfy { $0 == 0 } })
        // Data are drawn first: changing the network does not change the points.
        var wider = config
        wider.hidden = [9, 9]
        #expect(try ExperimentRun(config: wider).initialState.points == state.points)
    }

    @Test func run_censorsAtMaxEpochs_whenTheThresholdIsUnreachable() throws {
        var config = tinyConfig()
        config.metric = .silhouette
        config.threshold = 1.5
        let outcome = try Self.outcome(config)
        #expect(outcome.summary.status == .censored)
        #expect(outcome.summary.epochsRun == 20)
        #expect(outcome.curve.map(\.epoch) == [0, 5, 10, 15, 20])
        #expect(outcome.summary.timeToCluster(.silhouette) == nil)
        #expect(outcome.summary.timeToCluster.count == 4)
        #expect(outcome.snapshots.map(\.epoch) == [0, 10, 20])
    }

    @Test func run_stopsAtTheFirstCheckReachingTheThreshold() throws {
        var config = tinyConfig()
        config.metric = .fisherRatio
        config.threshold = -1  // reached at epoch 0
        let outcome = try Self.outcome(config)
        #expect(outcome.summary.status == .clustered)
        #expect(outcome.summary.epochsRun == 0)
        #expect(outcome.summary.timeToCluster(.fisherRatio)?.epoch == 0)
        config.keepGoing = true
        let kept = try Self.outcome(config)
        #expect(kept.summary.status == .clustered)
        #expect(kept.summary.epochsRun == 20)
        #expect(kept.summary.timeToCluster(.fisherRatio)?.epoch == 0)
    }

    @Test func run_recordsEachMetricsFirstCrossing() throws {
        var config = tinyConfig()
        config.maxEpochs = 10
        config.keepGoing = true
        let outcome = try Self.outcome(config)
        for metric in ClusterMetric.allCases {
            let threshold = metric.defaultThreshold
            let first = outcome.curve.first { $0.values[metric] >= threshold }
            #expect(outcome.summary.timeToCluster(metric)?.epoch == first?.epoch)
        }
    }

    @Test func run_endsAsDiverged_whenPointsBecomeNonFinite() throws {
        var config = tinyConfig()
        config.inputLearningRate = 1e38
        config.learningRate = 1e38
        config.optimizer = .sgd
        let outcome = try Self.outcome(config)
        #expect(outcome.summary.status == .diverged)
        #expect(outcome.summary.epochsRun >= 1 && outcome.summary.epochsRun < 20)
        #expect(outcome.summary.final.loss.isNaN)
        // A diverged summary still encodes: non-finite values become null.
        let json = try String(decoding: JSONEncoder().encode(outcome.summary), as: UTF8.self)
        #expect(json.contains(#""loss":null"#))
    }

    @Test func run_stopsWhenOnCheckReturnsFalse() throws {
        var run = try ExperimentRun(config: tinyConfig())
        var seen = 0
        let outcome = run.run { _ in seen += 1; return seen < 2 }
        #expect(outcome.aborted)
        #expect(outcome.summary.epochsRun == 5)
        #expect(outcome.summary.status == .censored)
    }

    @Test func init_rejectsAnInvalidConfigNamingTheField() {
        var config = tinyConfig()
        config.hidden = [4, 0]
        #expect(throws: ExperimentError.invalidConfig([ConfigProblem(field: "hidden[1]", reason: "layer width must be between 1 and 65536 (got 0)")])) {
            try ExperimentRun(config: config)
        }
    }
}
