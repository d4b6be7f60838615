/// Computes the four clustering metrics of labelled points: `lda_silhouette`, `knn_accuracy`
/// (k = 5, leave-one-out), `silhouette` and `fisher_ratio`.
///
/// The O(N^2 D) work (every pairwise distance, for the silhouettes and the nearest neighbours) is
/// one blocked, vectorised pass per space in the kernel family's `DistanceKernels.pairwise`, which
/// computes each pair once. The labels never change during a run, so the evaluator sorts the
/// points by class once: each class occupies its own segment, padded to whole 16-float blocks, and
/// a point's summed distance to a class is a plain sum over that segment.
///
/// A check that only has to learn whether a metric reached its threshold (`thresholds` in
/// `evaluate`) is bounded instead where that is exact: each silhouette is first bounded from its
/// last exact pass (`SilhouetteBound`), and the pass runs only when the bound does not prove it
/// below the threshold; the kNN accuracy takes its rows a few at a time, the points misclassified
/// last time first, and stops once too many are misclassified for the threshold to be reached.
/// Whatever it does compute is computed exactly as a full check would, so the first check at which
/// a metric reaches its threshold is the same either way (`MetricSkippingTests`).
///
/// Conventions (as scikit-learn): a point alone in its class has silhouette 0; classes with no
/// points are ignored; fewer than two non-empty classes give silhouette 0. kNN ties in the vote go
/// to the class whose member is nearest; equal distances go to the earlier point.
final class ClusterEvaluator {
    static let neighbours = 5

    let count: Int
    let dimension: Int
    let classes: Int
    /// Columns of the class-sorted layout (each class segment padded to a multiple of 16).
    let columns: Int
    let kernels: KernelTable
    /// Each point's class.
    private let labelBuffer: UnsafeMutablePointer<Int32>
    private let classCount: [Int]
    /// Classes with at least one point.
    private let nonEmpty: Int
    /// `original[column]` = the point at that sorted column, -1 for padding.
    private let original: UnsafeMutablePointer<Int>
    private let segmentStart: UnsafeMutablePointer<Int>
    /// 1 for real columns, 0 for padding.
    private let valid: UnsafeMutablePointer<Float>
    private let columnClass: UnsafeMutablePointer<Int32>
    /// `D x columns`: the points in class-sorted columns.
    private let sorted: UnsafeMutablePointer<Float>
    private let rows: UnsafeMutablePointer<Float>
    /// `(classes - 1) x columns`: the points projected on the Fisher directions.
    private let projection: UnsafeMutablePointer<Float>
    /// `columns x classes`: summed distance from each column to each class.
    private let classSums: UnsafeMutablePointer<Float>
    /// Scratch of the distance kernels: `classes x columns`, then `neighbourBatchRows x columns`.
    private let columnSums: UnsafeMutablePointer<Float>
    private let threshold: UnsafeMutablePointer<Float>
    /// `columns x neighbours`: each column's nearest squared distances and their classes.
    private let neighbourDistance: UnsafeMutablePointer<Float>
    private let neighbourClass: UnsafeMutablePointer<Int32>
    /// `columns x neighbours`: each column's neighbours at the last check, which bound the search
    /// at the next (-1 before the first).
    private let neighbourColumn: UnsafeMutablePointer<Int32>
    /// The Fisher directions' workspace; also the class means of the fisher ratio.
    private let fisher: FisherDirectionSolver
    /// Bounds of the full-space and the LDA silhouette from their last exact passes.
    private let fullBound: SilhouetteBound
    private let ldaBound: SilhouetteBound
    /// Scratch: the order in which a bounded kNN check visits the columns, and the rows of a
    /// batch that need a search.
    private let knnOrder: UnsafeMutablePointer<Int32>
    private let knnSearch: UnsafeMutablePointer<Int32>
    /// Whether the last bounded kNN check searched more than a quarter of the rows (then the
    /// next one rides along a silhouette pass if there is one).
    private var knnNearThreshold = false
    /// Each column's rank in the next bounded kNN search, from its neighbours' vote when last
    /// computed: its own class's votes if the vote went to another class (0 = the surest
    /// misclassification, searched first), `neighbours + 1` + its votes if it went to its own;
    /// 0 before the first search.
    private let knnRank: UnsafeMutablePointer<UInt8>
    /// Columns per rank (`2 * neighbours + 2` counters): scratch of the ordering.
    private let knnRankStart: UnsafeMutablePointer<Int>
    /// The last kNN threshold and the most misclassified points with which the accuracy still
    /// reaches it (the same for every check of a run, so found once).
    private var knnAllowed: (target: Double, allowed: Int)?
    /// What the checks so far computed and what they proved without computing.
    private(set) var work = CheckWork()
    /// The silhouettes' upper bounds at the last check that computed them (tests compare them
    /// with the exact values; a threshold of -infinity bounds and computes).
    private(set) var lastBounds: [ClusterMetric: Double] = [:]

