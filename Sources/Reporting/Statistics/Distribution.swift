import RealModule

/// Tail probabilities of the reference distributions the report's tests use, so every p-value is
/// computed one way: the standard normal (Wald tests) and chi-square (log-rank).
///
/// The special functions come from swift-numerics (`erfc`, `logGamma`); the regularized
/// incomplete gamma function is evaluated as in Numerical Recipes (§6.2): its series below
/// `a + 1`, the Lentz continued fraction above.
public enum Distribution {
    /// The 97.5% quantile of the standard normal: a two-sided 95% interval is `±z`.
    public static let normalQuantile975 = 1.959_963_984_540_054
    /// The 80% quantile of the standard normal: the `z` of 80% power.
    public static let normalQuantile80 = 0.841_621_233_572_914_3

    /// `P(|Z| ≥ |z|)` for a standard normal `Z`: the two-sided p-value of a Wald statistic.
    public static func twoSidedNormalPValue(_ z: Double) -> Double {
        guard z.isFinite else { return z.isNaN ? .nan : 0 }
        return Double.erfc(abs(z) / 2.0.squareRoot())
    }

    /// `P(X ≥ x)` for `X` chi-square with `degreesOfFreedom`.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom: Int) -> Double {
        guard degreesOfFreedom > 0, !x.isNaN else { return .nan }
        guard x > 0 else { return 1 }
        guard x.isFinite else { return 0 }
        return regularizedUpperGamma(Double(degreesOfFreedom) / 2, x / 2)
    }

    /// `Q(a, x) = Γ(a, x) / Γ(a)` for `a > 0`, `x ≥ 0`.
    static func regularizedUpperGamma(_ a: Double, _ x: Double) -> Double {
        if x < a + 1 { return 1 - lowerSeries(a, x) }
        return upperContinuedFraction(a, x)
    }

    /// `P(a, x)` by its power series (converges quickly for `x < a + 1`).
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        var term = 1 / a
        var sum = term
        var n = a
        for _ in 0..<10_000 {
            n += 1
            term *= x / n
            sum += term
            if abs(term) < abs(sum) * 1e-16 { break }
        }
        return sum * Double.exp(-x + a * Double.log(x) - Double.logGamma(a))
    }

    /// `Q(a, x)` by the modified Lentz continued fraction (converges quickly for `x ≥ a + 1`).
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return Double.exp(-x + a * Double.log(x) - Double.logGamma(a)) * h
    }
}
