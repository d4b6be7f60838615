/// Computes the Fisher directions (see `FisherDirections`) into buffers allocated once, so a metric
/// check allocates nothing of size D or D^2; the evaluator keeps one for the whole run.
///
/// Every value is computed with the same operations in the same order as the plain definition
/// (the scatter accumulated point by point in ascending order, the Cholesky factor's sums in
/// ascending order), so the directions, and the `lda_silhouette` built on them, are the same bits
/// whichever way the loops are blocked. The O(N D^2) scatter and the O(D^3) factorisation run in
/// the kernel family's `FisherKernels`, blocked and vectorised (`FisherKernelTests`).
final class FisherDirectionSolver {
    let dimension: Int
    let classes: Int
    let kernels: KernelTable
    /// Row stride of `scatter` (D rounded up to 16, plus the kernels' padding).
    let stride: Int
    /// Points per chunk of the scatter kernel.
    static let chunk = 64
    /// Directions found by the last `solve` (at most `min(classes - 1, D)`).
    private(set) var directionCount = 0
    /// `(classes - 1) x D`: the directions, row by row.
    let directions: UnsafeMutablePointer<Double>
    /// The overall mean and the class means (`classes x D`) of the last `solve` or `means`.
    let mean: UnsafeMutablePointer<Double>
    let classMeans: UnsafeMutablePointer<Double>
    /// Points per class of the last `means`.
    let classCounts: UnsafeMutablePointer<Int>
    /// `D x stride`: the within-class scatter (lower triangle), then in place its Cholesky factor
    /// `L`; `32 x stride` and `chunk x stride`: the kernels' scratch.
    private let scatter: UnsafeMutablePointer<Double>
    private let panel: UnsafeMutablePointer<Double>
    private let centred: UnsafeMutablePointer<Double>
    /// `classes x D`: `M = L^-1 [sqrt(n_c) (mu_c - mu)]`, column c at row c; `D`: scratch.
    private let whitened: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    /// `classes x classes`: the Gram matrix of `whitened`'s columns, then in place its eigenvalues
    /// (`SymmetricEigen.decompose`); its eigenvectors; `classes`: their order, largest first.
    private let gram: UnsafeMutablePointer<Double>
    private let eigenVectors: UnsafeMutablePointer<Double>
    private let eigenOrder: UnsafeMutablePointer<Int>

    init(dimension: Int, classes: Int, kernels: KernelTable) {
        self.dimension = dimension
        self.classes = classes
        self.kernels = kernels
        let d = max(dimension, 1)
        stride = (d + 15) / 16 * 16 + KernelTable.scatterStridePadding
        directions = .allocate(capacity: max(classes - 1, 1) * d)
        mean = .allocate(capacity: d)
        classMeans = .allocate(capacity: max(classes, 1) * d)
        classCounts = .allocate(capacity: max(classes, 1))
        classCounts.initialize(repeating: 0, count: max(classes, 1))
        scatter = .allocate(capacity: d * stride)
        scatter.initialize(repeating: 0, count: d * stride)
        panel = .allocate(capacity: 32 * stride)
        centred = .allocate(capacity: Self.chunk * stride)
        whitened = .allocate(capacity: max(classes, 1) * d)
        scratch = .allocate(capacity: d)
        gram = .allocate(capacity: max(classes * classes, 1))
        eigenVectors = .allocate(capacity: max(classes * classes, 1))
        eigenOrder = .allocate(capacity: max(classes, 1))
    }

    deinit {
        directions.deallocate()
        mean.deallocate()
        classCounts.deallocate()
        classMeans.deallocate()
        scatter.deallocate()
        panel.deallocate()
        centred.deallocate()
        whitened.deallocate()
        scratch.deallocate()
        gram.deallocate()
        eigenVectors.deallocate()
        eigenOrder.deallocate()
    }

