/// Eigenvalues and eigenvectors of a small symmetric matrix by cyclic Jacobi rotations: exact to
/// double precision, deterministic, and plenty fast for the `classes x classes` problem of the
/// Fisher directions.
struct SymmetricEigen {
    /// Eigenvalues, largest first.
    let values: [Double]
    /// `vectors[k]` is the unit eigenvector of `values[k]`.
    let vectors: [[Double]]

    /// Decomposes the row-major `n x n` symmetric `matrix`.
    init(matrix: [Double], size n: Int) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        var scratch = [Int](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { v in
                scratch.withUnsafeMutableBufferPointer { order in
                    guard let a = a.baseAddress, let v = v.baseAddress, let order = order.baseAddress else { return }
                    Self.decompose(a, size: n, vectors: v, order: order)
                }
            }
        }
        // The standard library's sort, as always here (it also orders NaN diagonals as before).
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        values = order.map { a[$0 * n + $0] }
        vectors = order.map { k in (0..<n).map { v[$0 * n + k] } }
    }

    /// The same decomposition in place, allocating nothing (for the checks that run it every time):
    /// `a` (row-major `n x n`) ends with the eigenvalues on its diagonal, column `k` of `v` (`n x
    /// n`) is the unit eigenvector of `a[k][k]`, and `order` (`n`) lists the columns by eigenvalue,
    /// largest first (ties by column).
    static func decompose(
        _ a: UnsafeMutablePointer<Double>, size n: Int, vectors v: UnsafeMutablePointer<Double>,
        order: UnsafeMutablePointer<Int>
    ) {
        v.update(repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var offDiagonal = 0.0, diagonal = 0.0
            for i in 0..<n {
                diagonal += a[i * n + i] * a[i * n + i]
                for j in (i + 1)..<max(i + 1, n) { offDiagonal += a[i * n + j] * a[i * n + j] }
            }
            if offDiagonal <= 1e-30 * diagonal || offDiagonal == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        // Insertion sort by a strict total order: the order any sort by it gives.
        func before(_ x: Int, _ y: Int) -> Bool {
            a[x * n + x] > a[y * n + y] || (a[x * n + x] == a[y * n + y] && x < y)
        }
        for k in 0..<n {
            var slot = k
            while slot > 0 && before(k, order[slot - 1]) {
                order[slot] = order[slot - 1]
                slot -= 1
            }
            order[slot] = k
        }
    }
}
