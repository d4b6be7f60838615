/// Timing loops for the training core (`clustersweep bench core`): the calibrated fp32 peak of a
/// kernel family, milliseconds per epoch and GFLOP/s of the training step (and their fraction of
/// that peak), the cost of one full and one bounded metric check, and whole default runs with the
/// share of their time spent in metric checks. Every figure is timed on one `BenchmarkClock`
/// (default: the thread's CPU time), the calibration included, so a fraction of peak compares
/// like with like.
///
/// Lives in the library so the command stays thin and anyone can time the same thing in code.
public enum CoreBenchmark {
    /// The timing of the training step and of one metric check for one problem size.
    public struct StepTiming: Sendable {
        public var points: Int
        public var dimension: Int
        public var epochs: Int
        public var family: KernelFamily
        /// The clock every figure was timed on.
        public var clock: BenchmarkClock
        /// Best of the repetitions, milliseconds per epoch (forward + backward + both updates).
        public var msPerEpoch: Double
        /// Useful floating-point operations per second of the step (6 per multiply-add per point:
        /// forward, weight gradient and input gradient), in GFLOP/s.
        public var gflops: Double
        /// Milliseconds of one metric check (loss + the four metrics), best of the checks.
        public var msPerCheck: Double
        /// Milliseconds of one check as a sweep job makes it early in a run (25 epochs in, the
        /// metrics not reached at epoch 0 bounded by their default thresholds): where the bounds
        /// prove the silhouettes below, no pass over the pairs; the kNN search stops early; the
        /// fisher ratio and the Fisher directions are computed (best of the checks).
        public var msPerBoundedCheck: Double
    }

    /// The fp32 peak of `family` on this core in GFLOP/s: the best of `repetitions` runs of the
    /// family's calibration microkernel (independent FMA chains on its widest vectors), timed on
    /// `clock`.
    public static func peakGflops(family: KernelFamily, clock: BenchmarkClock = .threadCPU, repetitions: Int = 7) -> Double {
        let table = KernelTable.table(for: family)
        let iterations = 2_000_000
        var best = Double.infinity
        var sink: Float = 0
        for r in 0..<repetitions {
            let start = clock.now()
            sink += table.fmaChains(iterations, Float(r) * 1e-3)
            best = min(best, clock.now() - start)
        }
        let flops = Double(iterations * table.calibrationFlopsPerIteration)
        return sink.isNaN ? 0 : flops / best / 1e9
    }

