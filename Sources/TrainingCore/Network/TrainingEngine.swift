/// The hot path of the experiment: the MLP's full-batch forward and backward pass, the weight
/// optimizer and the input update, in float32 on one preallocated arena.
///
/// Layout: activations are *feature-major* (`width x paddedN`), so every kernel is vectorised over
/// points whatever the layer widths (2, 3 or 16); `paddedN` rounds N up to a multiple of 32 and
/// padding points carry zero weight in the loss, so they never affect a gradient. All buffers are
/// allocated once in `init` (64-byte aligned; on huge pages when large, see `HugePageAllocation`);
/// `step()` allocates nothing. The kernels are those of `kernels` (one `KernelFamily`), chosen at
/// construction.
///
/// The step is fused per chunk of points: each chunk goes forward through every layer and back
/// again while its activations are still in cache, and only the points, their gradient and the
/// lane accumulators of the weight gradients live outside the cache. Each accumulator lane sums
/// its points in the same order as one pass over all points would, so the result does not depend
/// on the chunk size (bit for bit).
///
/// The engine is a class because it owns raw memory (freed in `deinit`); it is used by one run on
/// one thread and never shared.
final class TrainingEngine {
    static let block = 32
    /// Points per chunk of the fused step at most (a multiple of `block`).
    static let maxChunk = 256

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
    /// Points per chunk of the fused step: `min(maxChunk, paddedN)` unless a test asks for another.
    let chunk: Int
    /// The row pitch of the chunk buffers, `chunk + 16` floats: rows a power-of-two number of
    /// bytes apart would map to the same cache sets (and alias 4 KiB apart).
    let chunkStride: Int
    /// Each layer's output for one chunk, `width x chunkStride`.
    private let chunkOutputs: [UnsafeMutablePointer<Float>]
    /// Two scratch buffers for the backward pass of one chunk, `maxWidth x chunkStride`.
    private let deltaA: UnsafeMutablePointer<Float>
    private let deltaB: UnsafeMutablePointer<Float>
    /// The weight and bias gradients' lane accumulators, `lanes` floats per parameter (the layout
    /// of `parameters`), and the logits' finiteness probe (`lanes` floats).
    private let accumulators: UnsafeMutablePointer<Float>
    private let probe: UnsafeMutablePointer<Float>
    /// The points' gradient of one chunk in `step()`, `D x chunkStride` (`pointGradient` holds
    /// all points' only after `computeGradients()`).
    private let chunkPointGradient: UnsafeMutablePointer<Float>
    /// Each layer's weights transposed (`fanOut x fanIn`, at the layer's weight offset), for the
    /// input gradients; refreshed at every step.
    private let transposedWeights: UnsafeMutablePointer<Float>
    /// `1/N` for real points, 0 for padding.
    private let pointWeight: UnsafeMutablePointer<Float>
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    private let firstMoment: UnsafeMutablePointer<Float>
    private let secondMoment: UnsafeMutablePointer<Float>
    /// Whether `outputs` hold the forward pass of the current (W, X).
    private var forwardIsCurrent = false

    /// `chunkPoints` (tests only; rounded up to a multiple of `block`) replaces `maxChunk`: the
    /// results must not depend on it.
    init(config: ExperimentConfig, kernels family: KernelFamily = .detected, chunkPoints: Int? = nil) {
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
        let requested = chunkPoints.map { (Swift.max($0, 1) + Self.block - 1) / Self.block * Self.block }
        chunk = Swift.min(requested ?? Self.maxChunk, paddedCount)
        chunkStride = chunk + 16
        let lanes = kernels.vectorLanes
        let widthSum = shape.widths.dropFirst().reduce(0, +)
        arenaCount = 2 * config.dimension * paddedCount + widthSum * paddedCount + widthSum * chunkStride
            + 2 * maxWidth * chunkStride + config.dimension * chunkStride + paddedCount + 5 * p + lanes * p + lanes
        arena = HugePageAllocation.floats(arenaCount)
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
        var chunkLayerOutputs: [UnsafeMutablePointer<Float>] = []
        for width in shape.widths.dropFirst() { chunkLayerOutputs.append(take(width * chunkStride)) }
        chunkOutputs = chunkLayerOutputs
        deltaA = take(maxWidth * chunkStride)
        deltaB = take(maxWidth * chunkStride)
        pointWeight = take(paddedCount)
        parameters = take(p)
        gradients = take(p)
        firstMoment = take(p)
        secondMoment = take(p)
        accumulators = take(lanes * p)
        probe = take(lanes)
        transposedWeights = take(p)
        chunkPointGradient = take(config.dimension * chunkStride)
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

    /// One epoch: forward and backward (fused per chunk of points), then weights and points
    /// updated together from the gradients at the same (W, X): each chunk's points as soon as
    /// its backward pass no longer needs them, the weights after the last chunk. Returns `false`
    /// when a logit or a point became non-finite (divergence).
    @discardableResult
    func step() -> Bool {
        let (logitsFinite, pointsFinite) = forwardBackward(updatingPoints: true)
        updateParameters()
        forwardIsCurrent = false
        return logitsFinite && pointsFinite
    }

    /// The mean softmax cross-entropy at the current (W, X), computed exactly in double from a
    /// fresh forward pass over all points (kept until the next `step()`).
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
        _ = forwardBackward(updatingPoints: false)
    }