    init(count: Int, dimension: Int, classes: Int, labels: [Int32], kernels family: KernelFamily = .detected) {
        self.count = count
        self.dimension = dimension
        self.classes = classes
        labelBuffer = .allocate(capacity: max(count, 1))
        for (i, label) in labels.prefix(count).enumerated() { labelBuffer[i] = label }
        kernels = KernelTable.table(for: family)
        var classCount = [Int](repeating: 0, count: classes)
        for label in labels { classCount[Int(label)] += 1 }
        var starts: [Int] = []
        var columns = 0
        for c in 0..<classes {
            starts.append(columns)
            columns += (classCount[c] + 15) / 16 * 16
        }
        var original = [Int](repeating: -1, count: columns)
        var fill = starts
        for (i, label) in labels.enumerated() {
            original[fill[Int(label)]] = i
            fill[Int(label)] += 1
        }
        self.classCount = classCount
        nonEmpty = classCount.filter { $0 > 0 }.count
        self.columns = columns
        self.original = .allocate(capacity: max(columns, 1))
        for j in 0..<columns { self.original[j] = original[j] }
        segmentStart = .allocate(capacity: max(classes, 1))
        for c in 0..<classes { segmentStart[c] = starts[c] }
        valid = Self.aligned(columns)
        columnClass = .allocate(capacity: columns)
        for j in 0..<columns {
            valid[j] = original[j] >= 0 ? 1 : 0
            columnClass[j] = original[j] >= 0 ? labels[original[j]] : -1
        }
        sorted = Self.aligned(dimension * columns)
        sorted.initialize(repeating: 0, count: dimension * columns)
        rows = .allocate(capacity: count * dimension)
        projection = Self.aligned(max(classes - 1, 1) * columns)
        projection.initialize(repeating: 0, count: max(classes - 1, 1) * columns)
        classSums = .allocate(capacity: max(columns * classes, 1))
        // Padding columns keep these zeros (a pass writes only real columns).
        classSums.initialize(repeating: 0, count: max(columns * classes, 1))
        columnSums = Self.aligned(classes * columns)
        threshold = Self.aligned(kernels.neighbourBatchRows * columns)
        neighbourDistance = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourClass = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourColumn = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourColumn.initialize(repeating: -1, count: max(columns * Self.neighbours, 1))
        neighbourDistance.initialize(repeating: .infinity, count: max(columns * Self.neighbours, 1))
        neighbourClass.initialize(repeating: -1, count: max(columns * Self.neighbours, 1))
        fisher = FisherDirectionSolver(dimension: dimension, classes: classes, kernels: kernels)
        fullBound = SilhouetteBound(columns: columns, classes: classes, maxDepth: dimension, kernels: kernels)
        ldaBound = SilhouetteBound(columns: columns, classes: classes, maxDepth: max(classes - 1, 1), kernels: kernels)
        knnOrder = .allocate(capacity: max(columns, 1))
        knnSearch = .allocate(capacity: max(columns, 1))
        knnRank = .allocate(capacity: max(columns, 1))
        knnRank.initialize(repeating: 0, count: max(columns, 1))
        knnRankStart = .allocate(capacity: Self.rankCount + 1)
    }

    private static func aligned(_ count: Int) -> UnsafeMutablePointer<Float> {
        HugePageAllocation.floats(count)
    }

    deinit {
        segmentStart.deallocate()
        valid.deallocate()
        columnClass.deallocate()
        sorted.deallocate()
        rows.deallocate()
        classSums.deallocate()
        columnSums.deallocate()
        threshold.deallocate()
        neighbourDistance.deallocate()
        neighbourClass.deallocate()
        neighbourColumn.deallocate()
        knnOrder.deallocate()
        knnSearch.deallocate()
        labelBuffer.deallocate()
        original.deallocate()
        projection.deallocate()
        knnRank.deallocate()
        knnRankStart.deallocate()
    }

