import Testing
@testable import TrainingCore

/// The bounds behind the skipped checks, directly: never below the exact value a pass computes,
/// and, on points that drift near a threshold, a bounded evaluator records each value exactly as a
/// full one or proves it below.
@Suite struct SilhouetteBoundTests {
    /// Three classes whose centres move apart (and turn) over `steps` checks, with noise that
    /// moves every point a little: silhouettes that climb through 0.5 slowly.
    static func drifting(n: Int, d: Int, step: Int, seed: UInt64) -> (rows: [Float], labels: [Int]) {
        var rng = SeededGenerator(seed: seed)
        let labels = (0..<n).map { _ in rng.nextIndex(below: 3) }
        let base = (0..<(n * d)).map { _ in rng.nextSymmetric(1) }
        var noise = SeededGenerator(seed: seed &+ UInt64(step) &* 7919)
        let separation = 0.02 * Double(step)
        var rows: [Float] = []
        for i in 0..<n {
            for k in 0..<d {
                let centre = k == labels[i] % d ? separation * Double(1 + labels[i] / d) : 0
                let turn = k == (labels[i] + 1) % d ? 0.3 * separation : 0
                rows.append(Float(base[i * d + k] + centre + turn + noise.nextSymmetric(0.02)))
            }
        }
        return (rows, labels)
    }

    static func featureMajor(_ rows: [Float], n: Int, d: Int) -> [Float] {
        var out = [Float](repeating: 0, count: d * n)
        for i in 0..<n { for k in 0..<d { out[k * n + i] = rows[i * d + k] } }
        return out
    }

    @Test(arguments: [(90, 2), (120, 3), (100, 16), (80, 128)] as [(Int, Int)], [21, 22] as [UInt64])
    func bounds_areNeverBelowTheExactSilhouettes(_ size: (n: Int, d: Int), _ seed: UInt64) {
        let (_, labels) = Self.drifting(n: size.n, d: size.d, step: 0, seed: seed)
        let evaluator = ClusterEvaluator(count: size.n, dimension: size.d, classes: 3, labels: labels.map(Int32.init))
        // A threshold of -infinity: every check bounds (from the previous pass) and computes.
        let always: [ClusterMetric: Double] = [.silhouette: -.infinity, .ldaSilhouette: -.infinity]
        var compared = 0, tight = 0
        for step in 0..<40 {
            let (rows, _) = Self.drifting(n: size.n, d: size.d, step: step, seed: seed)
            let points = Self.featureMajor(rows, n: size.n, d: size.d)
            let values = points.withUnsafeBufferPointer { p in
                evaluator.evaluate(points: p.baseAddress!, stride: size.n, loss: 0, thresholds: always)
            }
            guard step > 0 else { continue }
            for metric in [ClusterMetric.silhouette, .ldaSilhouette] {
                let bound = evaluator.lastBounds[metric] ?? .nan
                #expect(bound >= values[metric], "\(size) seed \(seed) step \(step) \(metric): \(bound) < \(values[metric])")
                compared += 1
                if bound - values[metric] < 0.1 { tight += 1 }
            }
        }
        #expect(compared == 78)
        // Useful, too: most bounds are within 0.1 of the value (a looser bound would skip little).
        #expect(tight * 2 > compared, "\(size) seed \(seed): \(tight) of \(compared) within 0.1")
    }

    @Test(arguments: [(90, 2), (120, 3), (100, 16), (80, 128)] as [(Int, Int)], KernelFamily.allCases)
    func boundedEvaluation_isExactOrBelowTheThreshold_nearIt(_ size: (n: Int, d: Int), _ family: KernelFamily) {
        guard runnable(family) else { return }
        let seed: UInt64 = 23
        let (_, labels) = Self.drifting(n: size.n, d: size.d, step: 0, seed: seed)
        let full = ClusterEvaluator(count: size.n, dimension: size.d, classes: 3, labels: labels.map(Int32.init), kernels: family)
        let bounded = ClusterEvaluator(count: size.n, dimension: size.d, classes: 3, labels: labels.map(Int32.init), kernels: family)
        var exact: [[ClusterMetric: Double]] = []
        for step in 0..<40 {
            let points = Self.featureMajor(Self.drifting(n: size.n, d: size.d, step: step, seed: seed).rows, n: size.n, d: size.d)
            let values = points.withUnsafeBufferPointer { full.evaluate(points: $0.baseAddress!, stride: size.n, loss: 0) }
            exact.append(Dictionary(uniqueKeysWithValues: ClusterMetric.allCases.map { ($0, values[$0]) }))
        }
        // Thresholds the values pass through mid-sequence, so some checks sit just below them.
        var thresholds: [ClusterMetric: Double] = [:]
        for metric in ClusterMetric.allCases {
            let series = exact.map { $0[metric] ?? .nan }
            thresholds[metric] = series[28]
        }
        var skipped = 0, computed = 0
        for step in 0..<40 {
            let points = Self.featureMajor(Self.drifting(n: size.n, d: size.d, step: step, seed: seed).rows, n: size.n, d: size.d)
            let values = points.withUnsafeBufferPointer {
                bounded.evaluate(points: $0.baseAddress!, stride: size.n, loss: 0, thresholds: thresholds)
            }
            for metric in ClusterMetric.allCases {
                let value = exact[step][metric] ?? .nan
                if values[metric].isNaN {
                    #expect(value < thresholds[metric] ?? .nan, "\(size) \(family) step \(step) \(metric)")
                    skipped += 1
                } else {
                    #expect(values[metric] == value, "\(size) \(family) step \(step) \(metric)")
                    computed += 1
                }
                // Reached or not: the same answer at every step.
                #expect((values[metric] >= thresholds[metric] ?? .nan) == (value >= thresholds[metric] ?? .nan))
            }
        }
        #expect(skipped > 0 && computed > 0, "\(size) \(family): \(skipped) skipped, \(computed) computed")
    }
}
