/// Computes the four clustering metrics of labelled points: `lda_silhouette`, `knn_accuracy`
/// (k = 5, leave-one-out), `silhouette` and `fisher_ratio`.
///
/// The O(N^2 D) work (every pairwise distance, for the silhouettes and the nearest neighbours) is
/// done in one vectorised pass per space. The labels never change during a run, so the evaluator
/// sorts the points by class once: each class occupies its own segment, padded to whole SIMD
/// vectors, and a point's mean distance to a class is a plain sum over that segment.
///
/// Conventions (as scikit-learn): a point alone in its class has silhouette 0; classes with no
/// points are ignored; fewer than two non-empty classes give silhouette 0. kNN ties in the vote go
/// to the class whose member is nearest; equal distances go to the earlier point.
final class ClusterEvaluator {
    typealias Vector = SIMD16<Float>
    static let neighbours = 5

    let count: Int
    let dimension: Int
    let classes: Int
    /// Columns of the class-sorted layout (each class segment padded to a multiple of 16).
    let columns: Int
    private let labels: [Int32]
    private let segmentStart: [Int]
    private let classCount: [Int]
    /// `original[column]` = the point at that sorted column, -1 for padding.
    private let original: [Int]
    /// 1 for real columns, 0 for padding.
    private let valid: UnsafeMutablePointer<Float>
    private let columnClass: UnsafeMutablePointer<Int32>
    /// `max(D, classes - 1) x columns`.
    private let sorted: UnsafeMutablePointer<Float>
    private let rows: UnsafeMutablePointer<Float>
    private let classSums: UnsafeMutablePointer<Float>
    /// Squared distances from one point to every column, then their square roots.
    private let squaredRow: UnsafeMutablePointer<Float>
    private let distanceRow: UnsafeMutablePointer<Float>

    init(count: Int, dimension: Int, classes: Int, labels: [Int32]) {
        self.count = count
        self.dimension = dimension
        self.classes = classes
        self.labels = labels
        var classCount = [Int](repeating: 0, count: classes)
        for label in labels { classCount[Int(label)] += 1 }
        var segmentStart: [Int] = []
        var columns = 0
        for c in 0..<classes {
            segmentStart.append(columns)
            columns += (classCount[c] + 15) / 16 * 16
        }
        var original = [Int](repeating: -1, count: columns)
        var fill = segmentStart
        for (i, label) in labels.enumerated() {
            original[fill[Int(label)]] = i
            fill[Int(label)] += 1
        }
        self.classCount = classCount
        self.segmentStart = segmentStart
        self.columns = columns
        self.original = original
        valid = .allocate(capacity: columns)
        columnClass = .allocate(capacity: columns)
        for j in 0..<columns {
            valid[j] = original[j] >= 0 ? 1 : 0
            columnClass[j] = original[j] >= 0 ? labels[original[j]] : -1
        }
        let depth = max(dimension, classes - 1)
        sorted = .allocate(capacity: depth * columns)
        sorted.initialize(repeating: 0, count: depth * columns)
        rows = .allocate(capacity: count * dimension)
        classSums = .allocate(capacity: classes)
        squaredRow = .allocate(capacity: columns)
        distanceRow = .allocate(capacity: columns)
    }

    deinit {
        valid.deallocate()
        columnClass.deallocate()
        sorted.deallocate()
        rows.deallocate()
        classSums.deallocate()
        squaredRow.deallocate()
        distanceRow.deallocate()
    }

