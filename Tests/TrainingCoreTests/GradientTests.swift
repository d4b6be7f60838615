import Foundation
import Testing
@testable import TrainingCore

/// Finite-difference checks of the engine's analytic gradients (weights and inputs).
@Suite struct GradientTests {
    static func engineAndReference(_ activation: Activation, optimizer: Optimizer = .adam, family: KernelFamily = .detected) throws
        -> (TrainingEngine, ReferenceNetwork, [Double], [Double], [Int])
    {
        var config = tinyConfig(points: 37, dimension: 3, hidden: [5, 4], activation: activation)
        config.optimizer = optimizer
        let state = try ExperimentRun(config: config).initialState
        let scale = config.resolved().effectiveInputScale
        let engine = TrainingEngine(config: config.resolved(), kernels: family)
        // Random, non-zero biases so relu units are not all at their kink.
        var rng = SeededGenerator(seed: 99)
        var flat = state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias }
        for i in flat.indices where flat[i] == 0 { flat[i] = Float(rng.nextSymmetric(0.3)) }
        let points = state.points.flatMap { $0.map { Float($0 * scale) } }
        engine.load(points: points, labels: state.labels.map(Int32.init), parameters: flat)
        let reference = ReferenceNetwork(shape: engine.shape, activation: activation)
        return (engine, reference, flat.map(Double.init), points.map(Double.init), state.labels)
    }

    static func centralDifference(_ f: (Double) -> Double) -> Double {
        let h = 1e-5
        return (f(h) - f(-h)) / (2 * h)
    }

    @Test(arguments: [Activation.tanh, .relu], KernelFamily.allCases)
    func weightGradient_matchesFiniteDifferences(_ activation: Activation, _ family: KernelFamily) throws {
        guard runnable(family) else { return }
        let (engine, reference, parameters, points, labels) = try Self.engineAndReference(activation, family: family)
        engine.computeGradients()
        let analytic = engine.gradientArray().map(Double.init)
        let numeric = parameters.indices.map { i in
            Self.centralDifference { h in
                var p = parameters
                p[i] += h
                return reference.loss(parameters: p, points: points, labels: labels)
            }
        }
        let scale = numeric.map(abs).max() ?? 1
        #expect(scale > 1e-3)
        for i in parameters.indices {
            #expect(abs(analytic[i] - numeric[i]) <= 2e-4 * scale, "parameter \(i): \(analytic[i]) vs \(numeric[i])")
        }
    }

    @Test(arguments: [Activation.tanh, .relu], KernelFamily.allCases)
    func inputGradient_matchesFiniteDifferences(_ activation: Activation, _ family: KernelFamily) throws {
        guard runnable(family) else { return }
        let (engine, reference, parameters, points, labels) = try Self.engineAndReference(activation, family: family)
        engine.computeGradients()
        let analytic = engine.pointGradientRows().map(Double.init)
        let numeric = points.indices.map { i in
            Self.centralDifference { h in
                var x = points
                x[i] += h
                return reference.loss(parameters: parameters, points: x, labels: labels)
            }
        }
        let scale = numeric.map(abs).max() ?? 1
        #expect(scale > 1e-5)
        for i in points.indices {
            #expect(abs(analytic[i] - numeric[i]) <= 2e-4 * scale, "coordinate \(i): \(analytic[i]) vs \(numeric[i])")
        }
    }

    @Test(arguments: [Activation.tanh, .relu], KernelFamily.allCases)
    func loss_matchesTheDoublePrecisionReference(_ activation: Activation, _ family: KernelFamily) throws {
        guard runnable(family) else { return }
        let (engine, reference, parameters, points, labels) = try Self.engineAndReference(activation, family: family)
        let expected = reference.loss(parameters: parameters, points: points, labels: labels)
        #expect(abs(engine.loss() - expected) < 1e-5 * max(1, expected))
    }

    /// Rows 4 KiB apart (N >= 1024) and more than 64 inputs: the forward pass prefetches the next
    /// strip's rows there (DenseKernels.forward). The loss and sampled gradients still match the
    /// double-precision reference.
    @Test(arguments: KernelFamily.allCases)
    func prefetchedWideInputs_matchTheDoublePrecisionReference(_ family: KernelFamily) throws {
        guard runnable(family) else { return }
        var config = tinyConfig(points: 1100, dimension: 80, hidden: [16])
        config.seed = 11
        let state = try ExperimentRun(config: config).initialState
        let scale = config.resolved().effectiveInputScale
        let engine = TrainingEngine(config: config.resolved(), kernels: family)
        #expect(engine.paddedCount * MemoryLayout<Float>.stride >= 4096)
        let parameters = state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias }
        let points = state.points.flatMap { $0.map { Float($0 * scale) } }
        engine.load(points: points, labels: state.labels.map(Int32.init), parameters: parameters)
        let reference = ReferenceNetwork(shape: engine.shape, activation: .tanh)
        let (p, x, labels) = (parameters.map(Double.init), points.map(Double.init), state.labels)
        let expected = reference.loss(parameters: p, points: x, labels: labels)
        #expect(abs(engine.loss() - expected) < 1e-5 * max(1, expected))

        engine.computeGradients()
        let weightGradient = engine.gradientArray().map(Double.init)
        let pointGradient = engine.pointGradientRows().map(Double.init)
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<6 {
            let i = Int(rng.next() % UInt64(80 * 16))
            let numeric = Self.centralDifference { h in
                var q = p
                q[i] += h
                return reference.loss(parameters: q, points: x, labels: labels)
            }
            #expect(abs(weightGradient[i] - numeric) <= 2e-4 * max(abs(numeric), 1e-3), "weight \(i)")
            let j = Int(rng.next() % UInt64(x.count))
            let numericPoint = Self.centralDifference { h in
                var y = x
                y[j] += h
                return reference.loss(parameters: p, points: y, labels: labels)
            }
            #expect(abs(pointGradient[j] - numericPoint) <= 2e-4 * max(abs(numericPoint), 1e-5), "coordinate \(j)")
        }
    }
}
