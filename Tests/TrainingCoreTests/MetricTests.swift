import Foundation
import Testing
@testable import TrainingCore

/// The four clustering metrics on constructed data, against hand values and brute-force references.
@Suite struct MetricTests {
    /// Evaluates `rows` (`N x D`) with `labels`.
    static func metrics(
        _ rows: [Float], dimension d: Int, labels: [Int], classes: Int, family: KernelFamily = .detected,
        only metrics: Set<ClusterMetric> = Set(ClusterMetric.allCases), after earlier: [[Float]] = []
    ) -> MetricValues {
        let n = labels.count
        let evaluator = ClusterEvaluator(count: n, dimension: d, classes: classes, labels: labels.map(Int32.init), kernels: family)
        func evaluate(_ rows: [Float]) -> MetricValues {
            var featureMajor = [Float](repeating: 0, count: d * n)
            for i in 0..<n { for k in 0..<d { featureMajor[k * n + i] = rows[i * d + k] } }
            return featureMajor.withUnsafeBufferPointer { evaluator.evaluate(points: $0.baseAddress!, stride: n, loss: 0, metrics: metrics) }
        }
        // Earlier checks leave neighbour lists behind that bound the next search.
        for rows in earlier { _ = evaluate(rows) }
        return evaluate(rows)
    }

    static func randomData(n: Int, d: Int, classes: Int, seed: UInt64, separation: Double) -> ([Float], [Int]) {
        var rng = SeededGenerator(seed: seed)
        let labels = (0..<n).map { _ in rng.nextIndex(below: classes) }
        var rows: [Float] = []
        for i in 0..<n {
            for k in 0..<d {
                let centre = k == labels[i] % d ? separation * Double(1 + labels[i] / d) : 0
                rows.append(Float(centre + rng.nextSymmetric(1)))
            }
        }
        return (rows, labels)
    }

    /// Brute-force silhouette and leave-one-out 5-NN accuracy in double.
    static func bruteForce(_ rows: [Float], d: Int, labels: [Int], classes: Int) -> (silhouette: Double, knn: Double) {
        let n = labels.count
        func dist(_ i: Int, _ j: Int) -> Double {
            (0..<d).reduce(0.0) { let x = Double(rows[i * d + $1]) - Double(rows[j * d + $1]); return $0 + x * x }.squareRoot()
        }
        var s = 0.0, correct = 0
        for i in 0..<n {
            var sums = [Double](repeating: 0, count: classes), counts = [Int](repeating: 0, count: classes)
            for j in 0..<n where j != i { sums[labels[j]] += dist(i, j); counts[labels[j]] += 1 }
            if counts[labels[i]] > 0 {
                let a = sums[labels[i]] / Double(counts[labels[i]])
                let b = (0..<classes).filter { $0 != labels[i] && counts[$0] > 0 }.map { sums[$0] / Double(counts[$0]) }.min()!
                s += (b - a) / max(a, b)
            }
            let nearest = (0..<n).filter { $0 != i }.sorted { (dist(i, $0), $0) < (dist(i, $1), $1) }.prefix(5)
            var votes = [Int](repeating: 0, count: classes)
            var winner = -1, best = 0
            for j in nearest { votes[labels[j]] += 1; if votes[labels[j]] > best { best = votes[labels[j]]; winner = labels[j] } }
            if winner == labels[i] { correct += 1 }
        }
        return (s / Double(n), Double(correct) / Double(n))
    }

    @Test func silhouette_equalsTheHandComputedValue() {
        // 1-D: class 0 at {0, 1}, class 1 at {10, 11}.
        let m = Self.metrics([0, 1, 10, 11], dimension: 1, labels: [0, 0, 1, 1], classes: 2)
        let expected = (9.5 / 10.5 + 8.5 / 9.5) / 2
        #expect(abs(m.silhouette - expected) < 1e-6)
        // Fisher: means 0.5 and 10.5, overall 5.5: between 2*25 + 2*25 = 100, within 4 * 0.25 = 1.
        #expect(abs(m.fisherRatio - 100) < 1e-4)
        // One direction in 1-D: the LDA projection is an affine map of the line, same silhouette.
        #expect(abs(m.ldaSilhouette - expected) < 1e-5)
        #expect(m.knnAccuracy == 0)  // k = 3 (N - 1): the two others of the other class outvote the one
    }

    @Test(arguments: KernelFamily.allCases, [(61, 3, 3), (150, 7, 4), (97, 1, 2), (40, 130, 3), (139, 8, 3), (75, 33, 5)])
    func silhouetteAndKNN_matchBruteForce_onRandomLabels(_ family: KernelFamily, _ size: (n: Int, d: Int, classes: Int)) {
        guard runnable(family) else { return }
        let (rows, labels) = Self.randomData(n: size.n, d: size.d, classes: size.classes, seed: 5, separation: 0.7)
        let m = Self.metrics(rows, dimension: size.d, labels: labels, classes: size.classes, family: family)
        let reference = Self.bruteForce(rows, d: size.d, labels: labels, classes: size.classes)
        #expect(abs(m.silhouette - reference.silhouette) < 1e-5, "\(family) \(size)")
        #expect(abs(m.knnAccuracy - reference.knn) < 1e-12, "\(family) \(size)")
        // The same after a check on other points (whose neighbours then bound the search).
        let (before, _) = Self.randomData(n: size.n, d: size.d, classes: size.classes, seed: 6, separation: 3)
        let again = Self.metrics(rows, dimension: size.d, labels: labels, classes: size.classes, family: family, after: [before, rows])
        #expect(again == m, "\(family) \(size)")
    }

