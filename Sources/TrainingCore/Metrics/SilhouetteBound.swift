/// A rigorous upper bound of a mean silhouette, from the last exactly computed one and how far the
/// points moved since, so a check can prove that a silhouette is still below its threshold in
/// O(N (D + classes)) instead of computing every pairwise distance (O(N^2 D)).
///
/// The silhouette is invariant under scaling, rotations and reflections, so the current points
/// `Y` are compared with the reference `R` (the points of the last exact pass) after the scale `λ`
/// and, in a space of up to 4 dimensions (the LDA projection, whose directions may flip sign or
/// turn from one check to the next), the orthogonal map `Q` that fit them best (Procrustes). With
/// `δ_i = λQY_i - R_i`, `t_c` the mean of `δ` over class `c` and `r_i = |δ_i - t_c(i)|`, the
/// triangle inequality gives `| |λQY_i - λQY_j| - |R_i - R_j| | <= |δ_i - δ_j| <=
/// |t_c(i) - t_c(j)| + r_i + r_j`: a whole class moving together changes nothing within it. Summed
/// over a class, this bounds each point's distance sums from the reference sums, hence `a_i` from
/// below and `b_i` from above, hence `s_i = (b_i - a_i) / max(a_i, b_i)` from above (it grows with
/// `b` and falls with `a`).
///
/// The bound covers what the float pass would compute, not only the exact value: both the
/// reference sums and the sums a pass would compute now are within `rho` (float summation of N
/// terms, the squared distance over D coordinates, the approximate square root) of the true ones.
/// `ClusterEvaluator` skips a pass only when the bound is below the threshold, so a check records
/// exactly what computing everything would record. The O(N D) loops run in the kernel family's
/// `BoundKernels`, in double precision.
final class SilhouetteBound {
    /// Spaces of up to this many dimensions are aligned by a rotation as well as a scale.
    static let rotationDepth = 4

    let columns: Int
    let classes: Int
    let maxDepth: Int
    let kernels: KernelTable
    /// Rows of the reference points; 0 while there is none.
    private(set) var depth = 0
    /// `maxDepth x columns`: the points of the last exact pass (class-sorted columns).
    private let reference: UnsafeMutablePointer<Float>
    /// `classes x columns`: that pass's summed distance from each column to each class.
    private let referenceSums: UnsafeMutablePointer<Float>
    /// `columns`: `r_i` of the current bound, and scratch.
    private let residual: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    /// Per class, `BoundKernels.moments`' output: coordinate sums of the current and the
    /// reference points, their sums of squares, and (up to `rotationDepth`) cross products.
    private let moments: UnsafeMutablePointer<Double>
    private let momentStride: Int
    /// The bound's coefficients: λQ (`rotationDepth^2`, or the diagonal `maxDepth`), each class's
    /// move `t_c` (`classes x maxDepth`), per class `upperScale`, `spread`, `fixed` (`classes^2`),
    /// and the classes other than a point's own.
    private let weights: UnsafeMutablePointer<Double>
    private let translation: UnsafeMutablePointer<Double>
    private let upperScale: UnsafeMutablePointer<Double>
    private let spread: UnsafeMutablePointer<Double>
    private let fixed: UnsafeMutablePointer<Double>
    private let others: UnsafeMutablePointer<Int>
    /// Per-call scratch, allocated once: the centred cross products M and the map Q (`width x
    /// depth` each), each class's residual sum, and the polar factor's workspace.
    private let cross: UnsafeMutablePointer<Double>
    private let map: UnsafeMutablePointer<Double>
    private let residualSum: UnsafeMutablePointer<Double>
    private let polarScratch: UnsafeMutablePointer<Double>
    private let polarOrder: UnsafeMutablePointer<Int>