    /// The forward pass over all points into `outputs` (for `loss()`).
    func forward() {
        var input = UnsafePointer(points)
        for l in 0..<shape.layerCount {
            let isLast = l == shape.layerCount - 1
            kernels.forward(
                input, paddedCount, shape.fanIn(l), outputs[l], paddedCount, shape.fanOut(l),
                parameters + shape.weightOffsets[l], parameters + shape.biasOffsets[l],
                paddedCount, isLast ? 0 : activation.kernelCode)
            input = UnsafePointer(outputs[l])
        }
        forwardIsCurrent = true
    }

    /// Forward and backward pass, one chunk of points at a time, into `gradients`, and either
    /// the points' step (`updatingPoints`: each chunk's points move by `inputStep` times their
    /// gradient once the chunk is done) or `pointGradient`. Returns whether all logits, and
    /// whether all updated points, were finite.
    private func forwardBackward(updatingPoints: Bool) -> (logits: Bool, points: Bool) {
        let lanes = kernels.vectorLanes
        probe.update(repeating: 0, count: lanes)
        for l in 0..<shape.layerCount {
            let offset = shape.weightOffsets[l]
            kernels.transpose(parameters + offset, shape.fanIn(l), shape.fanOut(l), transposedWeights + offset)
        }
        var logitsFinite = true
        var pointsFinite = true
        // After `loss()` (a metric check) the forward pass over all points is current: the chunks
        // read their activations from it instead of computing them again (the same values).
        let reusesForward = forwardIsCurrent
        let activationStride = reusesForward ? paddedCount : chunkStride
        var start = 0
        while start < paddedCount {
            let count = Swift.min(chunk, paddedCount - start)
            // Layer l's output for this chunk.
            func activations(_ l: Int) -> UnsafeMutablePointer<Float> {
                reusesForward ? outputs[l] + start : chunkOutputs[l]
            }
            if !reusesForward {
                var input = UnsafePointer(points + start)
                var inputStride = paddedCount
                for l in 0..<shape.layerCount {
                    let isLast = l == shape.layerCount - 1
                    kernels.forward(
                        input, inputStride, shape.fanIn(l), chunkOutputs[l], chunkStride, shape.fanOut(l),
                        parameters + shape.weightOffsets[l], parameters + shape.biasOffsets[l],
                        count, isLast ? 0 : activation.kernelCode)
                    input = UnsafePointer(chunkOutputs[l])
                    inputStride = chunkStride
                }
            }
            logitsFinite = kernels.softmaxCrossEntropyGradient(
                activations(shape.layerCount - 1), activationStride, labels + start, pointWeight + start, classes, count,
                deltaA, chunkStride, probe)
            var delta = deltaA
            var spare = deltaB
            for l in stride(from: shape.layerCount - 1, through: 0, by: -1) {
                let layerInput = l == 0 ? UnsafePointer(points + start) : UnsafePointer(activations(l - 1))
                let layerStride = l == 0 ? paddedCount : activationStride
                kernels.weightGradient(
                    layerInput, layerStride, shape.fanIn(l), delta, chunkStride, shape.fanOut(l), count,
                    accumulators + lanes * shape.weightOffsets[l], accumulators + lanes * shape.biasOffsets[l], start == 0)
                let (target, targetStride) = l > 0 ? (spare, chunkStride)
                    : updatingPoints ? (chunkPointGradient, chunkStride) : (pointGradient + start, paddedCount)
                // Layer 0 has no activation to differentiate: the linear kernel reads nothing of
                // `layerInput` (the points) there.
                kernels.inputGradient(
                    delta, chunkStride, shape.fanOut(l), transposedWeights + shape.weightOffsets[l], shape.fanIn(l), count,
                    target, targetStride, l == 0 ? 0 : activation.kernelCode, layerInput, layerStride)
                if l > 0 { swap(&delta, &spare) }
            }
            if updatingPoints {
                pointsFinite = kernels.updatePoints(
                    points + start, paddedCount, chunkPointGradient, chunkStride, dimension, count, inputStep) && pointsFinite
            }
            start += count
        }
        kernels.reduceLanes(accumulators, shape.parameterCount, gradients)
        return (logitsFinite, pointsFinite)
    }

    private func updateParameters() {
        let count = shape.parameterCount
        switch optimizer {
        case .sgd:
            kernels.sgd(parameters, gradients, count, learningRate)
        case .adam:
            optimizerSteps += 1
            // PyTorch: step = lr / (1 - b1^t); denom = sqrt(v) / sqrt(1 - b2^t) + eps.
            let t = Double(optimizerSteps)
            let correction1 = 1 - Self.pow(0.9, t)
            let correction2 = 1 - Self.pow(0.999, t)
            let stepSize = Float(Double(learningRate) / correction1)
            let correction2Root = Float(correction2.squareRoot())
            kernels.adam(parameters, gradients, firstMoment, secondMoment, count, stepSize, correction2Root)
        }
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
