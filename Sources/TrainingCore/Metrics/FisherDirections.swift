/// The (classes-1) Fisher discriminant directions of labelled points, scaled so that the projected
/// within-class scatter is the identity; `lda_silhouette` is the silhouette after this projection.
///
/// With `Sw = L L^T` (Cholesky, plus a ridge of 1e-9 x its mean diagonal so a degenerate cloud
/// still factors), the directions are `V = L^-T U`, `U` the top eigenvectors of
/// `L^-1 Sb L^-T`. Since `Sb = sum_c n_c (mu_c - mu)(mu_c - mu)^T` has rank <= classes-1,
/// `L^-1 Sb L^-T = M M^T` with `M = L^-1 [sqrt(n_c) (mu_c - mu)]`, and its eigenvectors come
/// from the small `classes x classes` matrix `M^T M`: the cost is one D x D Cholesky, not a
/// D x D eigenproblem. `V^T Sw V = U^T U = I`, so the projected clusters are measured in units
/// of their own spread, fairly across dimensions.
struct FisherDirections {
    /// `directions[k]` is a D-vector; at most `min(classes - 1, D)` of them.
    let directions: [[Double]]
    /// The overall mean, subtracted before projecting.
    let mean: [Double]

    /// `rows` is `N x D` row-major.
    init(rows: UnsafePointer<Float>, count n: Int, dimension d: Int, labels: UnsafePointer<Int32>, classes: Int) {
        var mean = [Double](repeating: 0, count: d)
        var classMeans = [Double](repeating: 0, count: classes * d)
        var classCounts = [Int](repeating: 0, count: classes)
        for i in 0..<n {
            let c = Int(labels[i])
            classCounts[c] += 1
            for j in 0..<d {
                let x = Double(rows[i * d + j])
                mean[j] += x
                classMeans[c * d + j] += x
            }
        }
        for j in 0..<d { mean[j] /= Double(n) }
        for c in 0..<classes where classCounts[c] > 0 {
            for j in 0..<d { classMeans[c * d + j] /= Double(classCounts[c]) }
        }
        // Within-class scatter, lower triangle.
        var sw = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for i in 0..<n {
            let c = Int(labels[i])
            for j in 0..<d { centred[j] = Double(rows[i * d + j]) - classMeans[c * d + j] }
            for r in 0..<d {
                let cr = centred[r]
                for s in 0...r { sw[r * d + s] += cr * centred[s] }
            }
        }
        var trace = 0.0
        for j in 0..<d { trace += sw[j * d + j] }
        let ridge = 1e-9 * trace / Double(d) + 1e-300
        for j in 0..<d { sw[j * d + j] += ridge }
        let l = Self.cholesky(sw, d)

        // M = L^-1 [sqrt(n_c) (mu_c - mu)], D x classes (column c at m[c]).
        var m: [[Double]] = []
        for c in 0..<classes {
            let weight = Double(classCounts[c]).squareRoot()
            let column = (0..<d).map { weight * (classMeans[c * d + $0] - mean[$0]) }
            m.append(Self.forwardSubstitute(l, d, column))
        }
        var gram = [Double](repeating: 0, count: classes * classes)
        for a in 0..<classes {
            for b in 0..<classes {
                var s = 0.0
                for j in 0..<d { s += m[a][j] * m[b][j] }
                gram[a * classes + b] = s
            }
        }
        let eigen = SymmetricEigen(matrix: gram, size: classes)
        var directions: [[Double]] = []
        let largest = eigen.values.first ?? 0
        for k in 0..<min(classes - 1, d) {
            let lambda = eigen.values[k]
            guard lambda > 1e-12 * largest, lambda > 0 else { break }
            var u = [Double](repeating: 0, count: d)
            for c in 0..<classes {
                let coefficient = eigen.vectors[k][c] / lambda.squareRoot()
                for j in 0..<d { u[j] += coefficient * m[c][j] }
            }
            directions.append(Self.backSubstituteTransposed(l, d, u))
        }
        self.directions = directions
        self.mean = mean
    }

    /// Lower-triangular `L` with `L L^T = a` (row-major, only the lower triangle of `a` is read).
    static func cholesky(_ a: [Double], _ d: Int) -> [Double] {
        var l = [Double](repeating: 0, count: d * d)
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
        return l
    }

    /// Solves `L y = b`.
    static func forwardSubstitute(_ l: [Double], _ d: Int, _ b: [Double]) -> [Double] {
        var y = b
        for i in 0..<d {
            var s = y[i]
            for k in 0..<i { s -= l[i * d + k] * y[k] }
            y[i] = s / l[i * d + i]
        }
        return y
    }

    /// Solves `L^T x = b`.
    static func backSubstituteTransposed(_ l: [Double], _ d: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: d - 1, through: 0, by: -1) {
            var s = x[i]
            for k in (i + 1)..<max(i + 1, d) { s -= l[k * d + i] * x[k] }
            x[i] = s / l[i * d + i]
        }
        return x
    }
}