    init(columns: Int, classes: Int, maxDepth: Int, kernels: KernelTable) {
        self.columns = columns
        self.classes = classes
        self.maxDepth = maxDepth
        self.kernels = kernels
        reference = .allocate(capacity: max(maxDepth * columns, 1))
        referenceSums = .allocate(capacity: max(columns * classes, 1))
        residual = .allocate(capacity: max(columns, 1))
        scratch = .allocate(capacity: max(columns, 1))
        momentStride = 2 * maxDepth + 2 + Self.rotationDepth * Self.rotationDepth
        moments = .allocate(capacity: max(classes, 1) * momentStride)
        weights = .allocate(capacity: max(maxDepth, Self.rotationDepth * Self.rotationDepth))
        translation = .allocate(capacity: max(classes * maxDepth, 1))
        upperScale = .allocate(capacity: max(classes, 1))
        spread = .allocate(capacity: max(classes, 1))
        fixed = .allocate(capacity: max(classes * classes, 1))
        others = .allocate(capacity: max(classes, 1))
        let square = max(maxDepth, Self.rotationDepth * Self.rotationDepth)
        cross = .allocate(capacity: square)
        map = .allocate(capacity: square)
        residualSum = .allocate(capacity: max(classes, 1))
        polarScratch = .allocate(capacity: Self.polarScratchCount)
        polarOrder = .allocate(capacity: Self.rotationDepth)
    }

    deinit {
        reference.deallocate()
        referenceSums.deallocate()
        residual.deallocate()
        scratch.deallocate()
        moments.deallocate()
        weights.deallocate()
        translation.deallocate()
        upperScale.deallocate()
        spread.deallocate()
        fixed.deallocate()
        others.deallocate()
        cross.deallocate()
        map.deallocate()
        residualSum.deallocate()
        polarScratch.deallocate()
        polarOrder.deallocate()
    }

    /// Keeps `points` (`depth x columns`) and their exact pass's `classSums` (`columns x
    /// classes`) as the reference.
    func record(points: UnsafePointer<Float>, depth: Int, classSums: UnsafePointer<Float>) {
        // A bound from non-finite sums would be meaningless (and NaN compares false).
        guard depth <= maxDepth, UnsafeBufferPointer(start: classSums, count: columns * classes).allSatisfy(\.isFinite) else {
            self.depth = 0
            return
        }
        reference.update(from: points, count: depth * columns)
        for j in 0..<columns {
            for c in 0..<classes { referenceSums[c * columns + j] = classSums[j * classes + c] }
        }
        self.depth = depth
    }

    /// Forgets the reference (the next bound is +infinity).
    func reset() { depth = 0 }

