/// The calibration microkernel of `bench core`: independent chains of fused multiply-adds on this
/// family's vectors, enough of them to cover the FMA latency on every pipe, so its rate is the
/// core's fp32 peak at this vector width.
public enum Calibration {
    /// Runs `iterations` rounds of 12 independent multiply-adds and returns a value that depends on
    /// all of them (so the work cannot be optimised away). Flops: `iterations * 12 * 2 * lanes`.
    @inline(never)
    public static func fmaChains(iterations: Int, seed: Float) -> Float {
        let m = Vector(repeating: 0.999_999), a = Vector(repeating: 1e-7)
        var c0 = Vector(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3
        var c4 = c0 + 4, c5 = c0 + 5, c6 = c0 + 6, c7 = c0 + 7
        var c8 = c0 + 8, c9 = c0 + 9, c10 = c0 + 10, c11 = c0 + 11
        for _ in 0..<iterations {
            c0 = multiplyAdding(c0, m, a); c1 = multiplyAdding(c1, m, a)
            c2 = multiplyAdding(c2, m, a); c3 = multiplyAdding(c3, m, a)
            c4 = multiplyAdding(c4, m, a); c5 = multiplyAdding(c5, m, a)
            c6 = multiplyAdding(c6, m, a); c7 = multiplyAdding(c7, m, a)
            c8 = multiplyAdding(c8, m, a); c9 = multiplyAdding(c9, m, a)
            c10 = multiplyAdding(c10, m, a); c11 = multiplyAdding(c11, m, a)
        }
        let s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11))
        return horizontalSum(s)
    }

    /// Flops of one `fmaChains` iteration.
    public static var flopsPerIteration: Int { 12 * 2 * lanes }
}