    /// The metrics of feature-major points (`dimension x stride`, point `i` in column `i`); `loss`
    /// is passed through into the result. Metrics outside `metrics` are not computed (NaN): a run
    /// that no longer needs a metric's value skips its cost, and the others are computed exactly as
    /// they would be otherwise. A metric with an entry in `thresholds` may also come back NaN
    /// when the check proved it below that threshold without computing it; when it comes back as
    /// a number, that is the value a check without thresholds gives.
    func evaluate(
        points: UnsafePointer<Float>, stride: Int, loss: Double, metrics: Set<ClusterMetric> = Set(ClusterMetric.allCases),
        thresholds: [ClusterMetric: Double] = [:]
    ) -> MetricValues {
        for k in 0..<dimension {
            let source = points + k * stride, target = sorted + k * columns
            for j in 0..<columns {
                let i = original[j]
                target[j] = i >= 0 ? source[i] : 0
            }
        }
        // Row-major copy, walking pointers (index products with overflow checks cost more than
        // the copy at D = 2).
        var target = rows
        for i in 0..<count {
            var source = points + i
            for _ in 0..<dimension {
                target.pointee = source.pointee
                target += 1
                source += stride
            }
        }
        let needsKNN = metrics.contains(.knnAccuracy)
        var silhouette = Double.nan, knnAccuracy = Double.nan
        var knnDone = false
        if metrics.contains(.silhouette) {
            let bound = thresholds[.silhouette].map { threshold in
                (threshold, fullBound.upperBound(
                    points: sorted, depth: dimension, segmentStart: segmentStart, classCount: classCount, nonEmpty: nonEmpty,
                    count: count))
            }
            if let (_, value) = bound { lastBounds[.silhouette] = value }
            if let (threshold, value) = bound, Self.provesBelow(value, threshold) {
                work.silhouetteBounded += 1
            } else {
                // The neighbour search rides along a pass that runs anyway, unless it is bounded
                // and far from its threshold (its early stop then needs only a few dozen rows).
                let fuse = needsKNN && (thresholds[.knnAccuracy] == nil || knnNearThreshold)
                let full = distancePass(points: sorted, depth: dimension, nearestNeighbours: fuse)
                fullBound.record(points: sorted, depth: dimension, classSums: classSums)
                work.silhouettePasses += 1
                silhouette = full.silhouette
                if fuse {
                    knnAccuracy = full.knnAccuracy
                    knnDone = true
                }
            }
        }
        if needsKNN && !knnDone {
            knnAccuracy = nearestNeighbourAccuracy(depth: dimension, threshold: thresholds[.knnAccuracy])
        }
        let needsMeans = metrics.contains(.fisherRatio) || metrics.contains(.ldaSilhouette)
        if needsMeans { fisher.means(rows: rows, count: count, labels: labelBuffer) }
        let fisherValue = metrics.contains(.fisherRatio) ? fisherRatio() : .nan
        let lda = metrics.contains(.ldaSilhouette) ? ldaSilhouette(threshold: thresholds[.ldaSilhouette]) : .nan
        return MetricValues(
            loss: loss, ldaSilhouette: lda, knnAccuracy: knnAccuracy, silhouette: silhouette, fisherRatio: fisherValue)
    }

    /// Whether an upper bound proves a value below `threshold`, with room for the rounding of the
    /// double-precision mean that a pass would compute.
    private static func provesBelow(_ bound: Double, _ threshold: Double) -> Bool {
        bound < threshold - 1e-9
    }

    /// The silhouette after projecting onto the Fisher directions (into `projection`), or NaN
    /// when its bound proves it below `threshold`. `fisher` holds this check's means.
    private func ldaSilhouette(threshold: Double?) -> Double {
        fisher.solve(rows: rows, count: count, labels: labelBuffer, meansReady: true)
        let directions = fisher.directionCount
        guard directions > 0 else {
            ldaBound.reset()
            return 0
        }
        kernels.project(sorted, dimension, columns, valid, fisher.mean, fisher.directions, directions, projection)
        if let threshold {
            let bound = ldaBound.upperBound(
                points: projection, depth: directions, segmentStart: segmentStart, classCount: classCount,
                nonEmpty: nonEmpty, count: count)
            lastBounds[.ldaSilhouette] = bound
            if Self.provesBelow(bound, threshold) {
                work.ldaBounded += 1
                return .nan
            }
        }
        let value = distancePass(points: projection, depth: directions, nearestNeighbours: false).silhouette
        ldaBound.record(points: projection, depth: directions, classSums: classSums)
        work.ldaPasses += 1
        return value
    }