    /// At 1500 coordinates the symmetric sweep is cut into several cache-sized column bands (and
    /// rows go four at a time): the sums and neighbour lists must not notice.
    @Test(arguments: KernelFamily.allCases)
    func silhouetteAndKNN_matchBruteForce_acrossColumnBands(_ family: KernelFamily) {
        guard runnable(family) else { return }
        let n = 70, d = 1500, classes = 3
        let (rows, labels) = Self.randomData(n: n, d: d, classes: classes, seed: 9, separation: 2.5)
        var distance = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                var s = 0.0
                for k in 0..<d { let x = Double(rows[i * d + k]) - Double(rows[j * d + k]); s += x * x }
                distance[i * n + j] = s.squareRoot()
            }
        }
        var silhouette = 0.0, correct = 0
        for i in 0..<n {
            var sums = [Double](repeating: 0, count: classes), counts = [Int](repeating: 0, count: classes)
            for j in 0..<n where j != i { sums[labels[j]] += distance[i * n + j]; counts[labels[j]] += 1 }
            let a = sums[labels[i]] / Double(counts[labels[i]])
            let b = (0..<classes).filter { $0 != labels[i] }.map { sums[$0] / Double(counts[$0]) }.min() ?? 0
            silhouette += (b - a) / max(a, b)
            let nearest = (0..<n).filter { $0 != i }.sorted { (distance[i * n + $0], $0) < (distance[i * n + $1], $1) }.prefix(5)
            var votes = [Int](repeating: 0, count: classes)
            var winner = -1, best = 0
            for j in nearest { votes[labels[j]] += 1; if votes[labels[j]] > best { best = votes[labels[j]]; winner = labels[j] } }
            if winner == labels[i] { correct += 1 }
        }
        let m = Self.metrics(rows, dimension: d, labels: labels, classes: classes, family: family)
        #expect(abs(m.silhouette - silhouette / Double(n)) < 1e-5, "\(family)")
        #expect(m.knnAccuracy == Double(correct) / Double(n), "\(family)")
        let again = Self.metrics(rows, dimension: d, labels: labels, classes: classes, family: family, after: [rows.map { $0 * 1.5 }])
        #expect(again == m, "\(family)")
        // With the accuracy itself as the threshold, the kNN rows come a few at a time (four rows
        // per sweep of the columns) and all of them are needed: the same exact value.
        let evaluator = ClusterEvaluator(count: n, dimension: d, classes: classes, labels: labels.map(Int32.init), kernels: family)
        var featureMajor = [Float](repeating: 0, count: d * n)
        for i in 0..<n { for k in 0..<d { featureMajor[k * n + i] = rows[i * d + k] } }
        let exact = Double(correct) / Double(n)
        #expect(correct < n * 3 / 4 && correct > n / 2, "\(correct) of \(n): the batches must stay small and not be settled early")
        let bounded = featureMajor.withUnsafeBufferPointer {
            evaluator.evaluate(points: $0.baseAddress!, stride: n, loss: 0, metrics: [.knnAccuracy], thresholds: [.knnAccuracy: exact])
        }
        #expect(bounded.knnAccuracy == exact, "\(family)")
        #expect(evaluator.work.knnRows == n)
    }

    /// On an integer grid many distances tie; the documented rule (equal distances go to the point
    /// earlier in class-sorted order) must hold exactly, as a plain sorted scan gives it.
    @Test(arguments: KernelFamily.allCases, [11, 12, 13] as [UInt64])
    func knnAccuracy_breaksDistanceTiesByClassSortedOrder(_ family: KernelFamily, _ seed: UInt64) {
        guard runnable(family) else { return }
        var rng = SeededGenerator(seed: seed)
        let n = 90, classes = 3
        let labels = (0..<n).map { _ in rng.nextIndex(below: classes) }
        let rows = (0..<(2 * n)).map { _ in Float(rng.nextIndex(below: 5)) }
        let shuffled = rows.map { $0 + Float(rng.nextSymmetric(2)) }
        let m = Self.metrics(rows, dimension: 2, labels: labels, classes: classes, family: family, after: [shuffled])
        // Class-sorted order: by label, then by index.
        let order = (0..<n).sorted { (labels[$0], $0) < (labels[$1], $1) }
        var position = [Int](repeating: 0, count: n)
        for (p, i) in order.enumerated() { position[i] = p }
        var correct = 0
        for i in 0..<n {
            func d2(_ j: Int) -> Float {
                let a = rows[2 * i] - rows[2 * j], b = rows[2 * i + 1] - rows[2 * j + 1]
                return a * a + b * b
            }
            let nearest = (0..<n).filter { $0 != i }.sorted { (d2($0), position[$0]) < (d2($1), position[$1]) }.prefix(5)
            var votes = [Int](repeating: 0, count: classes)
            var winner = -1, best = 0
            for j in nearest { votes[labels[j]] += 1; if votes[labels[j]] > best { best = votes[labels[j]]; winner = labels[j] } }
            if winner == labels[i] { correct += 1 }
        }
        #expect(m.knnAccuracy == Double(correct) / Double(n), "\(family) seed \(seed)")
    }

    /// Alone, the silhouette's pass sums four rows at a time (below `groupedDepth`); with the kNN
    /// accuracy it rides along the neighbour search one row at a time: the same bits either way,
    /// whatever N leaves in a class's last group of four.
    @Test(arguments: KernelFamily.allCases, [(83, 5), (61, 2), (97, 1), (130, 3), (45, 7), (200, 16)])
    func eachMetric_isTheSameWhetherComputedAloneOrWithTheOthers(_ family: KernelFamily, _ size: (n: Int, d: Int)) {
        guard runnable(family) else { return }
        let (rows, labels) = Self.randomData(n: size.n, d: size.d, classes: 3, seed: 8, separation: 1)
        let all = Self.metrics(rows, dimension: size.d, labels: labels, classes: 3, family: family)
        for metric in ClusterMetric.allCases {
            let alone = Self.metrics(rows, dimension: size.d, labels: labels, classes: 3, family: family, only: [metric])
            #expect(alone[metric] == all[metric], "\(metric) N \(size.n) D \(size.d)")
            for other in ClusterMetric.allCases where other != metric { #expect(alone[other].isNaN) }
        }
    }

    @Test func allMetrics_separateClusteredFromRandomPoints() {
        let (clustered, labels) = Self.randomData(n: 90, d: 4, classes: 3, seed: 1, separation: 10)
        let good = Self.metrics(clustered, dimension: 4, labels: labels, classes: 3)
        #expect(good.ldaSilhouette > 0.8)
        #expect(good.knnAccuracy == 1)
        #expect(good.silhouette > 0.7)
        #expect(good.fisherRatio > 10)
        let (noise, noiseLabels) = Self.randomData(n: 90, d: 4, classes: 3, seed: 2, separation: 0)
        let bad = Self.metrics(noise, dimension: 4, labels: noiseLabels, classes: 3)
        #expect(bad.ldaSilhouette < 0.3)
        #expect(bad.knnAccuracy < 0.6)
        #expect(bad.silhouette < 0.1)
        #expect(bad.fisherRatio < 0.2)
    }

    @Test func ldaSilhouette_isInvariantUnderAnInvertibleLinearMap() {
        let (rows, labels) = Self.randomData(n: 70, d: 3, classes: 3, seed: 3, separation: 2)
        let before = Self.metrics(rows, dimension: 3, labels: labels, classes: 3)
        // x -> A x + t with a badly conditioned A: the full-space silhouette changes, the LDA one must not.
        let a: [[Float]] = [[40, 1, 0], [0, 0.05, 2], [3, 0, 1]]
        var mapped: [Float] = []
        for i in 0..<labels.count {
            for r in 0..<3 { mapped.append((0..<3).reduce(Float(5)) { $0 + a[r][$1] * rows[i * 3 + $1] }) }
        }
        let after = Self.metrics(mapped, dimension: 3, labels: labels, classes: 3)
        #expect(abs(after.ldaSilhouette - before.ldaSilhouette) < 1e-3)
        #expect(abs(after.silhouette - before.silhouette) > 0.01)
    }

    @Test func fisherDirections_whitenTheWithinClassScatter() throws {
        let (rows, labels) = Self.randomData(n: 80, d: 4, classes: 3, seed: 4, separation: 3)
        let labels32 = labels.map(Int32.init)
        let lda = rows.withUnsafeBufferPointer { r in
            labels32.withUnsafeBufferPointer { FisherDirections(rows: r.baseAddress!, count: 80, dimension: 4, labels: $0.baseAddress!, classes: 3) }
        }
        try #require(lda.directions.count == 2)
        var means = [[Double]](repeating: [0, 0], count: 3), counts = [0, 0, 0]
        let projected = (0..<80).map { i in lda.directions.map { v in (0..<4).reduce(0.0) { $0 + Double(rows[i * 4 + $1]) * v[$1] } } }
        for i in 0..<80 { counts[labels[i]] += 1; for k in 0..<2 { means[labels[i]][k] += projected[i][k] } }
        for c in 0..<3 { for k in 0..<2 { means[c][k] /= Double(counts[c]) } }
        var scatter = [[0.0, 0.0], [0.0, 0.0]]
        for i in 0..<80 {
            for r in 0..<2 { for s in 0..<2 { scatter[r][s] += (projected[i][r] - means[labels[i]][r]) * (projected[i][s] - means[labels[i]][s]) } }
        }
        #expect(abs(scatter[0][0] - 1) < 1e-6 && abs(scatter[1][1] - 1) < 1e-6 && abs(scatter[0][1]) < 1e-6)
    }
}
