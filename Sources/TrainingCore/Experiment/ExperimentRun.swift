/// One run of the paper's experiment: validates its configuration and starting state, then trains
/// the network and the points together, checks the metrics every `check_every` epochs, and stops
/// when the chosen criterion is reached (clustered), at `max_epochs` (censored) or on a
/// non-finite loss or point (diverged).
///
/// A value type: `run` builds its buffers from the stored configuration and initial state, so
/// running the same `ExperimentRun` twice gives bit-identical results.
public struct ExperimentRun: Sendable {
    /// The resolved configuration (derived defaults written out).
    public let config: ExperimentConfig
    /// The starting points, labels and weights (drawn from the seed unless given).
    public let initialState: ModelState
    /// The kernels that train and evaluate (default: the widest this CPU runs). Results are
    /// bit-identical for a seed within one family; not part of the configuration or the job id.
    public var kernelFamily: KernelFamily = .detected
    /// Whether every check computes the loss and all four metrics (for `curve.csv`). When false,
    /// a metric is computed only until it reaches its threshold, and only at the checks where a
    /// bound cannot prove it still below (`ClusterEvaluator`), and the loss only at the last
    /// check; skipped values are NaN. Times to cluster and `final` are identical either way
    /// (`MetricSkippingTests`).
    public var recordsFullCurve: Bool = true
    /// When set, every metric check is timed on this clock (`CheckWork.seconds`); two clock reads
    /// per check, so only benchmarks set it.
    public var checkClock: BenchmarkClock?

    /// Validates `config` and, when given, that `initialState` fits it (else draws one from the seed).
    public init(config: ExperimentConfig, initialState: ModelState? = nil) throws(ExperimentError) {
        let problems = config.validationProblems()
        guard problems.isEmpty else { throw .invalidConfig(problems) }
        self.config = config.resolved()
        if let initialState {
            try Self.validate(initialState, against: self.config)
            self.initialState = initialState
        } else {
            self.initialState = InitialState.draw(for: self.config)
        }
    }