    /// The four metrics of feature-major points (`dimension x stride`, point `i` in column `i`);
    /// `loss` is passed through into the result.
    func evaluate(points: UnsafePointer<Float>, stride: Int, loss: Double) -> MetricValues {
        for j in 0..<columns {
            let i = original[j]
            for k in 0..<dimension { sorted[k * columns + j] = i >= 0 ? points[k * stride + i] : 0 }
        }
        for i in 0..<count {
            for k in 0..<dimension { rows[i * dimension + k] = points[k * stride + i] }
        }
        let full = distancePass(depth: dimension, nearestNeighbours: true)
        let fisher = fisherRatio()
        let lda = labels.withUnsafeBufferPointer { labelBuffer -> Double in
            let lda = FisherDirections(
                rows: rows, count: count, dimension: dimension, labels: labelBuffer.baseAddress!, classes: classes)
            guard !lda.directions.isEmpty else { return 0 }
            // Project every sorted column onto the directions (overwrites `sorted`).
            for j in 0..<columns {
                let i = original[j]
                var projected = [Double](repeating: 0, count: lda.directions.count)
                if i >= 0 {
                    for (k, v) in lda.directions.enumerated() {
                        var s = 0.0
                        for m in 0..<dimension { s += (Double(rows[i * dimension + m]) - lda.mean[m]) * v[m] }
                        projected[k] = s
                    }
                }
                for k in 0..<lda.directions.count { sorted[k * columns + j] = Float(projected[k]) }
            }
            return distancePass(depth: lda.directions.count, nearestNeighbours: false).silhouette
        }
        return MetricValues(
            loss: loss, ldaSilhouette: lda, knnAccuracy: full.knnAccuracy, silhouette: full.silhouette,
            fisherRatio: fisher)
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
        let k = min(Self.neighbours, count - 1)
        let nonEmpty = classCount.filter { $0 > 0 }.count
        var silhouetteSum = 0.0
        var correct = 0
        var bestDistance = [Float](repeating: .infinity, count: max(k, 1))
        var bestClass = [Int32](repeating: -1, count: max(k, 1))
        var votes = [Int](repeating: 0, count: classes)
        let infinity = Vector(repeating: .infinity)
        for ownClass in 0..<classes {
            for i in segmentStart[ownClass]..<(segmentStart[ownClass] + classCount[ownClass]) {
                // 1. Squared distances to every column (padding columns: +inf).
                var base = 0
                while base < columns {
                    var d2 = Vector.zero
                    for m in 0..<depth {
                        let row = sorted + m * columns
                        let diff = DenseKernels.load(row + base) - Vector(repeating: row[i])
                        d2.addProduct(diff, diff)
                    }
                    let validLanes = DenseKernels.load(valid + base)
                    DenseKernels.store(d2.replacing(with: infinity, where: validLanes .== 0), squaredRow + base)
                    base += 16
                }
                // 2. Distances (padding columns: 0).
                base = 0
                while base < columns {
                    let d2 = DenseKernels.load(squaredRow + base)
                    let root = FastMath.squareRoot(d2.replacing(with: Vector.zero, where: d2 .== infinity))
                    DenseKernels.store(root, distanceRow + base)
                    base += 16
                }
                // 3. Summed distance to each class: its segment.
                for c in 0..<classes {
                    var sum = Vector.zero
                    var column = segmentStart[c]
                    let end = column + (classCount[c] + 15) / 16 * 16
                    while column < end {
                        sum += DenseKernels.load(distanceRow + column)
                        column += 16
                    }
                    classSums[c] = DenseKernels.horizontalSum(sum)
                }
                // 4. The k nearest other points, skipping vectors with no candidate.
                if nearestNeighbours && k > 0 {
                    for b in 0..<k { bestDistance[b] = .infinity; bestClass[b] = -1 }
                    base = 0
                    while base < columns {
                        let d2 = DenseKernels.load(squaredRow + base)
                        if any(d2 .< Vector(repeating: bestDistance[k - 1])) {
                            for lane in 0..<16 where base + lane != i && d2[lane] < bestDistance[k - 1] {
                                var slot = k - 1
                                while slot > 0 && bestDistance[slot - 1] > d2[lane] {
                                    bestDistance[slot] = bestDistance[slot - 1]
                                    bestClass[slot] = bestClass[slot - 1]
                                    slot -= 1
                                }
                                bestDistance[slot] = d2[lane]
                                bestClass[slot] = columnClass[base + lane]
                            }
                        }
                        base += 16
                    }
                }
                silhouetteSum += silhouette(ownClass: ownClass, nonEmpty: nonEmpty)
                if nearestNeighbours && k > 0 {
                    for c in 0..<classes { votes[c] = 0 }
                    var winner = -1, winnerVotes = 0
                    for b in 0..<k where bestClass[b] >= 0 {
                        let c = Int(bestClass[b])
                        votes[c] += 1
                        if votes[c] > winnerVotes { winner = c; winnerVotes = votes[c] }
                    }
                    if winner == ownClass { correct += 1 }
                }
            }
        }
        return (silhouetteSum / Double(count), Double(correct) / Double(count))
    }

    /// The silhouette of one point from its summed distances to each class (`classSums`).
    @inline(__always) private func silhouette(ownClass: Int, nonEmpty: Int) -> Double {
        guard classCount[ownClass] > 1, nonEmpty > 1 else { return 0 }
        let a = Double(classSums[ownClass]) / Double(classCount[ownClass] - 1)
        var b = Double.infinity
        for c in 0..<classes where c != ownClass && classCount[c] > 0 {
            b = min(b, Double(classSums[c]) / Double(classCount[c]))
        }
        let denominator = max(a, b)
        return denominator > 0 ? (b - a) / denominator : 0
    }
}
