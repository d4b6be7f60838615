/// The O(N^2 D) part of a metric check: every pairwise distance of class-sorted points, summed per
/// class for the silhouettes, and each point's nearest neighbours for the kNN accuracy.
///
/// Distances are symmetric, so each pair is computed once: row `i` visits only the column blocks
/// from its own onwards, adds each distance to its own per-class sum (a register accumulator, since
/// a block never straddles two classes) and to column `j`'s sum for `i`'s class (`columnSums`).
/// Rows are visited in ascending order, so every point's neighbour candidates still arrive in
/// ascending column order, and ties keep going to the earlier point exactly as a full scan would.
public enum DistanceKernels {
    /// Fills `classSums[i * classes + c]` with the summed distance from column `i` to the real
    /// columns of class `c` (excluding `i`), and, when `neighbours > 0`, `neighbourDistance` and
    /// `neighbourClass` (`columns x neighbours`, nearest first; squared distances, class -1 and
    /// +inf where fewer exist).
    ///
    /// - `points`: `depth x columns`, class segments starting at `segmentStart[c]` and padded to a
    ///   multiple of 16 columns; `valid[j]` is 1 for real columns, 0 for padding.
    /// - `columnSums`: scratch of `classes x columns` floats; `threshold`: scratch of `columns`.
    public static func pairwise(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, segmentStart: UnsafePointer<Int>, classes: Int,
        classSums: UnsafeMutablePointer<Float>, columnSums: UnsafeMutablePointer<Float>,
        neighbours k: Int, neighbourDistance: UnsafeMutablePointer<Float>,
        neighbourClass: UnsafeMutablePointer<Int32>, threshold: UnsafeMutablePointer<Float>
    ) {
        columnSums.update(repeating: 0, count: classes * columns)
        if k > 0 {
            neighbourDistance.update(repeating: .infinity, count: columns * k)
            neighbourClass.update(repeating: -1, count: columns * k)
            threshold.update(repeating: .infinity, count: columns)
        }
        let infinity = Vector(repeating: .infinity)
        let laneIndex = IntVector((0..<lanes).map { Int32($0) })
        for i in 0..<columns where valid[i] != 0 {
            let ownClass = Int(columnClass[i])
            let ownBlock = i / lanes * lanes
            let columnSum = columnSums + ownClass * columns
            for c in 0..<classes {
                let segmentEnd = c + 1 < classes ? segmentStart[c + 1] : columns
                var base = Swift.max(segmentStart[c], ownBlock)
                var rowSum = Vector.zero
                while base < segmentEnd {
                    var d2 = Vector.zero
                    for m in 0..<depth {
                        let row = points + m * columns
                        let diff = load(row + base) - Vector(repeating: row[i])
                        multiplyAdd(&d2, diff, diff)
                    }
                    // Padding columns, and in the own block every column up to i, take no part.
                    var excluded = load(valid + base) .== 0
                    if base == ownBlock {
                        excluded = excluded .| (laneIndex .<= IntVector(repeating: Int32(i - base)))
                    }
                    let root = FastMath.squareRoot(d2.replacing(with: Vector.zero, where: excluded))
                    rowSum += root
                    store(load(columnSum + base) + root, columnSum + base)
                    if k > 0 {
                        let candidate = d2.replacing(with: infinity, where: excluded)
                        // i as a neighbour of each column j.
                        if any(candidate .< load(threshold + base)) {
                            for lane in 0..<lanes where candidate[lane] < threshold[base + lane] {
                                insert(candidate[lane], Int32(ownClass), into: base + lane, k, neighbourDistance, neighbourClass, threshold)
                            }
                        }
                        // Each column j as a neighbour of i.
                        if any(candidate .< Vector(repeating: threshold[i])) {
                            for lane in 0..<lanes where candidate[lane] < threshold[i] {
                                insert(candidate[lane], columnClass[base + lane], into: i, k, neighbourDistance, neighbourClass, threshold)
                            }
                        }
                    }
                    base += lanes
                }
                classSums[i * classes + c] = horizontalSum(rowSum)
            }
        }
        for i in 0..<columns where valid[i] != 0 {
            for c in 0..<classes { classSums[i * classes + c] += columnSums[c * columns + i] }
        }
    }

    /// Inserts a candidate into column `j`'s sorted list (equal distances stay behind earlier ones)
    /// and updates its admission threshold (the k-th distance).
    @inline(__always)
    private static func insert(
        _ distance: Float, _ label: Int32, into j: Int, _ k: Int,
        _ neighbourDistance: UnsafeMutablePointer<Float>, _ neighbourClass: UnsafeMutablePointer<Int32>,
        _ threshold: UnsafeMutablePointer<Float>
    ) {
        let best = neighbourDistance + j * k
        let bestClass = neighbourClass + j * k
        var slot = k - 1
        while slot > 0 && best[slot - 1] > distance {
            best[slot] = best[slot - 1]
            bestClass[slot] = bestClass[slot - 1]
            slot -= 1
        }
        best[slot] = distance
        bestClass[slot] = label
        threshold[j] = best[k - 1]
    }
}