    /// An upper bound of the mean silhouette a pass over `points` (`depth x columns`) would
    /// compute, or +infinity without a reference of the same depth. Class `c`'s real columns are
    /// `segmentStart[c] ..< segmentStart[c] + classCount[c]`; `nonEmpty` counts the classes with
    /// points; `count` is N.
    func upperBound(
        points: UnsafePointer<Float>, depth: Int, segmentStart: UnsafePointer<Int>, classCount: [Int], nonEmpty: Int,
        count: Int
    ) -> Double {
        guard depth > 0, depth == self.depth, count > 0 else { return .infinity }
        guard nonEmpty > 1 else { return 0 }
        let rotates = depth <= Self.rotationDepth
        // Per class: coordinate sums, squares and (to fit Q) cross products.
        for c in 0..<classes {
            kernels.boundMoments(
                points, reference, columns, depth, segmentStart[c], classCount[c], rotates, moments + c * momentStride)
        }
        func sumY(_ c: Int, _ m: Int) -> Double { moments[c * momentStride + m] }
        func sumR(_ c: Int, _ m: Int) -> Double { moments[c * momentStride + depth + m] }
        func squares(_ c: Int) -> (y: Double, r: Double) {
            (moments[c * momentStride + 2 * depth], moments[c * momentStride + 2 * depth + 1])
        }
        // Centred: M = sum (R_i - mean)(Y_i - mean)^T and sum |Y_i - mean|^2. Any λ > 0 and any
        // orthogonal Q give a valid bound; these only make it tight, so cancellation is harmless.
        // Without rotation Q = I and only the diagonal of M counts (stored as its first row).
        let width = rotates ? depth : 1
        cross.update(repeating: 0, count: width * depth)
        var square = 0.0
        for c in 0..<classes where classCount[c] > 0 {
            let inverse = 1 / Double(classCount[c])
            square += squares(c).y
            for m in 0..<depth {
                square -= sumY(c, m) * sumY(c, m) * inverse
                if rotates {
                    for b in 0..<depth {
                        cross[m * depth + b] += moments[c * momentStride + 2 * depth + 2 + m * depth + b]
                            - sumR(c, m) * sumY(c, b) * inverse
                    }
                }
            }
        }
        if !rotates {
            // The diagonal of M needs one more pass; the trace is all that λ uses.
            for c in 0..<classes where classCount[c] > 0 {
                let start = segmentStart[c], n = classCount[c]
                let inverse = 1 / Double(n)
                for m in 0..<depth {
                    let y = points + m * columns + start, r = reference + m * columns + start
                    var p = 0.0
                    for j in 0..<n { p += Double(r[j]) * Double(y[j]) }
                    cross[m] += p - sumR(c, m) * sumY(c, m) * inverse
                }
            }
        }
        let q = map
        var skew = 0.0
        if rotates, let error = Self.polarFactor(cross, depth, into: q, scratch: polarScratch, order: polarOrder) {
            skew = error
        } else {
            q.update(repeating: 0, count: width * depth)
            for a in 0..<depth { q[rotates ? a * depth + a : a] = 1 }
        }
        var fit = 0.0
        for e in 0..<(width * depth) { fit += q[e] * cross[e] }
        var lambda = square > 0 ? fit / square : 1
        if !(lambda.isFinite && lambda > 0) { lambda = 1 }
        for e in 0..<(width * depth) { weights[e] = lambda * q[e] }

        // r_i = |λQ(Y_i - mean) - (R_i - mean)|, with a relative slack for the rounding of these
        // double sums and an absolute one at the scale of the coordinates, for the cancellation.
        let slack = 1 + 1e-12 * Double(depth + 4)
        residualSum.update(repeating: 0, count: classes)
        translation.update(repeating: 0, count: classes * depth)
        for c in 0..<classes where classCount[c] > 0 {
            let inverse = 1 / Double(classCount[c])
            for a in 0..<depth {
                // t_c = λQ mean(Y) - mean(R), the class's common move.
                var shift = -sumR(c, a) * inverse
                for b in 0..<depth where rotates || b == a {
                    shift += weights[rotates ? a * depth + b : a] * sumY(c, b) * inverse
                }
                translation[c * depth + a] = shift
            }
            let magnitude = (squares(c).y * lambda * lambda + squares(c).r).squareRoot()
            residualSum[c] = kernels.boundResiduals(
                points, reference, columns, depth, segmentStart[c], classCount[c], rotates, weights,
                translation + c * depth, slack, 1e-13 * Double(depth) * magnitude, residual, scratch)
        }

        guard UnsafeBufferPointer(start: residualSum, count: classes).allSatisfy(\.isFinite) else { return .infinity }

        // Float error of a pass's sums, relative: N additions of positive terms (gamma_n), the
        // squared distance over D coordinates, and the square root (within 1e-6; 4e-6 taken). A
        // computed Q is orthogonal only to within `skew`, which scales distances by as much.
        let unit = 0x1p-24
        let additions = Double(count + depth + 16) * unit
        let rho = additions / (1 - additions) + 4e-6 + 2 * skew
        let lower = (1 - rho) * (1 - rho), upper = (1 + 2 * rho) * (1 + rho)
        // Per point, b_i <= min over other classes c of sums_c * upperScale_c + r_i * spread_c +
        // fixed_c (means by reciprocals: their rounding, 1e-16, is far inside rho).
        for c in 0..<classes where classCount[c] > 0 {
            let n = Double(classCount[c]), inverse = 1 / n
            upperScale[c] = upper * inverse
            spread[c] = n * (1 + rho) * inverse
            for own in 0..<classes where own != c {
                var apart = 0.0
                for m in 0..<depth {
                    let d = translation[own * depth + m] - translation[c * depth + m]
                    apart += d * d
                }
                fixed[own * classes + c] = (n * apart.squareRoot() * slack + residualSum[c]) * (1 + rho) * inverse
            }
        }
        var total = 0.0
        for own in 0..<classes where classCount[own] > 1 {  // a point alone in its class: s = 0
            let ownCount = Double(classCount[own] - 1)
            var otherCount = 0
            for c in 0..<classes where c != own && classCount[c] > 0 {
                others[otherCount] = c
                otherCount += 1
            }
            total += kernels.boundUpperSum(
                referenceSums, residual, columns, segmentStart[own], classCount[own], own, lower,
                (ownCount - 1) * (1 - rho), residualSum[own] * (1 - rho), 1 / ownCount,
                others, otherCount, upperScale, spread, fixed + own * classes)
        }
        let bound = total / Double(count)
        return bound.isNaN ? .infinity : bound
    }