    /// The leave-one-out kNN accuracy of the first `depth` rows of `sorted`, searched row by row;
    /// with a threshold (`target`), NaN as soon as so many points are misclassified that it cannot
    /// be reached. The points misclassified when last searched go first, those whose own class
    /// had the fewest votes (the likeliest to be misclassified still) ahead of the others, then
    /// the correctly classified ones, fewest own votes first; each batch is just as many rows as
    /// could still prove it, so a check far from the threshold stops after a few dozen rows. The
    /// order decides only how soon a search stops: the value, or NaN, is the same in any order.
    private func nearestNeighbourAccuracy(depth: Int, threshold target: Double?) -> Double {
        let k = min(Self.neighbours, count - 1)
        guard k > 0 else { return 0 }
        // The most misclassified points with which the accuracy can still reach the target.
        var allowed = count
        if let target {
            if let known = knnAllowed, known.target == target {
                allowed = known.allowed
            } else {
                while allowed >= 0 && Double(count - allowed) / Double(count) < target { allowed -= 1 }
                knnAllowed = (target, allowed)
            }
        }
        // Columns by rank, each rank in column order (a counting sort).
        knnRankStart.update(repeating: 0, count: Self.rankCount + 1)
        for j in 0..<columns where original[j] >= 0 { knnRankStart[Int(knnRank[j]) + 1] += 1 }
        for rank in 0..<Self.rankCount { knnRankStart[rank + 1] += knnRankStart[rank] }
        for j in 0..<columns where original[j] >= 0 {
            let rank = Int(knnRank[j])
            knnOrder[knnRankStart[rank]] = Int32(j)
            knnRankStart[rank] += 1
        }
        let n = knnRankStart[Self.rankCount - 1]
        var wrong = 0
        var start = 0
        while start < n {
            let rowCount = target == nil ? n - start : min(max(allowed + 1 - wrong, 1), n - start)
            // With a threshold, a row whose vote is settled by counting (`provenVote`) needs no
            // search; the others are searched.
            var searched = 0
            for r in start..<(start + rowCount) {
                let j = Int(knnOrder[r])
                if target != nil, let vote = provenVote(column: j, depth: depth, k: k) {
                    knnRank[j] = Self.rank(vote)
                    if !vote.correct { wrong += 1 }
                    work.knnRowsProven += 1
                } else {
                    knnSearch[searched] = Int32(j)
                    searched += 1
                }
            }
            kernels.neighbourRows(
                sorted, depth, columns, valid, columnClass, k, knnSearch, searched, neighbourDistance,
                neighbourClass, neighbourColumn, threshold)
            for r in 0..<searched {
                let j = Int(knnSearch[r])
                let vote = votesForOwnClass(column: j, k: k)
                knnRank[j] = Self.rank(vote)
                if !vote.correct { wrong += 1 }
            }
            start += rowCount
            work.knnRows += searched
            if target != nil, wrong > allowed, start < n {
                work.knnStoppedEarly += 1
                knnNearThreshold = 4 * start > n
                return .nan
            }
        }
        knnNearThreshold = true
        return Double(count - wrong) / Double(count)
    }

    /// Column `j`'s vote when counting settles it, else nil. Of its `k` nearest neighbours, those
    /// from any range of columns are among the range's columns below its search bound
    /// (`DistanceKernels.countWithinBound`). Misclassified last time with at most one own vote:
    /// if at most `c` of its own class are below the bound, the other classes hold at least
    /// `k - c` votes among at most `classes - 1` classes, so one of them at least
    /// `ceil((k - c) / (classes - 1))`; more than `c` beats its own class outright (only a strict
    /// majority counts: a tie could go to its own class). Correct last time with at least four
    /// own votes: if at most `(k - 1) / 2` columns of other classes are below the bound, its
    /// own class has a strict majority. The returned own votes are a bound (they only order the
    /// next check's rows).
    private func provenVote(column j: Int, depth: Int, k: Int) -> (correct: Bool, ownVotes: Int)? {
        let rank = Int(knnRank[j])
        let own = Int(columnClass[j])
        let ownStart = segmentStart[own], ownEnd = ownStart + (classCount[own] + 15) / 16 * 16
        func count(_ start: Int, _ end: Int, limit: Int) -> Int {
            end > start
                ? kernels.countWithinBound(
                    sorted, depth, columns, valid, k, j, start, end - start, limit, neighbourDistance, neighbourColumn)
                : 0
        }
        if rank <= 1 && classes > 1 {
            // The most own-class columns below the bound with which another class still wins.
            var limit = -1
            while limit + 1 < k, (k - (limit + 1) + classes - 2) / (classes - 1) > limit + 1 { limit += 1 }
            guard limit >= 0 else { return nil }
            let found = count(ownStart, ownStart + classCount[own], limit: limit)
            return found <= limit ? (false, found) : nil
        }
        if rank >= Self.neighbours + 1 + 4 {
            let limit = (k - 1) / 2
            let before = count(0, ownStart, limit: limit)
            guard before <= limit else { return nil }
            let others = before + count(ownEnd, columns, limit: limit - before)
            return others <= limit ? (true, k - others) : nil
        }
        return nil
    }

