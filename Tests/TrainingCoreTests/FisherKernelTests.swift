import Testing
@testable import TrainingCore

/// The vectorised LDA projection, within-class scatter and Cholesky factor of every family this
/// CPU runs give the same bits as the plain scalar loops (separate multiply and add, ascending
/// order), so `lda_silhouette` does not depend on how its loops are blocked.
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

    /// The scalar definitions the kernels must reproduce bit for bit.
    static func scalarScatter(_ rows: [Float], n: Int, d: Int, labels: [Int32], means: [Double]) -> [Double] {
        var sw = [Double](repeating: 0, count: d * d)
        var c = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d { c[j] = Double(rows[i * d + j]) - means[Int(labels[i]) * d + j] }
            for r in 0..<d { for s in 0...r { sw[r * d + s] += c[r] * c[s] } }
        }
        return sw
    }

    static func scalarCholesky(_ a: [Double], _ d: Int) -> [Double] {
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                l[i * d + j] = i == j ? (s > 0 ? s.squareRoot() : 1e-150) : s / l[j * d + j]
            }
        }
        return l
    }

    @Test(arguments: KernelFamily.allCases, [(5, 1), (9, 2), (300, 1), (500, 2), (40, 3), (130, 7), (70, 33), (150, 70)] as [(Int, Int)])
    func scatterAndCholesky_areBitIdenticalToTheScalarLoops(_ family: KernelFamily, _ size: (n: Int, d: Int)) {
        guard runnable(family) else { return }
        let (n, d) = size
        var rng = SeededGenerator(seed: UInt64(n * 1000 + d))
        let rows = (0..<(n * d)).map { _ in Float(rng.nextSymmetric(4)) }
        let labels = (0..<n).map { _ in Int32(rng.nextIndex(below: 3)) }
        let means = (0..<(3 * d)).map { _ in rng.nextSymmetric(1) }
        let table = KernelTable.table(for: family)
        let ld = (d + 15) / 16 * 16 + KernelTable.scatterStridePadding
        var scatter = [Double](repeating: 0, count: d * ld)
        var centred = [Double](repeating: 0, count: 8 * ld)
        var panel = [Double](repeating: 0, count: 32 * ld)
        rows.withUnsafeBufferPointer { r in
            labels.withUnsafeBufferPointer { l in
                means.withUnsafeBufferPointer { m in
                    scatter.withUnsafeMutableBufferPointer { s in
                        centred.withUnsafeMutableBufferPointer { c in
                            table.scatter(r.baseAddress!, n, d, l.baseAddress!, m.baseAddress!, s.baseAddress!, ld, c.baseAddress!, 8)
                        }
                    }
                }
            }
        }
        var expected = Self.scalarScatter(rows, n: n, d: d, labels: labels, means: means)
        for r in 0..<d {
            for c in 0...r {
                #expect(scatter[r * ld + c].bitPattern == expected[r * d + c].bitPattern, "\(family) \(size) scatter[\(r)][\(c)]")
            }
        }
        // A ridge as the solver adds; with n < d the scatter is singular without it. One negative
        // diagonal element exercises the 1e-150 branch.
        for j in 0..<d {
            expected[j * d + j] += 1e-3
            scatter[j * ld + j] += 1e-3
        }
        if d > 5 {
            expected[5 * d + 5] = -1
            scatter[5 * ld + 5] = -1
        }
        scatter.withUnsafeMutableBufferPointer { s in
            panel.withUnsafeMutableBufferPointer { p in table.cholesky(s.baseAddress!, d, ld, p.baseAddress!) }
        }
        let factor = Self.scalarCholesky(expected, d)
        for r in 0..<d {
            for c in 0...r {
                #expect(scatter[r * ld + c].bitPattern == factor[r * d + c].bitPattern, "\(family) \(size) L[\(r)][\(c)]")
            }
        }
    }
}
