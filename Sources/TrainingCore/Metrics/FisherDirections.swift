/// The (classes-1) Fisher discriminant directions of labelled points, scaled so that the projected
/// within-class scatter is the identity; `lda_silhouette` is the silhouette after this projection.
///
/// With `Sw = L L^T` (Cholesky, plus a ridge of 1e-9 x its mean diagonal so a degenerate cloud
/// still factors), the directions are `V = L^-T U`, `U` the top eigenvectors of
/// `L^-1 Sb L^-T`. Since `Sb = sum_c n_c (mu_c - mu)(mu_c - mu)^T` has rank <= classes-1,
/// `L^-1 Sb L^-T = M M^T` with `M = L^-1 [sqrt(n_c) (mu_c - mu)]`, and its eigenvectors come
/// from the small `classes x classes` matrix `M^T M`: the cost is one D x D Cholesky, not a
/// D x D eigenproblem. `V^T Sw V = U^T U = I`, so the projected clusters are measured in units
/// of their own spread, fairly across dimensions. `FisherDirectionSolver` computes them.
struct FisherDirections {
    /// `directions[k]` is a D-vector; at most `min(classes - 1, D)` of them.
    let directions: [[Double]]
    /// The overall mean, subtracted before projecting.
    let mean: [Double]

    /// `rows` is `N x D` row-major.
    init(rows: UnsafePointer<Float>, count n: Int, dimension d: Int, labels: UnsafePointer<Int32>, classes: Int) {
        let solver = FisherDirectionSolver(dimension: d, classes: classes, kernels: .table(for: .detected))
        solver.solve(rows: rows, count: n, labels: labels)
        directions = (0..<solver.directionCount).map { k in Array(UnsafeBufferPointer(start: solver.directions + k * d, count: d)) }
        mean = Array(UnsafeBufferPointer(start: solver.mean, count: d))
    }
}
