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
    /// - `columnSums`: scratch of `classes x columns` floats; `threshold`: scratch of `columns`
    ///   floats.
    /// - `neighbourColumn` (`columns x neighbours`): the previous call's neighbour columns on input
    ///   (-1 where none; they only tighten the search), this call's on output.
    public static func pairwise(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, segmentStart: UnsafePointer<Int>, classes: Int,
        classSums: UnsafeMutablePointer<Float>, columnSums: UnsafeMutablePointer<Float>,
        neighbours k: Int, neighbourDistance: UnsafeMutablePointer<Float>,
        neighbourClass: UnsafeMutablePointer<Int32>, neighbourColumn: UnsafeMutablePointer<Int32>,
        threshold: UnsafeMutablePointer<Float>
    ) {
        columnSums.update(repeating: 0, count: classes * columns)
        var laneIndex = IntVector.zero, laneWeight = IntVector.zero
        for lane in 0..<lanes {
            laneIndex[lane] = Int32(lane)
            laneWeight[lane] = Int32(1) << Int32(lane)
        }
        // With every column's previous neighbours at hand, the neighbour search rides along the
        // symmetric sweep (each pair once); otherwise it is a separate row scan afterwards.
        let fused = k > 0 && previousBounds(
            points: points, depth: depth, columns: columns, valid: valid, k: k,
            neighbourColumn: neighbourColumn, bound: threshold)
        if fused {
            neighbourDistance.update(repeating: .infinity, count: columns * k)
            neighbourClass.update(repeating: -1, count: columns * k)
            neighbourColumn.update(repeating: -1, count: columns * k)
        }
        if !fused {
            classSumsOnly(
                points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass,
                segmentStart: segmentStart, classes: classes, classSums: classSums, columnSums: columnSums,
                laneIndex: laneIndex)
            if k > 0 {
                nearestNeighbours(
                    points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass,
                    k: k, neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, row: threshold,
                    laneIndex: laneIndex, laneWeight: laneWeight)
            }
            return
        }
        let infinity = Vector(repeating: .infinity)
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
                    var excluded = load(valid + base) .== Vector.zero
                    if base == ownBlock {
                        excluded = excluded .| (laneIndex .<= IntVector(repeating: Int32(i - base)))
                    }
                    let root = FastMath.squareRoot(d2.replacing(with: Vector.zero, where: excluded))
                    rowSum += root
                    store(load(columnSum + base) + root, columnSum + base)
                    if fused {
                        let candidate = d2.replacing(with: infinity, where: excluded)
                        // i as a neighbour of each later column j: rows come in ascending order,
                        // so every list still receives its candidates in ascending column order.
                        let toColumns = candidate .< load(threshold + base)
                        var bits = any(toColumns) ? laneBits(toColumns, laneWeight) : 0
                        while bits != 0 {
                            let lane = bits.trailingZeroBitCount
                            bits &= bits - 1
                            insert(candidate[lane], Int32(ownClass), Int32(i), into: base + lane, k,
                                   neighbourDistance, neighbourClass, neighbourColumn, threshold)
                        }
                        // Each later column j as a neighbour of i.
                        let toRow = candidate .< Vector(repeating: threshold[i])
                        bits = any(toRow) ? laneBits(toRow, laneWeight) : 0
                        while bits != 0 {
                            let lane = bits.trailingZeroBitCount
                            bits &= bits - 1
                            if candidate[lane] < threshold[i] {
                                insert(candidate[lane], columnClass[base + lane], Int32(base + lane), into: i, k,
                                       neighbourDistance, neighbourClass, neighbourColumn, threshold)
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

    /// `pairwise` without the neighbour search: the same sums, bit for bit, with the masks only
    /// where they exclude something (a row's own block, a segment's padded end). A masked lane
    /// adds a distance of exactly +0 to sums that are never -0, so skipping it changes nothing.
    private static func classSumsOnly(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, segmentStart: UnsafePointer<Int>, classes: Int,
        classSums: UnsafeMutablePointer<Float>, columnSums: UnsafeMutablePointer<Float>, laneIndex: IntVector
    ) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(classes, 1)) { ends in
            // Where each segment's real columns end: blocks past it hold only padding.
            for c in 0..<classes {
                let segmentEnd = c + 1 < classes ? segmentStart[c + 1] : columns
                var end = segmentEnd
                while end > segmentStart[c] && valid[end - 1] == 0 { end -= 1 }
                ends[c] = end
            }
            for i in 0..<columns where valid[i] != 0 {
                let ownClass = Int(columnClass[i])
                let ownBlock = i / lanes * lanes
                let columnSum = columnSums + ownClass * columns
                for c in 0..<classes {
                    let realEnd = ends[c]
                    var base = Swift.max(segmentStart[c], ownBlock)
                    var rowSum = Vector.zero
                    while base < realEnd {
                        var d2 = Vector.zero
                        for m in 0..<depth {
                            let row = points + m * columns
                            let diff = load(row + base) - Vector(repeating: row[i])
                            multiplyAdd(&d2, diff, diff)
                        }
                        if base == ownBlock || base + lanes > realEnd {
                            var excluded = load(valid + base) .== Vector.zero
                            if base == ownBlock {
                                excluded = excluded .| (laneIndex .<= IntVector(repeating: Int32(i - base)))
                            }
                            d2.replace(with: Vector.zero, where: excluded)
                        }
                        let root = FastMath.squareRoot(d2)
                        rowSum += root
                        store(load(columnSum + base) + root, columnSum + base)
                        base += lanes
                    }
                    classSums[i * classes + c] = horizontalSum(rowSum)
                }
            }
        }
        for i in 0..<columns where valid[i] != 0 {
            for c in 0..<classes { classSums[i * classes + c] += columnSums[c * columns + i] }
        }
    }

    /// Each real column's `k` nearest other columns (`nearestNeighbours` for every real row).
    private static func nearestNeighbours(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, k: Int, neighbourDistance: UnsafeMutablePointer<Float>,
        neighbourClass: UnsafeMutablePointer<Int32>, neighbourColumn: UnsafeMutablePointer<Int32>,
        row: UnsafeMutablePointer<Float>, laneIndex: IntVector, laneWeight: IntVector
    ) {
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k + lanes) { scratch in
            guard let smallest = scratch.baseAddress else { return }
            for i in 0..<columns where valid[i] != 0 {
                neighboursOfRow(
                    i, points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, row: row, smallest: smallest, laneIndex: laneIndex,
                    laneWeight: laneWeight)
            }
        }
    }

    /// The `k` nearest other columns of each column in `rows[0..<rowCount]` (real columns), as
    /// `pairwise` computes them: the same squared distances and the same tie rule, so a list is
    /// identical whichever way it was found. Other columns' lists are left as they are.
    ///
    /// A metric check that only has to learn whether the kNN accuracy reached its threshold asks
    /// for a few rows at a time and stops once enough are misclassified: a row costs O(N D), the
    /// whole symmetric pass O(N^2 D). `neighbourColumn` on input bounds the search as in
    /// `pairwise` (any earlier list of the row will do); `scratch` holds `columns` floats.
    public static func neighbourRows(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, neighbours k: Int, rows: UnsafePointer<Int32>, rowCount: Int,
        neighbourDistance: UnsafeMutablePointer<Float>, neighbourClass: UnsafeMutablePointer<Int32>,
        neighbourColumn: UnsafeMutablePointer<Int32>, scratch: UnsafeMutablePointer<Float>
    ) {
        guard k > 0 else { return }
        var laneIndex = IntVector.zero, laneWeight = IntVector.zero
        for lane in 0..<lanes {
            laneIndex[lane] = Int32(lane)
            laneWeight[lane] = Int32(1) << Int32(lane)
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k + lanes) { buffer in
            guard let smallest = buffer.baseAddress else { return }
            for r in 0..<rowCount {
                let i = Int(rows[r])
                guard i >= 0, i < columns, valid[i] != 0 else { continue }
                neighboursOfRow(
                    i, points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, row: scratch, smallest: smallest, laneIndex: laneIndex,
                    laneWeight: laneWeight)
            }
        }
    }

    /// Column `i`'s `k` nearest other columns into its lists, which hold the previous list on
    /// entry (columns -1 where none). The scan admits only columns within an upper bound of the
    /// k-th nearest squared distance, in ascending order (ties stay with the earlier column), so it
    /// builds the same list a scan of every column gives, with a handful of insertions instead of
    /// dozens. The bound is the farthest of the row's previous k neighbours (k distinct other
    /// points; their distances recomputed now in double, with a margin above float rounding).
    /// When there is no previous list, or the points moved so far since that it is loose (its
    /// farthest more than twice as far as it was), a first pass stores the row's squared distances
    /// in `row` (`columns` floats) and the bound also takes the k-th smallest of their lane-wise
    /// minima (distances to `lanes` distinct other points). `smallest` is scratch of `k + lanes`.
    @inline(__always)
    private static func neighboursOfRow(
        _ i: Int, points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, k: Int, neighbourDistance: UnsafeMutablePointer<Float>,
        neighbourClass: UnsafeMutablePointer<Int32>, neighbourColumn: UnsafeMutablePointer<Int32>,
        row: UnsafeMutablePointer<Float>, smallest: UnsafeMutablePointer<Float>, laneIndex: IntVector,
        laneWeight: IntVector
    ) {
        let infinity = Vector(repeating: .infinity)
        let margin = 1 + Double(depth + 4) * 2.4e-7
        let minima = smallest + k
        let own = i / lanes * lanes
        let best = neighbourDistance + i * k
        let bestClass = neighbourClass + i * k
        let bestColumn = neighbourColumn + i * k
        let previousKth = Double(best[k - 1])
        var bound = Float.infinity
        var previous = 0.0
        var havePrevious = true
        for b in 0..<k {
            let j = Int(bestColumn[b])
            guard j >= 0, j != i, j < columns, valid[j] != 0 else {
                havePrevious = false
                break
            }
            var s = 0.0
            for m in 0..<depth {
                let x = Double(points[m * columns + j]) - Double(points[m * columns + i])
                s += x * x
            }
            previous = Swift.max(previous, s)
        }
        for b in 0..<k {
            best[b] = .infinity
            bestClass[b] = -1
        }
        if havePrevious { bound = Float(previous * margin).nextUp }
        // Squared distances, so twice as far is four times.
        let stored = !havePrevious || !(previous <= 4 * previousKth)
        if stored {
            // The row's squared distances (+inf for padding and i itself) and their lane minima.
            var minimum = infinity
            var base = 0
            while base < columns {
                var d2 = Vector.zero
                for m in 0..<depth {
                    let p = points + m * columns
                    let diff = load(p + base) - Vector(repeating: p[i])
                    multiplyAdd(&d2, diff, diff)
                }
                var excluded = load(valid + base) .== Vector.zero
                if base == own { excluded = excluded .| (laneIndex .== IntVector(repeating: Int32(i - base))) }
                d2.replace(with: infinity, where: excluded)
                store(d2, row + base)
                minimum = FastMath.minimum(minimum, d2)
                base += lanes
            }
            for b in 0..<k { smallest[b] = .infinity }
            store(minimum, minima)
            for lane in 0..<lanes {
                let v = minima[lane]
                guard v < smallest[k - 1] else { continue }
                var slot = k - 1
                while slot > 0 && smallest[slot - 1] > v {
                    smallest[slot] = smallest[slot - 1]
                    slot -= 1
                }
                smallest[slot] = v
            }
            bound = Swift.min(bound, smallest[k - 1].nextUp)
        }
        var filled = 0
        var base = 0
        while base < columns {
            var d2: Vector
            if stored {
                d2 = load(row + base)
            } else {
                d2 = Vector.zero
                for m in 0..<depth {
                    let p = points + m * columns
                    let diff = load(p + base) - Vector(repeating: p[i])
                    multiplyAdd(&d2, diff, diff)
                }
            }
            var admitted = d2 .< Vector(repeating: bound)
            guard any(admitted) else {
                base += lanes
                continue
            }
            if !stored {
                var excluded = load(valid + base) .== Vector.zero
                if base == own { excluded = excluded .| (laneIndex .== IntVector(repeating: Int32(i - base))) }
                d2.replace(with: infinity, where: excluded)
                admitted = admitted .& .!excluded
            }
            var bits = laneBits(admitted, laneWeight)
            while bits != 0 {
                let lane = bits.trailingZeroBitCount
                bits &= bits - 1
                let distance = d2[lane]
                guard distance < bound else { continue }
                var slot = Swift.min(filled, k - 1)
                while slot > 0 && best[slot - 1] > distance {
                    best[slot] = best[slot - 1]
                    bestClass[slot] = bestClass[slot - 1]
                    bestColumn[slot] = bestColumn[slot - 1]
                    slot -= 1
                }
                best[slot] = distance
                bestClass[slot] = columnClass[base + lane]
                bestColumn[slot] = Int32(base + lane)
                filled += 1
                if filled >= k { bound = Swift.min(bound, best[k - 1]) }
            }
            base += lanes
        }
        if filled < k { for b in filled..<k { bestColumn[b] = -1 } }
    }

    /// Fills `bound[i]` (squared) from each real column's previous `k` neighbours, recomputed in
    /// double with a margin above float rounding: an upper bound of the k-th nearest distance
    /// (k distinct other points). Returns false, bounds unusable, if some column has none.
    private static func previousBounds(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>, k: Int,
        neighbourColumn: UnsafePointer<Int32>, bound: UnsafeMutablePointer<Float>
    ) -> Bool {
        let margin = 1 + Double(depth + 4) * 2.4e-7
        for i in 0..<columns {
            guard valid[i] != 0 else {
                bound[i] = 0
                continue
            }
            var farthest = 0.0
            for b in 0..<k {
                let j = Int(neighbourColumn[i * k + b])
                guard j >= 0, j != i, j < columns, valid[j] != 0 else { return false }
                var s = 0.0
                for m in 0..<depth {
                    let x = Double(points[m * columns + j]) - Double(points[m * columns + i])
                    s += x * x
                }
                farthest = Swift.max(farthest, s)
            }
            bound[i] = Float(farthest * margin).nextUp
        }
        return true
    }

    /// Inserts a candidate into column `j`'s sorted list (equal distances stay behind earlier
    /// ones) and tightens its admission bound to the k-th distance once the list is full.
    @inline(__always)
    private static func insert(
        _ distance: Float, _ label: Int32, _ column: Int32, into j: Int, _ k: Int,
        _ neighbourDistance: UnsafeMutablePointer<Float>, _ neighbourClass: UnsafeMutablePointer<Int32>,
        _ neighbourColumn: UnsafeMutablePointer<Int32>, _ bound: UnsafeMutablePointer<Float>
    ) {
        let best = neighbourDistance + j * k
        let bestClass = neighbourClass + j * k
        let bestColumn = neighbourColumn + j * k
        var slot = k - 1
        while slot > 0 && best[slot - 1] > distance {
            best[slot] = best[slot - 1]
            bestClass[slot] = bestClass[slot - 1]
            bestColumn[slot] = bestColumn[slot - 1]
            slot -= 1
        }
        best[slot] = distance
        bestClass[slot] = label
        bestColumn[slot] = column
        bound[j] = Swift.min(bound[j], best[k - 1])
    }

    /// The lanes of a mask as the bits of an integer (lane 0 in bit 0).
    @inline(__always)
    private static func laneBits(_ mask: SIMDMask<IntVector>, _ weights: IntVector) -> UInt32 {
        return UInt32(truncatingIfNeeded: IntVector.zero.replacing(with: weights, where: mask).wrappedSum())
    }
}
