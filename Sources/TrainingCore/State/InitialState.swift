/// Draws the starting points, labels and weights of a run from its seed: data first (every
/// coordinate, point by point, then every label), then weights layer by layer (row-major),
/// so one seed and configuration always give the same start.
public enum InitialState {
    /// The initial state of `config` (validated by the caller).
    ///
    /// Coordinates are uniform in `[-range, range)`, labels uniform in `0..<classes`. Weights are
    /// Glorot-uniform (`±sqrt(6 / (fan_in + fan_out))`) for tanh layers and the output layer,
    /// He-uniform (`±sqrt(6 / fan_in)`) for relu hidden layers; biases are zero.
    public static func draw(for config: ExperimentConfig) -> ModelState {
        var rng = SeededGenerator(seed: config.seed)
        var points: [[Double]] = []
        points.reserveCapacity(config.points)
        for _ in 0..<config.points {
            points.append((0..<config.dimension).map { _ in rng.nextSymmetric(config.range) })
        }
        let labels = (0..<config.points).map { _ in rng.nextIndex(below: config.classes) }
        let shape = NetworkShape(dimension: config.dimension, hidden: config.hidden, classes: config.classes)
        var layers: [LayerState] = []
        for l in 0..<shape.layerCount {
            let fanIn = shape.fanIn(l), fanOut = shape.fanOut(l)
            let isHidden = l < shape.layerCount - 1
            let limit = isHidden && config.activation == .relu
                ? (6 / Double(fanIn)).squareRoot()
                : (6 / Double(fanIn + fanOut)).squareRoot()
            let weights = (0..<fanIn).map { _ in (0..<fanOut).map { _ in Float(rng.nextSymmetric(limit)) } }
            layers.append(LayerState(weights: weights, bias: [Float](repeating: 0, count: fanOut)))
        }
        return ModelState(epoch: 0, points: points, labels: labels, layers: layers)
    }
}
