/// The O(N D) and O(N D^2) loops of the Fisher directions and the LDA projection, vectorised in
/// double precision without changing a single rounding: every element gets the same operations in
/// the same order as the plain scalar loops (separate multiply and add, never fused), only several
/// elements at once. So `lda_silhouette` is the same bits in every kernel family's build of these
/// loops as in the scalar definition (`FisherKernelTests`).
public enum FisherKernels {
    /// `out[k * columns + j]` = `Float(sum over m of (Double(points[m * columns + j]) - mean[m]) *
    /// directions[k * dimension + m])`, summed in ascending m from 0, for `count` directions; 0 where
    /// `valid[j]` is 0. `points` is `dimension x columns`, `columns` a multiple of 16.
    public static func project(
        points: UnsafePointer<Float>, dimension: Int, columns: Int, valid: UnsafePointer<Float>,
        mean: UnsafePointer<Double>, directions: UnsafePointer<Double>, count: Int, out: UnsafeMutablePointer<Float>
    ) {
        for k in 0..<count {
            let v = directions + k * dimension
            let target = out + k * columns
            var j = 0
            while j < columns {
                var s = DoubleVector.zero
                for m in 0..<dimension {
                    s = s + (loadWidened(points + m * columns + j) - DoubleVector(repeating: mean[m])) * DoubleVector(repeating: v[m])
                }
                let keep = loadWidened(valid + j) .!= DoubleVector.zero
                let value = HalfVector(s.replacing(with: DoubleVector.zero, where: .!keep))
                UnsafeMutableRawPointer(target + j).storeBytes(of: value, as: HalfVector.self)
                j += doubleLanes
            }
        }
    }
}