    /// Ranks of `knnRank`: 0...neighbours for misclassified columns, then as many again.
    private static let rankCount = 2 * neighbours + 2

    /// A column's `knnRank` from its vote.
    @inline(__always) private static func rank(_ vote: (correct: Bool, ownVotes: Int)) -> UInt8 {
        UInt8(truncatingIfNeeded: vote.correct ? neighbours + 1 + vote.ownVotes : vote.ownVotes)
    }

    /// Whether column `j`'s `k` nearest neighbours vote for its own class (a tied vote goes to the
    /// class whose member is nearest), and how many of them are of its own class.
    @inline(__always) private func votesForOwnClass(column j: Int, k: Int) -> (correct: Bool, ownVotes: Int) {
        var winner = -1, winnerVotes = 0
        let own = Int(columnClass[j])
        var ownVotes = 0
        withUnsafeTemporaryAllocation(of: Int.self, capacity: max(classes, 1)) { votes in
            votes.initialize(repeating: 0)
            for b in 0..<k where neighbourClass[j * k + b] >= 0 {
                let c = Int(neighbourClass[j * k + b])
                votes[c] += 1
                if votes[c] > winnerVotes { winner = c; winnerVotes = votes[c] }
            }
            ownVotes = votes[own]
        }
        return (winner == own, ownVotes)
    }

    /// trace(S_between) / trace(S_within), from the means in `fisher`.
    private func fisherRatio() -> Double {
        let mean = fisher.mean, classMeans = fisher.classMeans
        var between = 0.0
        for c in 0..<classes where classCount[c] > 0 {
            for k in 0..<dimension {
                let diff = classMeans[c * dimension + k] - mean[k]
                between += Double(classCount[c]) * diff * diff
            }
        }
        var within = 0.0
        for i in 0..<count {
            let c = Int(labelBuffer[i])
            let row = rows + i * dimension, classMean = classMeans + c * dimension
            for k in 0..<dimension {
                let diff = Double(row[k]) - classMean[k]
                within += diff * diff
            }
        }
        return between / within
    }

    /// Mean silhouette (labels as clusters) of the first `depth` rows of `points` (class-sorted,
    /// `sorted` or `projection`), and optionally the leave-one-out k-nearest-neighbour accuracy.
    private func distancePass(
        points: UnsafePointer<Float>, depth: Int, nearestNeighbours: Bool
    ) -> (silhouette: Double, knnAccuracy: Double) {
        let k = nearestNeighbours ? min(Self.neighbours, count - 1) : 0
        kernels.pairwise(
            points, depth, columns, valid, columnClass, segmentStart, classes, classSums, columnSums,
            max(k, 0), neighbourDistance, neighbourClass, neighbourColumn, threshold)
        var silhouetteSum = 0.0
        var correct = 0
        for j in 0..<columns where original[j] >= 0 {
            let ownClass = Int(columnClass[j])
            silhouetteSum += silhouette(column: j, ownClass: ownClass, nonEmpty: nonEmpty)
            if k > 0 {
                let vote = votesForOwnClass(column: j, k: k)
                knnRank[j] = Self.rank(vote)
                if vote.correct { correct += 1 }
            }
        }
        if k > 0 { work.knnRows += count }
        return (silhouetteSum / Double(count), k > 0 ? Double(correct) / Double(count) : 0)
    }

    /// The silhouette of one point from its summed distances to each class.
    @inline(__always) private func silhouette(column j: Int, ownClass: Int, nonEmpty: Int) -> Double {
        guard classCount[ownClass] > 1, nonEmpty > 1 else { return 0 }
        let sums = classSums + j * classes
        let a = Double(sums[ownClass]) / Double(classCount[ownClass] - 1)
        var b = Double.infinity
        for c in 0..<classes where c != ownClass && classCount[c] > 0 {
            b = min(b, Double(sums[c]) / Double(classCount[c]))
        }
        let denominator = max(a, b)
        return denominator > 0 ? (b - a) / denominator : 0
    }
}
