import Foundation
@testable import TrainingCore

/// A plain double-precision MLP with libm `tanh`, written as directly as possible from the
/// issue's definition: the yardstick for the engine's vectorised float32 passes.
struct ReferenceNetwork {
    let shape: NetworkShape
    let activation: Activation

    /// Mean softmax cross-entropy of `points` (`N x D` row-major, model space).
    func loss(parameters: [Double], points: [Double], labels: [Int]) -> Double {
        let n = labels.count
        var total = 0.0
        for i in 0..<n {
            var h = Array(points[(i * shape.widths[0])..<((i + 1) * shape.widths[0])])
            for l in 0..<shape.layerCount {
                let fanIn = shape.fanIn(l), fanOut = shape.fanOut(l)
                var z = (0..<fanOut).map { parameters[shape.biasOffsets[l] + $0] }
                for k in 0..<fanIn {
                    for o in 0..<fanOut { z[o] += h[k] * parameters[shape.weightOffsets[l] + k * fanOut + o] }
                }
                if l < shape.layerCount - 1 {
                    z = z.map { activation == .tanh ? Foundation.tanh($0) : max($0, 0) }
                }
                h = z
            }
            let m = h.max() ?? 0
            let s = h.reduce(0) { $0 + Foundation.exp($1 - m) }
            total += m + Foundation.log(s) - h[labels[i]]
        }
        return total / Double(n)
    }
}

/// A small valid configuration for fast debug-build tests.
func tinyConfig(points: Int = 40, dimension: Int = 2, hidden: [Int] = [6, 5], activation: Activation = .tanh) -> ExperimentConfig {
    var config = ExperimentConfig()
    config.points = points
    config.dimension = dimension
    config.hidden = hidden
    config.activation = activation
    config.seed = 7
    config.checkEvery = 5
    config.maxEpochs = 20
    config.snapshotEpochs = [0, 10]
    return config
}
