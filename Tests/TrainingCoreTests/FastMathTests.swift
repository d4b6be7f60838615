import Foundation
import Testing
@testable import TrainingCore

/// The vectorised `tanh`, `exp` and `sqrt` of every kernel family this CPU runs, against libm over
/// dense grids (their documented accuracy).
@Suite struct FastMathTests {
    /// `function` (0 tanh, 1 exp, 2 sqrt) of `family` over `inputs` (padded to 16).
    static func apply(_ function: Int, _ family: KernelFamily, _ inputs: [Float]) -> [Float] {
        let padded = inputs + [Float](repeating: 1, count: (16 - inputs.count % 16) % 16)
        var output = [Float](repeating: 0, count: padded.count)
        padded.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                guard let i = input.baseAddress, let o = out.baseAddress else { return }
                KernelTable.table(for: family).fastMath(function, i, o, padded.count)
            }
        }
        return Array(output.prefix(inputs.count))
    }

    @Test(arguments: KernelFamily.allCases)
    func tanh_isWithin4e7OfLibm(_ family: KernelFamily) {
        guard runnable(family) else { return }
        let inputs = stride(from: Float(-12), to: 12, by: 0.0137).flatMap { x in (0..<16).map { x + Float($0) * 1e-3 } }
        let values = Self.apply(0, family, inputs)
        let worst = zip(inputs, values).map { abs(Double($1) - Foundation.tanh(Double($0))) }.max() ?? .nan
        #expect(worst < 4e-7, "\(family): worst absolute error \(worst)")
    }

    @Test(arguments: KernelFamily.allCases)
    func exp_isWithin3e7RelativeOfLibm(_ family: KernelFamily) {
        guard runnable(family) else { return }
        let inputs = stride(from: Float(-87), to: 88, by: 0.0731).flatMap { x in (0..<16).map { x + Float($0) * 1e-3 } }
        let values = Self.apply(1, family, inputs)
        let worst = zip(inputs, values).map { x, v in
            let exact = Foundation.exp(Double(x))
            return abs(Double(v) - exact) / exact
        }.max() ?? .nan
        #expect(worst < 3e-7, "\(family): worst relative error \(worst)")
    }

    @Test(arguments: KernelFamily.allCases)
    func squareRoot_isWithin1e6RelativeOfTheExactRoot(_ family: KernelFamily) {
        guard runnable(family) else { return }
        let inputs = (-60...60).flatMap { exponent in
            (0..<16).map { Float(sign: .plus, exponent: exponent, significand: 1) * (1 + Float($0) / 16) }
        }
        let values = Self.apply(2, family, inputs)
        let worst = zip(inputs, values).map { x, v in
            let exact = Double(x).squareRoot()
            return abs(Double(v) - exact) / exact
        }.max() ?? .nan
        #expect(worst < 1e-6, "\(family): worst relative error \(worst)")
        #expect(Self.apply(2, family, [0]) == [0])
    }
}

/// Whether this machine runs `family`; prints why a test skips it (e.g. the AVX-512 kernels on an
/// AVX2-only CPU, where they are compiled but must never execute).
func runnable(_ family: KernelFamily) -> Bool {
    if family.isSupported { return true }
    print("skipped: the \(family) kernels need a CPU feature this machine lacks (detected: \(KernelFamily.detected.rawValue))")
    return false
}
