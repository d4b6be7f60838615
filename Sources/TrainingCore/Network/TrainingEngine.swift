/// The hot path of the experiment: the MLP's full-batch forward and backward pass, the weight
/// optimizer and the input update, in float32 on one preallocated arena.
///
/// Layout: activations are *feature-major* (`width x paddedN`), so every kernel is vectorised over
/// points whatever the layer widths (2, 3 or 16); `paddedN` rounds N up to a multiple of 32 and
/// padding points carry zero weight in the loss, so they never affect a gradient. All buffers are
/// allocated once in `init` (64-byte aligned); `step()` allocates nothing. The kernels are those of
/// `kernels` (one `KernelFamily`), chosen at construction.
///
/// The engine is a class because it owns raw memory (freed in `deinit`); it is used by one run on
/// one thread and never shared.
final class TrainingEngine {
    static let block = 32

    let shape: NetworkShape
    /// The kernel family every step runs.
    let kernels: KernelTable
    let pointCount: Int
    let paddedCount: Int
    let activation: Activation
    let optimizer: Optimizer
    let learningRate: Float
    /// `input_learning_rate * N`: the step on the mean loss's gradient (see `step()`).
    let inputStep: Float
    /// Adam steps taken (its bias correction uses it).
    private(set) var optimizerSteps = 0

    private let arena: UnsafeMutablePointer<Float>
    private let arenaCount: Int
    private let labelBuffer: UnsafeMutablePointer<Int32>
    /// Model-space points, `D x paddedN`.
    let points: UnsafeMutablePointer<Float>
    /// `dJ/dX` of the mean loss J, `D x paddedN`.
    let pointGradient: UnsafeMutablePointer<Float>
    /// Output of each layer after its activation (the last: logits), `width x paddedN`.
    private let outputs: [UnsafeMutablePointer<Float>]
    /// Two scratch buffers for the backward pass, `maxWidth x paddedN`.
    private let deltaA: UnsafeMutablePointer<Float>
    private let deltaB: UnsafeMutablePointer<Float>
    /// `1/N` for real points, 0 for padding.
    private let pointWeight: UnsafeMutablePointer<Float>
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    private let firstMoment: UnsafeMutablePointer<Float>
    private let secondMoment: UnsafeMutablePointer<Float>
    /// Whether `outputs` hold the forward pass of the current (W, X).
    private var forwardIsCurrent = false

    init(config: ExperimentConfig, kernels family: KernelFamily = .detected) {
        kernels = KernelTable.table(for: family)
        shape = NetworkShape(dimension: config.dimension, hidden: config.hidden, classes: config.classes)
        pointCount = config.points
        paddedCount = (config.points + Self.block - 1) / Self.block * Self.block
        activation = config.activation
        optimizer = config.optimizer
        learningRate = Float(config.learningRate)
        inputStep = Float(config.inputLearningRate * Double(config.points))

        let maxWidth = shape.widths.max() ?? 1
        let p = shape.parameterCount
        let activationFloats = shape.widths.dropFirst().reduce(0, +) * paddedCount
        arenaCount = 2 * config.dimension * paddedCount + activationFloats + 2 * maxWidth * paddedCount
            + paddedCount + 4 * p
        arena = UnsafeMutableRawPointer.allocate(byteCount: arenaCount * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: arenaCount)
        arena.initialize(repeating: 0, count: arenaCount)
        labelBuffer = .allocate(capacity: paddedCount)
        labelBuffer.initialize(repeating: -1, count: paddedCount)

        var cursor = arena
        func take(_ count: Int) -> UnsafeMutablePointer<Float> {
            defer { cursor += count }
            return cursor
        }
        points = take(config.dimension * paddedCount)
        pointGradient = take(config.dimension * paddedCount)
        let padded = paddedCount
        var layerOutputs: [UnsafeMutablePointer<Float>] = []
        for width in shape.widths.dropFirst() { layerOutputs.append(take(width * padded)) }
        outputs = layerOutputs
        deltaA = take(maxWidth * paddedCount)
        deltaB = take(maxWidth * paddedCount)
        pointWeight = take(paddedCount)
        parameters = take(p)
        gradients = take(p)
        firstMoment = take(p)
        secondMoment = take(p)
        let inverseN = 1 / Float(config.points)
        for i in 0..<config.points { pointWeight[i] = inverseN }
    }

    deinit {
        arena.deallocate()
        labelBuffer.deallocate()
    }

    var dimension: Int { shape.widths[0] }
    var classes: Int { shape.widths[shape.widths.count - 1] }
    var labels: UnsafePointer<Int32> { UnsafePointer(labelBuffer) }
    var logits: UnsafePointer<Float> { UnsafePointer(outputs[outputs.count - 1]) }

    // MARK: - Loading and reading state

    /// Loads model-space points (`N x D` row-major), labels and weights; resets the optimizer.
    func load(points rowMajor: [Float], labels: [Int32], parameters flat: [Float]) {
        let d = dimension
        for i in 0..<pointCount {
            for j in 0..<d { points[j * paddedCount + i] = rowMajor[i * d + j] }
            labelBuffer[i] = labels[i]
        }
        for i in 0..<shape.parameterCount { parameters[i] = flat[i] }
        firstMoment.update(repeating: 0, count: shape.parameterCount)
        secondMoment.update(repeating: 0, count: shape.parameterCount)
        optimizerSteps = 0
        forwardIsCurrent = false
    }

