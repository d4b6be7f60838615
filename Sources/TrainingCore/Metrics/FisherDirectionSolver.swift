/// Computes the Fisher directions (see `FisherDirections`) into buffers allocated once, so a metric
/// check allocates nothing of size D or D^2; the evaluator keeps one for the whole run.
///
/// Every value is computed with the same operations in the same order as the plain definition
/// (the scatter accumulated point by point in ascending order, the Cholesky factor's sums in
/// ascending order), so the directions, and the `lda_silhouette` built on them, are the same bits
/// whichever way the loops are blocked.
final class FisherDirectionSolver {
    let dimension: Int
    let classes: Int
    /// Directions found by the last `solve` (at most `min(classes - 1, D)`).
    private(set) var directionCount = 0
    /// `(classes - 1) x D`: the directions, row by row.
    let directions: UnsafeMutablePointer<Double>
    /// The overall mean and the class means (`classes x D`) of the last `solve` or `means`.
    let mean: UnsafeMutablePointer<Double>
    let classMeans: UnsafeMutablePointer<Double>
    /// Points per class of the last `means`.
    let classCounts: UnsafeMutablePointer<Int>
    /// `D x D`: the within-class scatter (lower triangle), then its Cholesky factor `L`.
    private let scatter: UnsafeMutablePointer<Double>
    private let factor: UnsafeMutablePointer<Double>
    /// `classes x D`: `M = L^-1 [sqrt(n_c) (mu_c - mu)]`, column c at row c; `D`: scratch.
    private let whitened: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>

    init(dimension: Int, classes: Int) {
        self.dimension = dimension
        self.classes = classes
        let d = max(dimension, 1)
        directions = .allocate(capacity: max(classes - 1, 1) * d)
        mean = .allocate(capacity: d)
        classMeans = .allocate(capacity: max(classes, 1) * d)
        classCounts = .allocate(capacity: max(classes, 1))
        classCounts.initialize(repeating: 0, count: max(classes, 1))
        scatter = .allocate(capacity: d * d)
        factor = .allocate(capacity: d * d)
        whitened = .allocate(capacity: max(classes, 1) * d)
        scratch = .allocate(capacity: d)
    }

    deinit {
        directions.deallocate()
        mean.deallocate()
        classCounts.deallocate()
        classMeans.deallocate()
        scatter.deallocate()
        factor.deallocate()
        whitened.deallocate()
        scratch.deallocate()
    }

    /// The overall and class means of `rows` (`N x D` row-major) into `mean` and `classMeans`.
    func means(rows: UnsafePointer<Float>, count n: Int, labels: UnsafePointer<Int32>) {
        let d = dimension
        mean.update(repeating: 0, count: d)
        classMeans.update(repeating: 0, count: classes * d)
        classCounts.update(repeating: 0, count: classes)
        for i in 0..<n {
            let c = Int(labels[i])
            classCounts[c] += 1
            let row = rows + i * d, classMean = classMeans + c * d
            for j in 0..<d {
                let x = Double(row[j])
                mean[j] += x
                classMean[j] += x
            }
        }
        for j in 0..<d { mean[j] /= Double(n) }
        for c in 0..<classes where classCounts[c] > 0 {
            for j in 0..<d { classMeans[c * d + j] /= Double(classCounts[c]) }
        }
    }

    /// The directions of `rows` (`N x D` row-major) with `labels`, into `directions`; `meansReady`
    /// when `means` was just called on the same points.
    func solve(rows: UnsafePointer<Float>, count n: Int, labels: UnsafePointer<Int32>, meansReady: Bool = false) {
        let d = dimension
        if !meansReady { means(rows: rows, count: n, labels: labels) }
        // Within-class scatter, lower triangle.
        scatter.update(repeating: 0, count: d * d)
        for i in 0..<n {
            let c = Int(labels[i])
            let row = rows + i * d, classMean = classMeans + c * d
            for j in 0..<d { scratch[j] = Double(row[j]) - classMean[j] }
            for r in 0..<d {
                let cr = scratch[r]
                let target = scatter + r * d
                for s in 0...r { target[s] += cr * scratch[s] }
            }
        }
        var trace = 0.0
        for j in 0..<d { trace += scatter[j * d + j] }
        let ridge = 1e-9 * trace / Double(d) + 1e-300
        for j in 0..<d { scatter[j * d + j] += ridge }
        Self.cholesky(scatter, d, into: factor)

        // M = L^-1 [sqrt(n_c) (mu_c - mu)], D x classes (column c at whitened[c]).
        for c in 0..<classes {
            let weight = Double(classCounts[c]).squareRoot()
            let column = whitened + c * d
            for j in 0..<d { column[j] = weight * (classMeans[c * d + j] - mean[j]) }
            Self.forwardSubstitute(factor, d, column)
        }
        var gram = [Double](repeating: 0, count: classes * classes)
        for a in 0..<classes {
            for b in 0..<classes {
                var s = 0.0
                for j in 0..<d { s += whitened[a * d + j] * whitened[b * d + j] }
                gram[a * classes + b] = s
            }
        }
        let eigen = SymmetricEigen(matrix: gram, size: classes)
        let largest = eigen.values.first ?? 0
        directionCount = 0
        for k in 0..<min(classes - 1, d) {
            let lambda = eigen.values[k]
            guard lambda > 1e-12 * largest, lambda > 0 else { break }
            let u = directions + k * d
            u.update(repeating: 0, count: d)
            for c in 0..<classes {
                let coefficient = eigen.vectors[k][c] / lambda.squareRoot()
                let column = whitened + c * d
                for j in 0..<d { u[j] += coefficient * column[j] }
            }
            Self.backSubstituteTransposed(factor, d, u)
            directionCount += 1
        }
    }

    /// Lower-triangular `l` with `l l^T = a` (row-major; only the lower triangle of `a` is read).
    static func cholesky(_ a: UnsafePointer<Double>, _ d: Int, into l: UnsafeMutablePointer<Double>) {
        l.update(repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    l[i * d + i] = s > 0 ? s.squareRoot() : 1e-150
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
    }

    /// Solves `L y = b` in place.
    static func forwardSubstitute(_ l: UnsafePointer<Double>, _ d: Int, _ y: UnsafeMutablePointer<Double>) {
        for i in 0..<d {
            var s = y[i]
            for k in 0..<i { s -= l[i * d + k] * y[k] }
            y[i] = s / l[i * d + i]
        }
    }

    /// Solves `L^T x = b` in place.
    static func backSubstituteTransposed(_ l: UnsafePointer<Double>, _ d: Int, _ x: UnsafeMutablePointer<Double>) {
        for i in stride(from: d - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(i + 1, d) { s -= l[k * d + i] * x[k] }
            x[i] = s / l[i * d + i]
        }
    }
}