    /// The overall and class means of `rows` (`N x D` row-major) into `mean` and `classMeans`.
    func means(rows: UnsafePointer<Float>, count n: Int, labels: UnsafePointer<Int32>) {
        let d = dimension
        mean.update(repeating: 0, count: d)
        classMeans.update(repeating: 0, count: classes * d)
        classCounts.update(repeating: 0, count: classes)
        if d == 1 || d == 2 {
            // The overall sums in registers (in memory, each addition waits for the last one's
            // store to be forwarded); each sum takes the points in the same order.
            var m0 = 0.0, m1 = 0.0
            var row = rows
            for i in 0..<n {
                let c = Int(labels[i])
                classCounts[c] += 1
                let classMean = classMeans + c * d
                let x0 = Double(row[0])
                m0 += x0
                classMean[0] += x0
                if d == 2 {
                    let x1 = Double(row[1])
                    m1 += x1
                    classMean[1] += x1
                }
                row += d
            }
            mean[0] = m0
            if d == 2 { mean[1] = m1 }
        } else {
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
        // Within-class scatter, lower triangle, then its Cholesky factor in place.
        let ld = stride
        scatter.update(repeating: 0, count: d * ld)
        kernels.scatter(rows, n, d, labels, classMeans, scatter, ld, centred, Self.chunk)
        var trace = 0.0
        for j in 0..<d { trace += scatter[j * ld + j] }
        let ridge = 1e-9 * trace / Double(d) + 1e-300
        for j in 0..<d { scatter[j * ld + j] += ridge }
        kernels.cholesky(scatter, d, ld, panel)
        let factor = UnsafePointer(scatter)

        // M = L^-1 [sqrt(n_c) (mu_c - mu)], D x classes (column c at whitened[c]).
        for c in 0..<classes {
            let weight = Double(classCounts[c]).squareRoot()
            let column = whitened + c * d
            for j in 0..<d { column[j] = weight * (classMeans[c * d + j] - mean[j]) }
            Self.forwardSubstitute(factor, d, ld, column)
        }
        var finite = true
        for a in 0..<classes {
            for b in 0..<classes {
                var s = 0.0
                for j in 0..<d { s += whitened[a * d + j] * whitened[b * d + j] }
                gram[a * classes + b] = s
                finite = finite && s.isFinite
            }
        }
        // In place, allocating nothing; the same rotations and order as `SymmetricEigen(matrix:)`,
        // which stays the path for a non-finite matrix (whose order a sort may give differently).
        let eigen: (values: [Double], vectors: [[Double]])? = finite
            ? nil
            : { let e = SymmetricEigen(matrix: Array(UnsafeBufferPointer(start: gram, count: classes * classes)), size: classes)
                return (e.values, e.vectors) }()
        if finite { SymmetricEigen.decompose(gram, size: classes, vectors: eigenVectors, order: eigenOrder) }
        func value(_ k: Int) -> Double {
            if let eigen { return eigen.values[k] }
            let o = eigenOrder[k]
            return gram[o * classes + o]
        }
        func vector(_ k: Int, _ c: Int) -> Double {
            if let eigen { return eigen.vectors[k][c] }
            return eigenVectors[c * classes + eigenOrder[k]]
        }
        let largest = classes > 0 ? value(0) : 0
        directionCount = 0
        for k in 0..<min(classes - 1, d) {
            let lambda = value(k)
            guard lambda > 1e-12 * largest, lambda > 0 else { break }
            let u = directions + k * d
            u.update(repeating: 0, count: d)
            for c in 0..<classes {
                let coefficient = vector(k, c) / lambda.squareRoot()
                let column = whitened + c * d
                for j in 0..<d { u[j] += coefficient * column[j] }
            }
            Self.backSubstituteTransposed(factor, d, ld, u)
            directionCount += 1
        }
    }

    /// Solves `L y = b` in place (`L` with row stride `ld`).
    static func forwardSubstitute(_ l: UnsafePointer<Double>, _ d: Int, _ ld: Int, _ y: UnsafeMutablePointer<Double>) {
        for i in 0..<d {
            var s = y[i]
            for k in 0..<i { s -= l[i * ld + k] * y[k] }
            y[i] = s / l[i * ld + i]
        }
    }

    /// Solves `L^T x = b` in place (`L` with row stride `ld`).
    static func backSubstituteTransposed(_ l: UnsafePointer<Double>, _ d: Int, _ ld: Int, _ x: UnsafeMutablePointer<Double>) {
        for i in Swift.stride(from: d - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(i + 1, d) { s -= l[k * ld + i] * x[k] }
            x[i] = s / l[i * ld + i]
        }
    }
}
