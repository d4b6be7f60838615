import Foundation
import Testing
@testable import TrainingCore

/// The vectorised `tanh` and `exp` against libm, over dense grids (their documented accuracy).
@Suite struct FastMathTests {
    @Test func tanh_isWithin4e7OfLibm() {
        var worst = 0.0
        var x: Float = -12
        while x < 12 {
            let v = FastMath.tanh(SIMD16<Float>((0..<16).map { x + Float($0) * 1e-3 }))
            for lane in 0..<16 {
                let exact = Foundation.tanh(Double(x + Float(lane) * 1e-3))
                worst = max(worst, abs(Double(v[lane]) - exact))
            }
            x += 0.0137
        }
        #expect(worst < 4e-7, "worst absolute error \(worst)")
    }

    @Test func exp_isWithin3e7RelativeOfLibm() {
        var worst = 0.0
        var x: Float = -87
        while x < 88 {
            let v = FastMath.exp(SIMD16<Float>((0..<16).map { x + Float($0) * 1e-3 }))
            for lane in 0..<16 {
                let exact = Foundation.exp(Double(x + Float(lane) * 1e-3))
                worst = max(worst, abs(Double(v[lane]) - exact) / exact)
            }
            x += 0.0731
        }
        #expect(worst < 3e-7, "worst relative error \(worst)")
    }
}

@Test func squareRoot_isWithin1e6RelativeOfTheExactRoot() {
    var worst = 0.0
    for exponent in -60...60 {
        let base = Float(sign: .plus, exponent: exponent, significand: 1)
        let v = FastMath.squareRoot(SIMD16<Float>((0..<16).map { base * (1 + Float($0) / 16) }))
        for lane in 0..<16 {
            let exact = Double(base * (1 + Float(lane) / 16)).squareRoot()
            worst = max(worst, abs(Double(v[lane]) - exact) / exact)
        }
    }
    #expect(worst < 1e-6, "worst relative error \(worst)")
    #expect(FastMath.squareRoot(.zero) == .zero)
}
