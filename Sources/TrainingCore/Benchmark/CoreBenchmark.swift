/// Timing loops for the training core (`clustersweep bench core`): milliseconds per epoch and
/// GFLOP/s of the training step, the cost of one metric check, and a whole default run.
///
/// Lives in the library so the command stays thin and anyone can time the same thing in code.
public enum CoreBenchmark {
    /// The timing of the training step and of one metric check for one problem size.
    public struct StepTiming: Sendable {
        public var points: Int
        public var dimension: Int
        public var epochs: Int
        /// Best of the repetitions, milliseconds per epoch (forward + backward + both updates).
        public var msPerEpoch: Double
        /// Useful floating-point operations per second of the step (6 per multiply-add per point:
        /// forward, weight gradient and input gradient), in GFLOP/s.
        public var gflops: Double
        /// Milliseconds of one metric check (loss + the four metrics).
        public var msPerCheck: Double
    }

    /// Times `epochs` training steps (best of `repetitions`) and `checks` metric checks for the
    /// default network with N = `points` and D = `dimension`.
    public static func step(points: Int, dimension: Int, epochs: Int, repetitions: Int = 5, checks: Int = 20) -> StepTiming {
        var config = ExperimentConfig()
        config.points = points
        config.dimension = dimension
        config.seed = 1
        let resolved = config.resolved()
        let state = InitialState.draw(for: resolved)
        let engine = TrainingEngine(config: resolved)
        let labels = state.labels.map { Int32($0) }
        let scale = resolved.effectiveInputScale
        engine.load(
            points: state.points.flatMap { $0.map { Float($0 * scale) } }, labels: labels,
            parameters: state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias })
        let clock = ContinuousClock()
        for _ in 0..<min(epochs, 50) { engine.step() }
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = clock.now
            for _ in 0..<epochs { engine.step() }
            best = min(best, seconds(clock.now - start) / Double(epochs))
        }
        let evaluator = ClusterEvaluator(count: points, dimension: dimension, classes: resolved.classes, labels: labels)
        var sink = 0.0
        let checkStart = clock.now
        for _ in 0..<checks {
            sink += evaluator.evaluate(points: engine.points, stride: engine.paddedCount, loss: engine.loss()).silhouette
        }
        let checkSeconds = seconds(clock.now - checkStart) / Double(checks)
        let flops = 6.0 * Double(points * engine.shape.multiplyAddsPerPoint)
        return StepTiming(
            points: points, dimension: dimension, epochs: epochs, msPerEpoch: best * 1000,
            gflops: sink.isNaN ? 0 : flops / best / 1e9, msPerCheck: checkSeconds * 1000)
    }

    /// A whole run at the defaults (checks included) for `seed`, as `clustersweep train` would do it.
    public static func defaultRun(seed: UInt64, dimension: Int = 2) -> TrainSummary? {
        var config = ExperimentConfig()
        config.seed = seed
        config.dimension = dimension
        config.snapshotEpochs = []
        guard var run = try? ExperimentRun(config: config) else { return nil }
        return run.run().summary
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