    /// Doubles of `polarFactor`'s scratch.
    static let polarScratchCount = 3 * rotationDepth * rotationDepth

    /// The orthogonal polar factor `Q = M (M^T M)^(-1/2)` of the row-major `n x n` matrix `m`
    /// (the rotation or reflection that best aligns what `m` correlates) into `q` (`n x n`), and
    /// how far the computed `Q^T Q` is from the identity; nil (and `q` undefined) when `m` is near
    /// singular or `Q` not orthogonal enough. `n <= rotationDepth`; `scratch` holds
    /// `polarScratchCount` doubles and `order` `n` integers, so nothing is allocated.
    static func polarFactor(
        _ m: UnsafePointer<Double>, _ n: Int, into q: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>, order: UnsafeMutablePointer<Int>
    ) -> Double? {
        guard n > 0, n <= rotationDepth else { return nil }
        let gram = scratch, vectors = scratch + n * n, root = scratch + 2 * n * n
        for a in 0..<n {
            for b in 0..<n {
                var s = 0.0
                for k in 0..<n { s += m[k * n + a] * m[k * n + b] }
                gram[a * n + b] = s
            }
        }
        // Eigenvalues on gram's diagonal, largest first by `order`; eigenvectors in columns.
        SymmetricEigen.decompose(gram, size: n, vectors: vectors, order: order)
        func value(_ k: Int) -> Double { gram[order[k] * n + order[k]] }
        let largest = value(0), smallest = value(n - 1)
        guard largest > 0, largest.isFinite, smallest > 1e-20 * largest else { return nil }
        // (M^T M)^(-1/2) = V diag(1 / sqrt(values)) V^T.
        root.update(repeating: 0, count: n * n)
        for k in 0..<n {
            let w = 1 / value(k).squareRoot()
            let column = order[k]
            for a in 0..<n {
                for b in 0..<n { root[a * n + b] += w * vectors[a * n + column] * vectors[b * n + column] }
            }
        }
        for a in 0..<n {
            for b in 0..<n {
                var s = 0.0
                for k in 0..<n { s += m[a * n + k] * root[k * n + b] }
                q[a * n + b] = s
            }
        }
        var skew = 0.0
        for a in 0..<n {
            for b in 0..<n {
                var s = 0.0
                for k in 0..<n { s += q[k * n + a] * q[k * n + b] }
                skew = max(skew, abs(s - (a == b ? 1 : 0)))
            }
        }
        // Distances under Q change by at most a factor sqrt(1 +- n * skew).
        let bound = Double(n) * skew
        return bound.isFinite && bound < 1e-9 ? bound : nil
    }
}