    /// The model-space points, `N x D` row-major.
    func pointRows() -> [Float] {
        let d = dimension
        var rows = [Float](repeating: 0, count: pointCount * d)
        for i in 0..<pointCount {
            for j in 0..<d { rows[i * d + j] = points[j * paddedCount + i] }
        }
        return rows
    }

    func parameterArray() -> [Float] { Array(UnsafeBufferPointer(start: parameters, count: shape.parameterCount)) }
    func gradientArray() -> [Float] { Array(UnsafeBufferPointer(start: gradients, count: shape.parameterCount)) }

    /// `dJ/dX` of the mean loss, `N x D` row-major.
    func pointGradientRows() -> [Float] {
        let d = dimension
        var rows = [Float](repeating: 0, count: pointCount * d)
        for i in 0..<pointCount {
            for j in 0..<d { rows[i * d + j] = pointGradient[j * paddedCount + i] }
        }
        return rows
    }

    // MARK: - The epoch

    /// One epoch: forward, backward, then weights and points updated together from the gradients
    /// at the same (W, X). Returns `false` when a logit or a point became non-finite (divergence).
    @discardableResult
    func step() -> Bool {
        if !forwardIsCurrent { forward() }
        let logitsFinite = backward()
        updateParameters()
        let pointsFinite = updatePoints()
        forwardIsCurrent = false
        return logitsFinite && pointsFinite
    }

    /// The mean softmax cross-entropy at the current (W, X), computed exactly in double from a
    /// fresh forward pass (kept for the next `step()`).
    func loss() -> Double {
        if !forwardIsCurrent { forward() }
        let z = logits
        let c = classes
        var total = 0.0
        for i in 0..<pointCount {
            var m = -Double.infinity
            for k in 0..<c { m = Swift.max(m, Double(z[k * paddedCount + i])) }
            var s = 0.0
            for k in 0..<c { s += LibM.exp(Double(z[k * paddedCount + i]) - m) }
            total += m + LibM.log(s) - Double(z[Int(labelBuffer[i]) * paddedCount + i])
        }
        return total / Double(pointCount)
    }

    /// Gradients of the mean loss at the current (W, X) without updating anything (for tests).
    func computeGradients() {
        if !forwardIsCurrent { forward() }
        _ = backward()
    }

    func forward() {
        var input = UnsafePointer(points)
        for l in 0..<shape.layerCount {
            let isLast = l == shape.layerCount - 1
            kernels.forward(
                input, shape.fanIn(l), outputs[l], shape.fanOut(l),
                parameters + shape.weightOffsets[l], parameters + shape.biasOffsets[l],
                paddedCount, isLast ? 0 : activation.kernelCode)
            input = UnsafePointer(outputs[l])
        }
        forwardIsCurrent = true
    }

    /// Backward pass into `gradients` and `pointGradient`; returns whether all logits were finite.
    private func backward() -> Bool {
        let logitsFinite = kernels.softmaxCrossEntropyGradient(
            logits, labels, pointWeight, classes, paddedCount, deltaA)
        var delta = deltaA
        var spare = deltaB
        for l in stride(from: shape.layerCount - 1, through: 0, by: -1) {
            let input: UnsafePointer<Float> = l == 0 ? UnsafePointer(points) : UnsafePointer(outputs[l - 1])
            kernels.weightGradient(
                input, shape.fanIn(l), delta, shape.fanOut(l), paddedCount,
                gradients + shape.weightOffsets[l], gradients + shape.biasOffsets[l])
            let target = l == 0 ? pointGradient : spare
            kernels.inputGradient(
                delta, shape.fanOut(l), parameters + shape.weightOffsets[l], shape.fanIn(l), paddedCount,
                target, l == 0 ? 0 : activation.kernelCode, input)
            if l > 0 { swap(&delta, &spare) }
        }
        return logitsFinite
    }

    private func updateParameters() {
        let count = shape.parameterCount
        switch optimizer {
        case .sgd:
            for i in 0..<count { parameters[i] -= learningRate * gradients[i] }
        case .adam:
            optimizerSteps += 1
            // PyTorch: step = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps.
            let t = Double(optimizerSteps)
            let correction1 = 1 - Self.pow(0.9, t)
            let correction2 = 1 - Self.pow(0.999, t)
            let stepSize = Float(Double(learningRate) / correction1)
            let correction2Root = Float(correction2.squareRoot())
            let beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8
            for i in 0..<count {
                let g = gradients[i]
                let m = beta1 * firstMoment[i] + (1 - beta1) * g
                let v = beta2 * secondMoment[i] + (1 - beta2) * g * g
                firstMoment[i] = m
                secondMoment[i] = v
                parameters[i] -= stepSize * m / (v.squareRoot() / correction2Root + epsilon)
            }
        }
    }

    /// `X <- X - input_learning_rate * N * dJ/dX`; returns whether every point stayed finite.
    private func updatePoints() -> Bool {
        kernels.updatePoints(points, pointGradient, dimension * paddedCount, inputStep)
    }

    /// `base^exponent` for the Adam bias correction, by repeated squaring (no libm needed).
    static func pow(_ base: Double, _ exponent: Double) -> Double {
        var result = 1.0, b = base, e = Int(exponent)
        while e > 0 {
            if e & 1 == 1 { result *= b }
            b *= b
            e >>= 1
        }
        return result
    }
}