    /// Times `epochs` training steps (best of `repetitions`) and `checks` metric checks for the
    /// default network with N = `points` and D = `dimension`, on `clock`.
    public static func step(
        points: Int, dimension: Int, epochs: Int, repetitions: Int = 5, checks: Int = 20,
        family: KernelFamily = .detected, clock: BenchmarkClock = .threadCPU
    ) -> StepTiming {
        var config = ExperimentConfig()
        config.points = points
        config.dimension = dimension
        config.seed = 1
        let resolved = config.resolved()
        let state = InitialState.draw(for: resolved)
        let engine = TrainingEngine(config: resolved, kernels: family)
        let labels = state.labels.map { Int32($0) }
        let scale = resolved.effectiveInputScale
        engine.load(
            points: state.points.flatMap { $0.map { Float($0 * scale) } }, labels: labels,
            parameters: state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias })
        for _ in 0..<min(epochs, 50) { engine.step() }
        var best = Double.infinity
        for _ in 0..<repetitions {
            let start = clock.now()
            for _ in 0..<epochs { engine.step() }
            best = min(best, (clock.now() - start) / Double(epochs))
        }
        let evaluator = ClusterEvaluator(
            count: points, dimension: dimension, classes: resolved.classes, labels: labels, kernels: family)
        var sink = 0.0
        var bestCheck = Double.infinity
        for _ in 0..<max(checks, 1) {
            let start = clock.now()
            sink += evaluator.evaluate(points: engine.points, stride: engine.paddedCount, loss: engine.loss()).silhouette
            bestCheck = min(bestCheck, clock.now() - start)
        }
        // A sweep job's check one interval into a run: from the initial points' exact check (the
        // bounds' reference), 25 epochs on, each metric not reached at epoch 0 bounded by its
        // default threshold.
        let early = TrainingEngine(config: resolved, kernels: family)
        early.load(
            points: state.points.flatMap { $0.map { Float($0 * scale) } }, labels: labels,
            parameters: state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias })
        let job = ClusterEvaluator(
            count: points, dimension: dimension, classes: resolved.classes, labels: labels, kernels: family)
        let initial = job.evaluate(points: early.points, stride: early.paddedCount, loss: .nan)
        for _ in 0..<resolved.checkEvery { early.step() }
        var thresholds: [ClusterMetric: Double] = [:]
        for metric in ClusterMetric.allCases where !(initial[metric] >= metric.defaultThreshold) {
            thresholds[metric] = metric.defaultThreshold
        }
        let needed = Set(thresholds.keys)
        var bestBounded = Double.infinity
        for _ in 0..<max(checks, 1) {
            let start = clock.now()
            sink += job.evaluate(
                points: early.points, stride: early.paddedCount, loss: .nan, metrics: needed, thresholds: thresholds
            ).fisherRatio.isNaN ? 0 : 1
            bestBounded = min(bestBounded, clock.now() - start)
        }
        let flops = 6.0 * Double(points * engine.shape.multiplyAddsPerPoint)
        return StepTiming(
            points: points, dimension: dimension, epochs: epochs, family: family, clock: clock, msPerEpoch: best * 1000,
            gflops: sink.isNaN ? 0 : flops / best / 1e9, msPerCheck: bestCheck * 1000,
            msPerBoundedCheck: bestBounded * 1000)
    }

    /// A whole run at the defaults and the share of its time spent in metric checks.
    public struct RunTiming: Sendable {
        /// The best run's summary (its own `msPerEpoch` is wall-clock time, as in summary.json).
        public var summary: TrainSummary
        /// The clock the two figures below were timed on.
        public var clock: BenchmarkClock
        /// Milliseconds per epoch of the whole run, checks and set-up included (best of the
        /// repetitions).
        public var msPerEpochWithChecks: Double
        /// Milliseconds per epoch of the same epochs from the same start with no check.
        public var msPerEpochWithoutChecks: Double
        /// `1 - msPerEpochWithoutChecks / msPerEpochWithChecks`, floored at 0.
        public var checkShare: Double
        /// What the run's checks computed and what their bounds spared, and their time on
        /// `clock` (`seconds`, of the best run: the fewest seconds of checks of the repetitions).
        public var checkWork: CheckWork
        /// Microseconds per metric check, timed around each check itself (best repetition).
        public var microsecondsPerCheck: Double {
            checkWork.seconds * 1e6 / Double(max(checkWork.checks, 1))
        }
        /// The checks' share of the run from their own timing: their seconds over themselves plus
        /// the epochs without checks (a second estimate of `checkShare`, less noisy).
        public var timedCheckShare: Double {
            let steps = msPerEpochWithoutChecks * Double(summary.epochsRun) / 1000
            return checkWork.seconds / max(checkWork.seconds + steps, .leastNonzeroMagnitude)
        }
    }

    /// A whole run at the defaults (checks included) for `seed`, as a sweep job runs it, and the
    /// same number of epochs from the same start without the checks, to measure what the checks
    /// cost. The two are interleaved `repetitions` times and each keeps its best on `clock`, so a
    /// burst of load on a shared machine skews neither side alone.
    public static func defaultRun(
        seed: UInt64, dimension: Int = 2, family: KernelFamily = .detected, fullCurve: Bool = false,
        repetitions: Int = 5, clock: BenchmarkClock = .threadCPU
    ) -> RunTiming? {
        var config = ExperimentConfig()
        config.seed = seed
        config.dimension = dimension
        config.snapshotEpochs = []
        guard var run = try? ExperimentRun(config: config) else { return nil }
        run.kernelFamily = family
        run.recordsFullCurve = fullCurve
        // The same run with each check timed (two clock reads per check, kept out of the share).
        var timedChecks = run
        timedChecks.checkClock = clock
        let scale = run.config.effectiveInputScale
        let points = run.initialState.points.flatMap { $0.map { Float($0 * scale) } }
        let labels = run.initialState.labels.map { Int32($0) }
        let parameters = run.initialState.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias }
        var best: ExperimentOutcome?
        var bestWith = Double.infinity, bestWithout = Double.infinity
        var bestCheckSeconds = Double.infinity
        for _ in 0..<max(repetitions, 1) {
            let (seconds, outcome) = clock.measure { run.run() }
            bestCheckSeconds = min(bestCheckSeconds, timedChecks.run().checkWork.seconds)
            let epochs = Double(max(outcome.summary.epochsRun, 1))
            if seconds * 1000 / epochs < bestWith {
                bestWith = seconds * 1000 / epochs
                best = outcome
            }
            // Setting up the engine counts on both sides.
            let without = clock.measure {
                let engine = TrainingEngine(config: run.config, kernels: family)
                engine.load(points: points, labels: labels, parameters: parameters)
                for _ in 0..<outcome.summary.epochsRun { engine.step() }
            }
            bestWithout = min(bestWithout, without.seconds * 1000 / epochs)
        }
        guard let best else { return nil }
        var work = best.checkWork
        work.seconds = bestCheckSeconds
        return RunTiming(
            summary: best.summary, clock: clock, msPerEpochWithChecks: bestWith, msPerEpochWithoutChecks: bestWithout,
            checkShare: max(0, 1 - bestWithout / bestWith), checkWork: work)
    }
}

