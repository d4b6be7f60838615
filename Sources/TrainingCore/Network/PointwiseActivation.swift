/// A hidden-layer activation as a type, so that each dense kernel is specialised for it at compile
/// time (a runtime `switch` inside the kernels kept the compiler from inlining `tanh`).
protocol PointwiseActivation {
    /// `act(z)`.
    static func apply(_ z: SIMD16<Float>) -> SIMD16<Float>
    /// `g * act'(z)`, with the derivative read from the output `h = act(z)`.
    static func backward(_ g: SIMD16<Float>, output h: SIMD16<Float>) -> SIMD16<Float>
}

/// `tanh`, derivative `1 - h^2`.
enum TanhUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: SIMD16<Float>) -> SIMD16<Float> { FastMath.tanh(z) }
    @inline(__always) static func backward(_ g: SIMD16<Float>, output h: SIMD16<Float>) -> SIMD16<Float> {
        g * (SIMD16<Float>(repeating: 1) - h * h)
    }
}

/// `max(z, 0)`, derivative `h > 0`.
enum ReluUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: SIMD16<Float>) -> SIMD16<Float> {
        z.replacing(with: SIMD16<Float>.zero, where: z .< SIMD16<Float>.zero)
    }
    @inline(__always) static func backward(_ g: SIMD16<Float>, output h: SIMD16<Float>) -> SIMD16<Float> {
        SIMD16<Float>.zero.replacing(with: g, where: h .> SIMD16<Float>.zero)
    }
}

/// The identity: the linear output layer, and the input gradient of the first layer.
enum LinearUnit: PointwiseActivation {
    @inline(__always) static func apply(_ z: SIMD16<Float>) -> SIMD16<Float> { z }
    @inline(__always) static func backward(_ g: SIMD16<Float>, output h: SIMD16<Float>) -> SIMD16<Float> { g }
}
