/// The layer widths of the MLP `D -> hidden... -> classes` and where each layer's weights and
/// bias sit in one flat parameter buffer (`W1, b1, W2, b2, ...`, each `W` row-major `fan_in x fan_out`).
struct NetworkShape: Sendable, Equatable {
    /// `[D, hidden..., classes]`.
    let widths: [Int]
    /// Offset of layer `l`'s weights in the parameter buffer.
    let weightOffsets: [Int]
    /// Offset of layer `l`'s bias in the parameter buffer.
    let biasOffsets: [Int]
    /// Total number of parameters.
    let parameterCount: Int

    init(dimension: Int, hidden: [Int], classes: Int) {
        widths = [dimension] + hidden + [classes]
        var weightOffsets: [Int] = []
        var biasOffsets: [Int] = []
        var offset = 0
        for l in 0..<(widths.count - 1) {
            weightOffsets.append(offset)
            offset += widths[l] * widths[l + 1]
            biasOffsets.append(offset)
            offset += widths[l + 1]
        }
        self.weightOffsets = weightOffsets
        self.biasOffsets = biasOffsets
        parameterCount = offset
    }

    var layerCount: Int { widths.count - 1 }
    func fanIn(_ layer: Int) -> Int { widths[layer] }
    func fanOut(_ layer: Int) -> Int { widths[layer + 1] }

    /// Multiply-adds of one forward pass per point (the backward pass costs twice this).
    var multiplyAddsPerPoint: Int {
        (0..<layerCount).reduce(0) { $0 + fanIn($1) * fanOut($1) }
    }
}
