import Testing
@testable import TrainingCore

/// The vectorised LDA projection of every family this CPU runs gives the same bits as the plain
/// scalar loop (separate multiply and add, ascending order), so `lda_silhouette` does not depend
/// on how its loops are blocked.
@Suite struct FisherKernelTests {
    @Test(arguments: KernelFamily.allCases, [1, 2, 7, 130])
    func projection_isBitIdenticalToTheScalarLoop(_ family: KernelFamily, _ dimension: Int) {
        guard runnable(family) else { return }
        var rng = SeededGenerator(seed: UInt64(dimension))
        let columns = 48
        let points = (0..<(dimension * columns)).map { _ in Float(rng.nextSymmetric(3)) }
        let valid = (0..<columns).map { $0 % 7 == 6 ? Float(0) : 1 }
        let mean = (0..<dimension).map { _ in rng.nextSymmetric(0.5) }
        let directions = (0..<(2 * dimension)).map { _ in rng.nextSymmetric(2) }
        var out = [Float](repeating: .nan, count: 2 * columns)
        points.withUnsafeBufferPointer { p in
            valid.withUnsafeBufferPointer { v in
                mean.withUnsafeBufferPointer { m in
                    directions.withUnsafeBufferPointer { d in
                        out.withUnsafeMutableBufferPointer { o in
                            KernelTable.table(for: family).project(
                                p.baseAddress!, dimension, columns, v.baseAddress!, m.baseAddress!, d.baseAddress!, 2, o.baseAddress!)
                        }
                    }
                }
            }
        }
        for k in 0..<2 {
            for j in 0..<columns {
                var s = 0.0
                for m in 0..<dimension { s += (Double(points[m * columns + j]) - mean[m]) * directions[k * dimension + m] }
                let expected = valid[j] == 0 ? 0 : Float(s)
                #expect(out[k * columns + j].bitPattern == expected.bitPattern, "\(family) D \(dimension) k \(k) j \(j)")
            }
        }
    }
}
