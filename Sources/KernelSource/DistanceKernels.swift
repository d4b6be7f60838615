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
    /// - `columnSums`: scratch of `classes x columns` floats; `threshold`: scratch of
    ///   `batchRows x columns` floats.
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
        if depth >= groupedDepth {
            // Sums and neighbours in one cache-blocked sweep.
            if k > 0 {
                startSearch(
                    points: points, depth: depth, columns: columns, valid: valid, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, bound: threshold)
            }
            withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(classes, 1)) { ends in
                guard let ends = ends.baseAddress else { return }
                segmentEnds(valid: valid, columns: columns, segmentStart: segmentStart, classes: classes, into: ends)
                banded(
                    points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass,
                    ends: ends, classes: classes, classSums: classSums, columnSums: columnSums,
                    neighbours: k, neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, bound: threshold, laneIndex: laneIndex)
            }
            for i in 0..<columns where valid[i] != 0 {
                for c in 0..<classes { classSums[i * classes + c] += columnSums[c * columns + i] }
            }
            return
        }
        // The neighbour search rides along the symmetric sweep (each pair once), each list bounded
        // by its previous one where there is one.
        let fused = k > 0
        if fused {
            startSearch(
                points: points, depth: depth, columns: columns, valid: valid, k: k,
                neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                neighbourColumn: neighbourColumn, bound: threshold)
        } else {
            classSumsOnly(
                points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass,
                segmentStart: segmentStart, classes: classes, classSums: classSums, columnSums: columnSums,
                laneIndex: laneIndex)
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
    ///
    /// Four rows at a time (a group never straddles two classes: segments are padded to whole
    /// blocks, and padding rows, which take no part, come after a segment's real rows): each
    /// column block is loaded once for the four, the four square roots are independent chains
    /// (one row's chain alone left the core waiting on its latency), and the column's sum takes
    /// the four rows' distances in ascending row order, as four passes of one row would add them.
    private static func classSumsOnly(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, segmentStart: UnsafePointer<Int>, classes: Int,
        classSums: UnsafeMutablePointer<Float>, columnSums: UnsafeMutablePointer<Float>, laneIndex: IntVector
    ) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(classes, 1)) { ends in
            guard let endPointer = ends.baseAddress else { return }
            segmentEnds(valid: valid, columns: columns, segmentStart: segmentStart, classes: classes, into: endPointer)
            var i0 = 0
            while i0 + 3 < columns {
                // Real rows are a prefix of the group (padding follows a segment's real columns).
                let live = valid[i0 + 3] != 0 ? 4 : valid[i0 + 2] != 0 ? 3 : valid[i0 + 1] != 0 ? 2 : valid[i0] != 0 ? 1 : 0
                guard live > 0 else {
                    i0 += 4
                    continue
                }
                let ownClass = Int(columnClass[i0])
                let ownBlock = i0 / lanes * lanes
                let columnSum = columnSums + ownClass * columns
                for c in 0..<classes {
                    let realEnd = ends[c]
                    var base = Swift.max(segmentStart[c], ownBlock)
                    var s0 = Vector.zero, s1 = Vector.zero, s2 = Vector.zero, s3 = Vector.zero
                    while base < realEnd {
                        var (d0, d1, d2, d3) = squaredDistances(
                            points: points, depth: depth, columns: columns, block: base, rows: i0, i0 + 1, i0 + 2, i0 + 3)
                        if base == ownBlock || base + lanes > realEnd {
                            let padding = load(valid + base) .== Vector.zero
                            var x0 = padding, x1 = padding, x2 = padding, x3 = padding
                            if base == ownBlock {
                                x0 = x0 .| (laneIndex .<= IntVector(repeating: Int32(i0 - base)))
                                x1 = x1 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 1 - base)))
                                x2 = x2 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 2 - base)))
                                x3 = x3 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 3 - base)))
                            }
                            d0.replace(with: Vector.zero, where: x0)
                            d1.replace(with: Vector.zero, where: x1)
                            d2.replace(with: Vector.zero, where: x2)
                            d3.replace(with: Vector.zero, where: x3)
                        }
                        let r0 = FastMath.squareRoot(d0), r1 = FastMath.squareRoot(d1)
                        let r2 = FastMath.squareRoot(d2), r3 = FastMath.squareRoot(d3)
                        var total = load(columnSum + base) + r0
                        s0 += r0
                        if live > 1 {
                            total += r1
                            s1 += r1
                        }
                        if live > 2 {
                            total += r2
                            s2 += r2
                        }
                        if live > 3 {
                            total += r3
                            s3 += r3
                        }
                        store(total, columnSum + base)
                        base += lanes
                    }
                    classSums[i0 * classes + c] = horizontalSum(s0)
                    if live > 1 { classSums[(i0 + 1) * classes + c] = horizontalSum(s1) }
                    if live > 2 { classSums[(i0 + 2) * classes + c] = horizontalSum(s2) }
                    if live > 3 { classSums[(i0 + 3) * classes + c] = horizontalSum(s3) }
                }
                i0 += 4
            }
        }
        for i in 0..<columns where valid[i] != 0 {
            for c in 0..<classes { classSums[i * classes + c] += columnSums[c * columns + i] }
        }
    }

    /// The squared distances from the columns of the block at `block` to four rows, coordinate by
    /// coordinate with one multiply-add each: per lane the same operations in the same order as
    /// every other distance here, so a pair's distance has the same bits whichever pass finds it.
    @inline(__always)
    private static func squaredDistances(
        points: UnsafePointer<Float>, depth: Int, columns: Int, block base: Int, rows i0: Int, _ i1: Int, _ i2: Int,
        _ i3: Int
    ) -> (Vector, Vector, Vector, Vector) {
        var d0 = Vector.zero, d1 = Vector.zero, d2 = Vector.zero, d3 = Vector.zero
        for m in 0..<depth {
            let p = points + m * columns
            let column = load(p + base)
            let e0 = column - Vector(repeating: p[i0]), e1 = column - Vector(repeating: p[i1])
            let e2 = column - Vector(repeating: p[i2]), e3 = column - Vector(repeating: p[i3])
            multiplyAdd(&d0, e0, e0)
            multiplyAdd(&d1, e1, e1)
            multiplyAdd(&d2, e2, e2)
            multiplyAdd(&d3, e3, e3)
        }
        return (d0, d1, d2, d3)
    }

    /// Where class c's real columns end (blocks past it hold only padding), into `ends`.
    @inline(__always)
    private static func segmentEnds(
        valid: UnsafePointer<Float>, columns: Int, segmentStart: UnsafePointer<Int>, classes: Int,
        into ends: UnsafeMutablePointer<Int>
    ) {
        for c in 0..<classes {
            let segmentEnd = c + 1 < classes ? segmentStart[c + 1] : columns
            var end = segmentEnd
            while end > segmentStart[c] && valid[end - 1] == 0 { end -= 1 }
            ends[c] = end
        }
    }

    /// The symmetric sweep at `groupedDepth` and above, blocked for the cache: the columns are cut
    /// into bands whose coordinates fit in about 256 KB, and each band meets every row before the
    /// next band is loaded, four rows at a time (each column block loaded once for the four). With
    /// `classSums`, the class sums (each row's per-class sums kept lane by lane across bands in
    /// ascending block order, each column's sum receiving the rows in ascending order: the same
    /// bits as `classSumsOnly`); with `neighbours > 0`, every real column's nearest neighbours by
    /// the fused insertion of `pairwise` (each pair once, candidates in ascending column order),
    /// from bounds `bound` (+inf, or a previous list's).
    private static func banded(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>,
        columnClass: UnsafePointer<Int32>, ends: UnsafePointer<Int>?, classes: Int,
        classSums: UnsafeMutablePointer<Float>?, columnSums: UnsafeMutablePointer<Float>?,
        neighbours k: Int, neighbourDistance: UnsafeMutablePointer<Float>?, neighbourClass: UnsafeMutablePointer<Int32>?,
        neighbourColumn: UnsafeMutablePointer<Int32>?, bound: UnsafeMutablePointer<Float>?, laneIndex: IntVector
    ) {
        let sums = classSums != nil && columnSums != nil && ends != nil
        let search = k > 0 && neighbourDistance != nil && neighbourClass != nil && neighbourColumn != nil && bound != nil
        var laneWeight = IntVector.zero
        for lane in 0..<lanes { laneWeight[lane] = Int32(1) << Int32(lane) }
        let infinity = Vector(repeating: .infinity)
        let bandColumns = bandColumns(depth: depth, columns: columns)
        // Each row's per-class sums, lane by lane, across bands.
        let rowSumCount = sums ? columns * classes * lanes : 0
        withUnsafeTemporaryAllocation(of: Float.self, capacity: Swift.max(rowSumCount, 1)) { rowSumBuffer in
            guard let rowSums = rowSumBuffer.baseAddress else { return }
            rowSums.update(repeating: 0, count: rowSumCount)
            var bandStart = 0
            while bandStart < columns {
                let bandEnd = Swift.min(columns, bandStart + bandColumns)
                var i0 = 0
                while i0 < columns {
                    let ownBlock = i0 / lanes * lanes
                    if ownBlock >= bandEnd { break }
                    let live = (valid[i0] != 0, valid[i0 + 1] != 0, valid[i0 + 2] != 0, valid[i0 + 3] != 0)
                    guard live.0 || live.1 || live.2 || live.3 else {
                        i0 += 4
                        continue
                    }
                    // Padding rows come after real ones in a segment: the group's class is its first row's.
                    let ownClass = Int(columnClass[i0])
                    var base = Swift.max(bandStart, ownBlock)
                    while base < bandEnd {
                        let c = Int(columnClass[base])
                        // A block of padding only (its segment's real columns ended before it).
                        guard c >= 0 else {
                            base += lanes
                            continue
                        }
                        let (d0, d1, d2, d3) = squaredDistances(
                            points: points, depth: depth, columns: columns, block: base, rows: i0, i0 + 1, i0 + 2, i0 + 3)
                        // Excluded: padding, and in the own block every column up to the row.
                        let padding = load(valid + base) .== Vector.zero
                        var x0 = padding, x1 = padding, x2 = padding, x3 = padding
                        if base == ownBlock {
                            x0 = x0 .| (laneIndex .<= IntVector(repeating: Int32(i0 - base)))
                            x1 = x1 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 1 - base)))
                            x2 = x2 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 2 - base)))
                            x3 = x3 .| (laneIndex .<= IntVector(repeating: Int32(i0 + 3 - base)))
                        }
                        if sums, let columnSums, let ends {
                            let masked = base == ownBlock || base + lanes > ends[c]
                            let columnSum = columnSums + ownClass * columns + base
                            var total = load(columnSum)
                            func add(_ d: Vector, _ excluded: SIMDMask<IntVector>, row: Int) {
                                let root = FastMath.squareRoot(masked ? d.replacing(with: Vector.zero, where: excluded) : d)
                                let target = rowSums + (row * classes + c) * lanes
                                store(load(target) + root, target)
                                total += root
                            }
                            if live.0 { add(d0, x0, row: i0) }
                            if live.1 { add(d1, x1, row: i0 + 1) }
                            if live.2 { add(d2, x2, row: i0 + 2) }
                            if live.3 { add(d3, x3, row: i0 + 3) }
                            store(total, columnSum)
                        }
                        if search, let neighbourDistance, let neighbourClass, let neighbourColumn, let bound {
                            func offer(_ d: Vector, _ excluded: SIMDMask<IntVector>, row i: Int) {
                                let candidate = d.replacing(with: infinity, where: excluded)
                                // i as a neighbour of each later column j (rows come in ascending order).
                                let toColumns = candidate .< load(bound + base)
                                var bits = any(toColumns) ? laneBits(toColumns, laneWeight) : 0
                                while bits != 0 {
                                    let lane = bits.trailingZeroBitCount
                                    bits &= bits - 1
                                    insert(candidate[lane], Int32(ownClass), Int32(i), into: base + lane, k,
                                           neighbourDistance, neighbourClass, neighbourColumn, bound)
                                }
                                // Each later column j as a neighbour of i.
                                let toRow = candidate .< Vector(repeating: bound[i])
                                bits = any(toRow) ? laneBits(toRow, laneWeight) : 0
                                while bits != 0 {
                                    let lane = bits.trailingZeroBitCount
                                    bits &= bits - 1
                                    if candidate[lane] < bound[i] {
                                        insert(candidate[lane], columnClass[base + lane], Int32(base + lane), into: i, k,
                                               neighbourDistance, neighbourClass, neighbourColumn, bound)
                                    }
                                }
                            }
                            if live.0 { offer(d0, x0, row: i0) }
                            if live.1 { offer(d1, x1, row: i0 + 1) }
                            if live.2 { offer(d2, x2, row: i0 + 2) }
                            if live.3 { offer(d3, x3, row: i0 + 3) }
                        }
                        base += lanes
                    }
                    i0 += 4
                }
                bandStart = bandEnd
            }
            if sums, let classSums {
                for i in 0..<columns where valid[i] != 0 {
                    for c in 0..<classes {
                        classSums[i * classes + c] = horizontalSum(load(rowSums + (i * classes + c) * lanes))
                    }
                }
            }
        }
    }

    /// At this many coordinates and more, passes and neighbour searches take four rows at a
    /// time: each column block is loaded once for the four, which matters once a block's
    /// coordinates (`depth x 64` bytes) no longer stay in the first-level cache.
    public static let groupedDepth = 8

    /// The `k` nearest other columns of each column in `rows[0..<rowCount]` (real columns), as
    /// `pairwise` computes them: the same squared distances and the same tie rule, so a list is
    /// identical whichever way it was found. Other columns' lists are left as they are.
    ///
    /// A metric check that only has to learn whether the kNN accuracy reached its threshold asks
    /// for a few rows at a time and stops once enough are misclassified: a row costs O(N D), the
    /// whole symmetric pass O(N^2 D). `neighbourColumn` on input bounds the search as in
    /// `pairwise` (any earlier list of the row will do); `scratch` holds `batchRows x columns`
    /// floats.
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
        if depth >= groupedDepth {
            var real = 0
            for j in 0..<columns where valid[j] != 0 { real += 1 }
            if 2 * rowCount >= real {
                // Most rows: every row's list in one symmetric, cache-blocked sweep (each pair once)
                // costs less than scanning these rows against every column.
                startSearch(
                    points: points, depth: depth, columns: columns, valid: valid, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, bound: scratch)
                banded(
                    points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass,
                    ends: nil, classes: 0, classSums: nil, columnSums: nil, neighbours: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn, bound: scratch, laneIndex: laneIndex)
                return
            }
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k + lanes) { buffer in
            guard let smallest = buffer.baseAddress else { return }
            var r = 0
            while r < rowCount {
                if depth >= groupedDepth {
                    // Up to `batchRows` real rows at a time.
                    var taken = 0
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: batchRows) { batchBuffer in
                        guard let batch = batchBuffer.baseAddress else { return }
                        while r < rowCount && taken < batchRows {
                            let i = Int(rows[r])
                            r += 1
                            guard i >= 0, i < columns, valid[i] != 0 else { continue }
                            batch[taken] = i
                            taken += 1
                        }
                        guard taken > 0 else { return }
                        neighboursOfRowBatch(
                            batch, count: taken, points: points, depth: depth, columns: columns, valid: valid,
                            columnClass: columnClass, k: k, neighbourDistance: neighbourDistance,
                            neighbourClass: neighbourClass, neighbourColumn: neighbourColumn, stored: scratch,
                            smallest: smallest, laneIndex: laneIndex, laneWeight: laneWeight)
                    }
                } else {
                    let i = Int(rows[r])
                    r += 1
                    guard i >= 0, i < columns, valid[i] != 0 else { continue }
                    neighboursOfRow(
                        i, points: points, depth: depth, columns: columns, valid: valid, columnClass: columnClass, k: k,
                        neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                        neighbourColumn: neighbourColumn, row: scratch, smallest: smallest, laneIndex: laneIndex,
                        laneWeight: laneWeight)
                }
            }
        }
    }

    /// How many real columns of `start ..< start + count` (`start` a multiple of 16, the range
    /// within `columns`) other than `i` lie below the search's starting bound of row `i`
    /// (`previousBound`, from the row's previous list), their squared distances computed exactly
    /// as a search computes them; stops counting past `limit`; `Int.max` without a full previous
    /// list. A search admits only columns below that bound, so whichever way the row's list of
    /// `k` nearest neighbours is found, its members from that range are among these. Reads the
    /// lists and changes nothing: a metric check proves a point's vote this way (its own class
    /// cannot win, or no other class can) by counting instead of searching.
    public static func countWithinBound(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>, neighbours k: Int,
        row i: Int, start: Int, count: Int, limit: Int, neighbourDistance: UnsafePointer<Float>,
        neighbourColumn: UnsafePointer<Int32>
    ) -> Int {
        guard k > 0, i >= 0, i < columns, start >= 0, count >= 0, start + count <= columns, start % lanes == 0 else {
            return .max
        }
        let bound = previousBoundValue(
            i, points: points, depth: depth, columns: columns, valid: valid, k: k,
            neighbourDistance: neighbourDistance, neighbourColumn: neighbourColumn).bound
        guard bound < .infinity else { return .max }
        var laneIndex = IntVector.zero, laneWeight = IntVector.zero
        for lane in 0..<lanes {
            laneIndex[lane] = Int32(lane)
            laneWeight[lane] = Int32(1) << Int32(lane)
        }
        let own = i / lanes * lanes
        let boundVector = Vector(repeating: bound)
        var found = 0
        var base = start
        let end = start + count
        while base < end {
            var d2 = Vector.zero
            for m in 0..<depth {
                let p = points + m * columns
                let diff = load(p + base) - Vector(repeating: p[i])
                multiplyAdd(&d2, diff, diff)
            }
            var admitted = d2 .< boundVector
            if any(admitted) {
                // Padding, `i` itself and (in the last block) columns past the range do not count.
                var excluded = load(valid + base) .== Vector.zero
                if base == own { excluded = excluded .| (laneIndex .== IntVector(repeating: Int32(i - base))) }
                if end - base < lanes { excluded = excluded .| (laneIndex .>= IntVector(repeating: Int32(end - base))) }
                admitted = admitted .& .!excluded
                found += laneBits(admitted, laneWeight).nonzeroBitCount
                if found > limit { return found }
            }
            base += lanes
        }
        return found
    }

    /// `previousBound`'s value without touching the lists.
    @inline(__always)
    private static func previousBoundValue(
        _ i: Int, points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>, k: Int,
        neighbourDistance: UnsafePointer<Float>, neighbourColumn: UnsafePointer<Int32>
    ) -> (bound: Float, stale: Bool) {
        let margin = 1 + Double(depth + 4) * 2.4e-7
        let best = neighbourDistance + i * k
        let bestColumn = neighbourColumn + i * k
        let previousKth = Double(best[k - 1])
        var previous = 0.0
        for b in 0..<k {
            let j = Int(bestColumn[b])
            guard j >= 0, j != i, j < columns, valid[j] != 0 else { return (.infinity, true) }
            var s = 0.0
            for m in 0..<depth {
                let x = Double(points[m * columns + j]) - Double(points[m * columns + i])
                s += x * x
            }
            previous = Swift.max(previous, s)
        }
        // Squared distances, so twice as far is four times.
        return (Float(previous * margin).nextUp, !(previous <= 4 * previousKth))
    }

    /// The farthest of row `i`'s previous k neighbours (squared, recomputed in double, with a
    /// margin above float rounding: an upper bound of its k-th nearest squared distance), or
    /// +inf without a full previous list; and whether that list went stale (its farthest now more
    /// than twice as far as it was). Clears the row's lists for the new search.
    @inline(__always)
    private static func previousBound(
        _ i: Int, points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>, k: Int,
        neighbourDistance: UnsafeMutablePointer<Float>, neighbourClass: UnsafeMutablePointer<Int32>,
        neighbourColumn: UnsafeMutablePointer<Int32>
    ) -> (bound: Float, stale: Bool) {
        let value = previousBoundValue(
            i, points: points, depth: depth, columns: columns, valid: valid, k: k,
            neighbourDistance: neighbourDistance, neighbourColumn: neighbourColumn)
        let best = neighbourDistance + i * k
        for b in 0..<k {
            best[b] = .infinity
            neighbourClass[i * k + b] = -1
        }
        return value
    }

    /// The k-th smallest of `minima`'s lanes, just above (an upper bound of the k-th nearest
    /// squared distance when the lanes are minima over distinct columns).
    @inline(__always)
    private static func kthSmallest(_ minimum: Vector, k: Int, smallest: UnsafeMutablePointer<Float>) -> Float {
        let minima = smallest + k
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
        return smallest[k - 1].nextUp
    }

    /// Inserts, in ascending column order, every stored squared distance of row `i` (`stored`,
    /// +inf where excluded) below `bound` into its lists, tightening the bound as the list fills.
    @inline(__always)
    private static func admitStored(
        _ i: Int, stored: UnsafePointer<Float>, bound initial: Float, columns: Int, columnClass: UnsafePointer<Int32>,
        k: Int, neighbourDistance: UnsafeMutablePointer<Float>, neighbourClass: UnsafeMutablePointer<Int32>,
        neighbourColumn: UnsafeMutablePointer<Int32>, laneWeight: IntVector
    ) {
        let best = neighbourDistance + i * k
        let bestClass = neighbourClass + i * k
        let bestColumn = neighbourColumn + i * k
        var bound = initial
        var filled = 0
        var base = 0
        while base < columns {
            let admitted = load(stored + base) .< Vector(repeating: bound)
            guard any(admitted) else {
                base += lanes
                continue
            }
            var bits = laneBits(admitted, laneWeight)
            while bits != 0 {
                let lane = bits.trailingZeroBitCount
                bits &= bits - 1
                let distance = stored[base + lane]
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

    /// Column `i`'s `k` nearest other columns into its lists, which hold the previous list on
    /// entry (columns -1 where none). The scan admits only columns within an upper bound of the
    /// k-th nearest squared distance, in ascending order (ties stay with the earlier column), so it
    /// builds the same list a scan of every column gives, with a handful of insertions instead of
    /// dozens. The bound is the farthest of the row's previous k neighbours (`previousBound`).
    /// When there is none, or it went stale, a first pass stores the row's squared distances in
    /// `row` (`columns` floats) and the bound also takes the k-th smallest of their lane-wise
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
        let own = i / lanes * lanes
        var (bound, stale) = previousBound(
            i, points: points, depth: depth, columns: columns, valid: valid, k: k,
            neighbourDistance: neighbourDistance, neighbourClass: neighbourClass, neighbourColumn: neighbourColumn)
        if stale {
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
            bound = Swift.min(bound, kthSmallest(minimum, k: k, smallest: smallest))
            admitStored(
                i, stored: row, bound: bound, columns: columns, columnClass: columnClass, k: k,
                neighbourDistance: neighbourDistance, neighbourClass: neighbourClass, neighbourColumn: neighbourColumn,
                laneWeight: laneWeight)
            return
        }
        let best = neighbourDistance + i * k
        let bestClass = neighbourClass + i * k
        let bestColumn = neighbourColumn + i * k
        var filled = 0
        var base = 0
        while base < columns {
            var d2 = Vector.zero
            for m in 0..<depth {
                let p = points + m * columns
                let diff = load(p + base) - Vector(repeating: p[i])
                multiplyAdd(&d2, diff, diff)
            }
            var admitted = d2 .< Vector(repeating: bound)
            guard any(admitted) else {
                base += lanes
                continue
            }
            var excluded = load(valid + base) .== Vector.zero
            if base == own { excluded = excluded .| (laneIndex .== IntVector(repeating: Int32(i - base))) }
            d2.replace(with: infinity, where: excluded)
            admitted = admitted .& .!excluded
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

    /// Rows per batch of a neighbour search at `groupedDepth` and above (its scratch holds this
    /// many rows of `columns` floats).
    public static let batchRows = 32

    /// Columns per band of a cache-blocked sweep: their coordinates fit in about 256 KB.
    @inline(__always)
    static func bandColumns(depth: Int, columns: Int) -> Int {
        Swift.max(lanes, Swift.min(columns, 65_536 / Swift.max(depth, 1) / lanes * lanes))
    }

    /// `neighboursOfRow` for a batch of rows (`rows[0..<count]`, at most `batchRows`), always
    /// through stored distances (`stored`: `batchRows x columns` floats), cache-blocked: the
    /// columns go in bands that meet every row of the batch, four rows at a time, so each band's
    /// coordinates come from memory once per batch.
    private static func neighboursOfRowBatch(
        _ rows: UnsafePointer<Int>, count: Int, points: UnsafePointer<Float>, depth: Int, columns: Int,
        valid: UnsafePointer<Float>, columnClass: UnsafePointer<Int32>, k: Int,
        neighbourDistance: UnsafeMutablePointer<Float>, neighbourClass: UnsafeMutablePointer<Int32>,
        neighbourColumn: UnsafeMutablePointer<Int32>, stored: UnsafeMutablePointer<Float>,
        smallest: UnsafeMutablePointer<Float>, laneIndex: IntVector, laneWeight: IntVector
    ) {
        let infinity = Vector(repeating: .infinity)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: batchRows * (lanes + 1)) { buffer in
            guard let bounds = buffer.baseAddress else { return }
            let minima = bounds + batchRows
            for r in 0..<count {
                bounds[r] = previousBound(
                    rows[r], points: points, depth: depth, columns: columns, valid: valid, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn).bound
                store(infinity, minima + r * lanes)
            }
            let band = bandColumns(depth: depth, columns: columns)
            var bandStart = 0
            while bandStart < columns {
                let bandEnd = Swift.min(columns, bandStart + band)
                var g = 0
                while g < count {
                    // Missing rows compute the group's first row again; nothing reads them.
                    let i0 = rows[g], i1 = g + 1 < count ? rows[g + 1] : i0
                    let i2 = g + 2 < count ? rows[g + 2] : i0, i3 = g + 3 < count ? rows[g + 3] : i0
                    let s0 = stored + g * columns, s1 = s0 + columns, s2 = s1 + columns, s3 = s2 + columns
                    var m0 = load(minima + g * lanes), m1 = load(minima + (g + 1) * lanes)
                    var m2 = load(minima + (g + 2) * lanes), m3 = load(minima + (g + 3) * lanes)
                    var base = bandStart
                    while base < bandEnd {
                        var (d0, d1, d2, d3) = squaredDistances(
                            points: points, depth: depth, columns: columns, block: base, rows: i0, i1, i2, i3)
                        let padding = load(valid + base) .== Vector.zero
                        func excluded(_ i: Int) -> SIMDMask<IntVector> {
                            i / lanes * lanes == base ? padding .| (laneIndex .== IntVector(repeating: Int32(i - base))) : padding
                        }
                        d0.replace(with: infinity, where: excluded(i0))
                        d1.replace(with: infinity, where: excluded(i1))
                        d2.replace(with: infinity, where: excluded(i2))
                        d3.replace(with: infinity, where: excluded(i3))
                        store(d0, s0 + base); store(d1, s1 + base); store(d2, s2 + base); store(d3, s3 + base)
                        m0 = FastMath.minimum(m0, d0); m1 = FastMath.minimum(m1, d1)
                        m2 = FastMath.minimum(m2, d2); m3 = FastMath.minimum(m3, d3)
                        base += lanes
                    }
                    store(m0, minima + g * lanes); store(m1, minima + (g + 1) * lanes)
                    store(m2, minima + (g + 2) * lanes); store(m3, minima + (g + 3) * lanes)
                    g += 4
                }
                bandStart = bandEnd
            }
            for r in 0..<count {
                let bound = Swift.min(bounds[r], kthSmallest(load(minima + r * lanes), k: k, smallest: smallest))
                admitStored(
                    rows[r], stored: stored + r * columns, bound: bound, columns: columns, columnClass: columnClass, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass, neighbourColumn: neighbourColumn,
                    laneWeight: laneWeight)
            }
        }
    }

    /// Before a sweep that rebuilds every list: each real column's bound from its previous list
    /// (as `previousBound`; +inf without one), 0 for padding, and every list cleared.
    private static func startSearch(
        points: UnsafePointer<Float>, depth: Int, columns: Int, valid: UnsafePointer<Float>, k: Int,
        neighbourDistance: UnsafeMutablePointer<Float>, neighbourClass: UnsafeMutablePointer<Int32>,
        neighbourColumn: UnsafeMutablePointer<Int32>, bound: UnsafeMutablePointer<Float>
    ) {
        for i in 0..<columns {
            if valid[i] != 0 {
                bound[i] = previousBound(
                    i, points: points, depth: depth, columns: columns, valid: valid, k: k,
                    neighbourDistance: neighbourDistance, neighbourClass: neighbourClass,
                    neighbourColumn: neighbourColumn).bound
            } else {
                bound[i] = 0
            }
            for b in 0..<k {
                neighbourDistance[i * k + b] = .infinity
                neighbourClass[i * k + b] = -1
                neighbourColumn[i * k + b] = -1
            }
        }
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