    /// Runs to the end. `onCheck` is called at every metric check; returning false aborts the run.
    public mutating func run(onCheck: (CheckRecord) -> Bool = { _ in true }) -> ExperimentOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            (clock.now - start).seconds
        }
        let scale = config.effectiveInputScale
        let engine = TrainingEngine(config: config, kernels: kernelFamily)
        let labels32 = initialState.labels.map { Int32($0) }
        engine.load(
            points: initialState.points.flatMap { row in row.map { Float($0 * scale) } },
            labels: labels32,
            parameters: initialState.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias })
        let evaluator = ClusterEvaluator(
            count: config.points, dimension: config.dimension, classes: config.classes, labels: labels32,
            kernels: kernelFamily)
        let allMetrics = Set(ClusterMetric.allCases)
        let snapshotEpochs = Set(config.snapshotEpochs)
        let criterion = config.metric
        var curve: [CheckRecord] = []
        var snapshots: [Snapshot] = []
        var reached: [ClusterMetric: ClusterTime] = [:]
        var status = RunStatus.censored
        var aborted = false
        var epoch = 0
        var checkSeconds = 0.0

        func threshold(of metric: ClusterMetric) -> Double {
            metric == criterion ? config.effectiveThreshold : metric.defaultThreshold
        }
        func snapshot() {
            let rows = engine.pointRows()
            snapshots.append(Snapshot(
                epoch: epoch, points: rows.map { Float(Double($0) / scale) }, labels: initialState.labels,
                dimension: config.dimension))
        }
        /// Checks the metrics; returns whether the run should go on.
        func check() -> Bool {
            let needed = recordsFullCurve ? allMetrics : allMetrics.filter { reached[$0] == nil }
            var thresholds: [ClusterMetric: Double] = [:]
            if !recordsFullCurve { for metric in needed { thresholds[metric] = threshold(of: metric) } }
            let checkStart = checkClock?.now()
            let values = evaluator.evaluate(
                points: engine.points, stride: engine.paddedCount, loss: recordsFullCurve ? engine.loss() : .nan,
                metrics: needed, thresholds: thresholds)
            if let checkClock, let checkStart { checkSeconds += checkClock.now() - checkStart }
            let record = CheckRecord(epoch: epoch, seconds: elapsed(), values: values)
            curve.append(record)
            for metric in ClusterMetric.allCases where reached[metric] == nil {
                if values[metric] >= threshold(of: metric) { reached[metric] = ClusterTime(epoch: epoch, seconds: record.seconds) }
            }
            if !onCheck(record) {
                aborted = true
                return false
            }
            if reached[criterion] != nil {
                status = .clustered
                if !config.keepGoing { return false }
            }
            return true
        }

        if snapshotEpochs.contains(0) { snapshot() }
        var goOn = check()
        var final = curve.last?.values
        while goOn && epoch < config.maxEpochs {
            let finite = engine.step()
            epoch += 1
            if !finite {
                status = .diverged
                final = MetricValues(loss: .nan, ldaSilhouette: .nan, knnAccuracy: .nan, silhouette: .nan, fisherRatio: .nan)
                break
            }
            if snapshotEpochs.contains(epoch) { snapshot() }
            if epoch % config.checkEvery == 0 || epoch == config.maxEpochs {
                goOn = check()
                final = curve.last?.values
            }
        }
        // Skipped metrics are computed at the last check after all, so `final` is always complete
        // (the points have not moved since: every way out of the loop but divergence is a check).
        // What that check computed is already the exact value.
        var work = evaluator.work
        work.checks = curve.count
        work.seconds = checkSeconds
        if !recordsFullCurve, status != .diverged, let last = curve.last, last.epoch == epoch {
            let missing = Set(ClusterMetric.allCases.filter { last.values[$0].isNaN })
            var values = missing.isEmpty
                ? last.values
                : evaluator.evaluate(points: engine.points, stride: engine.paddedCount, loss: .nan, metrics: missing)
            for metric in allMetrics where !missing.contains(metric) { values[metric] = last.values[metric] }
            values.loss = engine.loss()
            curve[curve.count - 1] = CheckRecord(epoch: last.epoch, seconds: last.seconds, values: values)
            final = values
        }
        if status != .diverged && snapshots.last?.epoch != epoch { snapshot() }
        let seconds = elapsed()

        var timeToCluster: [String: ClusterTime?] = [:]
        for metric in ClusterMetric.allCases { timeToCluster[metric.key] = reached[metric] }
        let summary = TrainSummary(
            config: config, status: status, epochsRun: epoch, timeToCluster: timeToCluster,
            final: final ?? MetricValues(loss: .nan, ldaSilhouette: .nan, knnAccuracy: .nan, silhouette: .nan, fisherRatio: .nan),
            trainSeconds: seconds, msPerEpoch: seconds * 1000 / Double(max(epoch, 1)),
            kernelFamily: kernelFamily)
        return ExperimentOutcome(
            summary: summary, curve: curve, snapshots: snapshots,
            finalState: state(of: engine, epoch: initialState.epoch + epoch), aborted: aborted, checkWork: work)
    }

    /// The engine's points (raw units), labels and weights as a state file value.
    private func state(of engine: TrainingEngine, epoch: Int) -> ModelState {
        let scale = config.effectiveInputScale
        let rows = engine.pointRows()
        let d = config.dimension
        let points = (0..<config.points).map { i in (0..<d).map { Double(rows[i * d + $0]) / scale } }
        let parameters = engine.parameterArray()
        let shape = engine.shape
        let layers = (0..<shape.layerCount).map { l in
            let fanIn = shape.fanIn(l), fanOut = shape.fanOut(l), w = shape.weightOffsets[l]
            return LayerState(
                weights: (0..<fanIn).map { k in Array(parameters[(w + k * fanOut)..<(w + (k + 1) * fanOut)]) },
                bias: Array(parameters[shape.biasOffsets[l]..<(shape.biasOffsets[l] + fanOut)]))
        }
        return ModelState(epoch: epoch, points: points, labels: initialState.labels, layers: layers)
    }

    /// Checks that `state` has N points of D finite coordinates, N labels in `0..<classes`, and
    /// one layer per weight matrix of the configured network with matching shapes.
    static func validate(_ state: ModelState, against config: ExperimentConfig) throws(ExperimentError) {
        guard state.version == ModelState.currentVersion else {
            throw .badState(path: "version", reason: "unsupported version \(state.version) (expected \(ModelState.currentVersion))")
        }
        guard state.epoch >= 0 else { throw .badState(path: "epoch", reason: "must be >= 0 (got \(state.epoch))") }
        guard state.points.count == config.points else {
            throw .badState(path: "points", reason: "expected \(config.points) points (points), got \(state.points.count)")
        }
        let scale = config.effectiveInputScale
        for (i, row) in state.points.enumerated() {
            guard row.count == config.dimension else {
                throw .badState(path: "points[\(i)]", reason: "expected \(config.dimension) coordinates (dimension), got \(row.count)")
            }
            if let j = row.firstIndex(where: { !($0 * scale).isFinite || !Float($0 * scale).isFinite }) {
                throw .badState(path: "points[\(i)][\(j)]", reason: "not a finite number in float32 model space")
            }
        }
        guard state.labels.count == config.points else {
            throw .badState(path: "labels", reason: "expected \(config.points) labels (points), got \(state.labels.count)")
        }
        if let i = state.labels.firstIndex(where: { !(0..<config.classes).contains($0) }) {
            throw .badState(path: "labels[\(i)]", reason: "class \(state.labels[i]) is outside 0..<\(config.classes) (classes)")
        }
        let shape = NetworkShape(dimension: config.dimension, hidden: config.hidden, classes: config.classes)
        guard state.layers.count == shape.layerCount else {
            throw .badState(path: "layers", reason: "expected \(shape.layerCount) layers (hidden + output), got \(state.layers.count)")
        }
        for (l, layer) in state.layers.enumerated() {
            let fanIn = shape.fanIn(l), fanOut = shape.fanOut(l)
            guard layer.weights.count == fanIn else {
                throw .badState(path: "layers[\(l)].weights", reason: "expected \(fanIn) rows (fan_in), got \(layer.weights.count)")
            }
            for (k, row) in layer.weights.enumerated() {
                guard row.count == fanOut else {
                    throw .badState(path: "layers[\(l)].weights[\(k)]", reason: "expected \(fanOut) values (fan_out), got \(row.count)")
                }
                if let o = row.firstIndex(where: { !$0.isFinite }) {
                    throw .badState(path: "layers[\(l)].weights[\(k)][\(o)]", reason: "not a finite number")
                }
            }
            guard layer.bias.count == fanOut else {
                throw .badState(path: "layers[\(l)].bias", reason: "expected \(fanOut) values (fan_out), got \(layer.bias.count)")
            }
            if let o = layer.bias.firstIndex(where: { !$0.isFinite }) {
                throw .badState(path: "layers[\(l)].bias[\(o)]", reason: "not a finite number")
            }
        }
    }
}
