/// Computes the four clustering metrics of labelled points: `lda_silhouette`, `knn_accuracy`
/// (k = 5, leave-one-out), `silhouette` and `fisher_ratio`.
///
/// The O(N^2 D) work (every pairwise distance, for the silhouettes and the nearest neighbours) is
/// one blocked, vectorised pass per space in the kernel family's `DistanceKernels.pairwise`, which
/// computes each pair once. The labels never change during a run, so the evaluator sorts the
/// points by class once: each class occupies its own segment, padded to whole 16-float blocks, and
/// a point's summed distance to a class is a plain sum over that segment.
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
    private let labels: [Int32]
    private let classCount: [Int]
    /// `original[column]` = the point at that sorted column, -1 for padding.
    private let original: [Int]
    private let segmentStart: UnsafeMutablePointer<Int>
    /// 1 for real columns, 0 for padding.
    private let valid: UnsafeMutablePointer<Float>
    private let columnClass: UnsafeMutablePointer<Int32>
    /// `max(D, classes - 1) x columns`.
    private let sorted: UnsafeMutablePointer<Float>
    private let rows: UnsafeMutablePointer<Float>
    /// `columns x classes`: summed distance from each column to each class.
    private let classSums: UnsafeMutablePointer<Float>
    /// Scratch of the pairwise kernel: `classes x columns`, then `columns`.
    private let columnSums: UnsafeMutablePointer<Float>
    private let threshold: UnsafeMutablePointer<Float>
    /// `columns x neighbours`: each column's nearest squared distances and their classes.
    private let neighbourDistance: UnsafeMutablePointer<Float>
    private let neighbourClass: UnsafeMutablePointer<Int32>
    /// `columns x neighbours`: each column's neighbours at the last check, which bound the search
    /// at the next (-1 before the first).
    private let neighbourColumn: UnsafeMutablePointer<Int32>
    private var projected: [Double]

    init(count: Int, dimension: Int, classes: Int, labels: [Int32], kernels family: KernelFamily = .detected) {
        self.count = count
        self.dimension = dimension
        self.classes = classes
        self.labels = labels
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
        self.columns = columns
        self.original = original
        segmentStart = .allocate(capacity: max(classes, 1))
        for c in 0..<classes { segmentStart[c] = starts[c] }
        valid = Self.aligned(columns)
        columnClass = .allocate(capacity: columns)
        for j in 0..<columns {
            valid[j] = original[j] >= 0 ? 1 : 0
            columnClass[j] = original[j] >= 0 ? labels[original[j]] : -1
        }
        let depth = max(dimension, classes - 1)
        sorted = Self.aligned(depth * columns)
        sorted.initialize(repeating: 0, count: depth * columns)
        rows = .allocate(capacity: count * dimension)
        classSums = .allocate(capacity: max(columns * classes, 1))
        columnSums = Self.aligned(classes * columns)
        threshold = Self.aligned(columns)
        neighbourDistance = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourClass = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourColumn = .allocate(capacity: max(columns * Self.neighbours, 1))
        neighbourColumn.initialize(repeating: -1, count: max(columns * Self.neighbours, 1))
        projected = [Double](repeating: 0, count: max(classes - 1, 1))
    }

    private static func aligned(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(count, 16) * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(count, 16))
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
    }

    /// The metrics of feature-major points (`dimension x stride`, point `i` in column `i`); `loss`
    /// is passed through into the result. Metrics outside `metrics` are not computed (NaN): a run
    /// that no longer needs a metric's value skips its cost, and the others are computed exactly as
    /// they would be otherwise.
    func evaluate(
        points: UnsafePointer<Float>, stride: Int, loss: Double, metrics: Set<ClusterMetric> = Set(ClusterMetric.allCases)
    ) -> MetricValues {
        for j in 0..<columns {
            let i = original[j]
            for k in 0..<dimension { sorted[k * columns + j] = i >= 0 ? points[k * stride + i] : 0 }
        }
        for i in 0..<count {
            for k in 0..<dimension { rows[i * dimension + k] = points[k * stride + i] }
        }
        let needsKNN = metrics.contains(.knnAccuracy)
        var full: (silhouette: Double, knnAccuracy: Double) = (.nan, .nan)
        if needsKNN || metrics.contains(.silhouette) {
            full = distancePass(depth: dimension, nearestNeighbours: needsKNN)
            if !metrics.contains(.silhouette) { full.silhouette = .nan }
            if !needsKNN { full.knnAccuracy = .nan }
        }
        let fisher = metrics.contains(.fisherRatio) ? fisherRatio() : .nan
        let lda = metrics.contains(.ldaSilhouette) ? ldaSilhouette() : .nan
        return MetricValues(
            loss: loss, ldaSilhouette: lda, knnAccuracy: full.knnAccuracy, silhouette: full.silhouette,
            fisherRatio: fisher)
    }

    /// The silhouette after projecting onto the Fisher directions (overwrites `sorted`).
    private func ldaSilhouette() -> Double {
        let lda = labels.withUnsafeBufferPointer { labelBuffer -> FisherDirections? in
            guard let base = labelBuffer.baseAddress else { return nil }
            return FisherDirections(rows: rows, count: count, dimension: dimension, labels: base, classes: classes)
        }
        guard let lda, !lda.directions.isEmpty else { return 0 }
        let directions = lda.directions.count
        for j in 0..<columns {
            let i = original[j]
            for k in 0..<directions {
                var s = 0.0
                if i >= 0 {
                    let v = lda.directions[k]
                    for m in 0..<dimension { s += (Double(rows[i * dimension + m]) - lda.mean[m]) * v[m] }
                }
                sorted[k * columns + j] = Float(s)
            }
        }
        return distancePass(depth: directions, nearestNeighbours: false).silhouette
    }

    /// trace(S_between) / trace(S_within).
    private func fisherRatio() -> Double {
        var mean = [Double](repeating: 0, count: dimension)
        var classMeans = [Double](repeating: 0, count: classes * dimension)
        for i in 0..<count {
            let c = Int(labels[i])
            for k in 0..<dimension {
                let x = Double(rows[i * dimension + k])
                mean[k] += x
                classMeans[c * dimension + k] += x
            }
        }
        for k in 0..<dimension { mean[k] /= Double(count) }
        var between = 0.0
        for c in 0..<classes where classCount[c] > 0 {
            for k in 0..<dimension {
                classMeans[c * dimension + k] /= Double(classCount[c])
                let diff = classMeans[c * dimension + k] - mean[k]
                between += Double(classCount[c]) * diff * diff
            }
        }
        var within = 0.0
        for i in 0..<count {
            let c = Int(labels[i])
            for k in 0..<dimension {
                let diff = Double(rows[i * dimension + k]) - classMeans[c * dimension + k]
                within += diff * diff
            }
        }
        return between / within
    }

    /// Mean silhouette (labels as clusters) of the first `depth` rows of `sorted`, and optionally
    /// the leave-one-out k-nearest-neighbour accuracy.
    private func distancePass(depth: Int, nearestNeighbours: Bool) -> (silhouette: Double, knnAccuracy: Double) {
        let k = nearestNeighbours ? min(Self.neighbours, count - 1) : 0
        kernels.pairwise(
            sorted, depth, columns, valid, columnClass, segmentStart, classes, classSums, columnSums,
            max(k, 0), neighbourDistance, neighbourClass, neighbourColumn, threshold)
        let nonEmpty = classCount.filter { $0 > 0 }.count
        var silhouetteSum = 0.0
        var correct = 0
        var votes = [Int](repeating: 0, count: classes)
        for j in 0..<columns where original[j] >= 0 {
            let ownClass = Int(columnClass[j])
            silhouetteSum += silhouette(column: j, ownClass: ownClass, nonEmpty: nonEmpty)
            if k > 0 {
                for c in 0..<classes { votes[c] = 0 }
                var winner = -1, winnerVotes = 0
                for b in 0..<k where neighbourClass[j * k + b] >= 0 {
                    let c = Int(neighbourClass[j * k + b])
                    votes[c] += 1
                    if votes[c] > winnerVotes { winner = c; winnerVotes = votes[c] }
                }
                if winner == ownClass { correct += 1 }
            }
        }
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
