/// The k-group log-rank test (Mantel 1966; Peto & Peto 1972): do k groups of censored times share
/// one survival curve? It compares each group's observed events with those expected if they did,
/// at every distinct event time, and sums them into a chi-square statistic with k - 1 degrees of
/// freedom, as lifelines' `multivariate_logrank_test` does (unweighted; ties at a time counted
/// with the hypergeometric variance `d (n - d) / (n - 1)`).
public struct LogRankTest: Sendable, Equatable {
    /// `Uᵀ V⁻¹ U` over the first k - 1 groups (U: observed minus expected events, V: its covariance).
    public var statistic: Double
    public var degreesOfFreedom: Int
    /// `P(χ²(k-1) ≥ statistic)`.
    public var pValue: Double

    /// Why a test could not be computed.
    public enum Unavailable: Error, Sendable, Equatable, CustomStringConvertible {
        case fewerThanTwoGroups(Int)
        case noEvents
        case singularCovariance

        public var description: String {
            switch self {
            case .fewerThanTwoGroups(let k): "needs at least 2 dimensions with runs, has \(k)"
            case .noEvents: "no run clustered, so there is nothing to compare"
            case .singularCovariance: "the groups' event counts carry no information (singular covariance)"
            }
        }
    }

    /// Tests `groups` (each group's observations; empty groups are ignored).
    public init(groups: [[KaplanMeier.Observation]]) throws(Unavailable) {
        let samples = groups.map { $0.filter { $0.time.isFinite } }.filter { !$0.isEmpty }
        let k = samples.count
        guard k >= 2 else { throw .fewerThanTwoGroups(k) }
        let all = samples.enumerated().flatMap { g, obs in obs.map { (group: g, time: $0.time, event: $0.event) } }
        guard all.contains(where: \.event) else { throw .noEvents }

        var atRisk = samples.map(\.count)
        var observedMinusExpected = [Double](repeating: 0, count: k)
        var covariance = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        let sorted = all.sorted { $0.time < $1.time }
        var index = 0
        while index < sorted.count {
            let time = sorted[index].time
            var events = [Int](repeating: 0, count: k)
            var leaving = [Int](repeating: 0, count: k)
            while index < sorted.count, sorted[index].time == time {
                if sorted[index].event { events[sorted[index].group] += 1 }
                leaving[sorted[index].group] += 1
                index += 1
            }
            let d = Double(events.reduce(0, +))
            let n = Double(atRisk.reduce(0, +))
            if d > 0 {
                let factor = n > 1 ? d * (n - d) / (n - 1) / (n * n) : d / (n * n)
                for j in 0..<k {
                    let nj = Double(atRisk[j])
                    observedMinusExpected[j] += Double(events[j]) - d * nj / n
                    for l in 0..<k {
                        let nl = Double(atRisk[l])
                        covariance[j][l] += factor * (j == l ? nj * (n - nj) : -nj * nl)
                    }
                }
            }
            for j in 0..<k { atRisk[j] -= leaving[j] }
        }
        // lifelines inverts V with a pseudo-inverse: a group never at risk at an event time has a
        // zero row and column (and zero U), which that amounts to leaving out.
        let informative = (0..<(k - 1)).filter { covariance[$0][$0] > 1e-12 }
        let u = informative.map { observedMinusExpected[$0] }
        let v = informative.map { j in informative.map { covariance[j][$0] } }
        var statistic = 0.0
        if !informative.isEmpty {
            guard let solved = Self.solve(v, u) else { throw .singularCovariance }
            statistic = max(0, zip(u, solved).reduce(0) { $0 + $1.0 * $1.1 })
        }
        self.statistic = statistic
        degreesOfFreedom = k - 1
        pValue = Distribution.chiSquareSurvival(statistic, degreesOfFreedom: k - 1)
    }

    /// Solves `a x = b` by Gaussian elimination with partial pivoting; `nil` if `a` is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var x = b
        let scale = a.flatMap { $0 }.map(abs).max() ?? 0
        guard scale > 0 else { return nil }
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }),
                  abs(m[pivot][column]) > scale * 1e-12 else { return nil }
            m.swapAt(column, pivot)
            x.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let f = m[row][column] / m[column][column]
                guard f != 0 else { continue }
                for c in column..<n { m[row][c] -= f * m[column][c] }
                x[row] -= f * x[column]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = x[row]
            for c in (row + 1)..<n { s -= m[row][c] * x[c] }
            x[row] = s / m[row][row]
        }
        return x
    }
}
