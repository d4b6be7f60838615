/// The O(N D) loops of a silhouette bound, vectorised in double precision: each class's moments
/// of the current and the reference points, each point's residual move, and the sum of the
/// per-point upper bounds. `SilhouetteBound` (TrainingCore) holds the reasoning; these loops only
/// need to be accurate to double rounding, which its margins cover, so their summation order is
/// free.
///
/// Columns `start ..< start + count` are one class's real points; `points` and `reference` are
/// `depth x columns`, row `m` at `m * columns`.
public enum BoundKernels {
    /// `out[m]` = sum of `points` row m, `out[depth + m]` = sum of `reference` row m,
    /// `out[2 depth]` and `out[2 depth + 1]` their sums of squares, and, with `products`,
    /// `out[2 depth + 2 + a depth + b]` = sum of `reference[a] * points[b]`.
    public static func moments(
        points: UnsafePointer<Float>, reference: UnsafePointer<Float>, columns: Int, depth: Int, start: Int,
        count n: Int, products: Bool, out: UnsafeMutablePointer<Double>
    ) {
        let whole = n / doubleLanes * doubleLanes
        var squareY = DoubleVector.zero, squareR = DoubleVector.zero
        var tailY = 0.0, tailR = 0.0
        for m in 0..<depth {
            let y = points + m * columns + start, r = reference + m * columns + start
            var sy = DoubleVector.zero, sr = DoubleVector.zero
            var j = 0
            while j < whole {
                let u = loadWidened(y + j), v = loadWidened(r + j)
                sy += u
                sr += v
                squareY += u * u
                squareR += v * v
                j += doubleLanes
            }
            var ty = sy.sum(), tr = sr.sum()
            while j < n {
                let u = Double(y[j]), v = Double(r[j])
                ty += u
                tr += v
                tailY += u * u
                tailR += v * v
                j += 1
            }
            out[m] = ty
            out[depth + m] = tr
        }
        out[2 * depth] = squareY.sum() + tailY
        out[2 * depth + 1] = squareR.sum() + tailR
        guard products else { return }
        for a in 0..<depth {
            let r = reference + a * columns + start
            for b in 0..<depth {
                let y = points + b * columns + start
                var p = DoubleVector.zero
                var j = 0
                while j < whole {
                    p += loadWidened(r + j) * loadWidened(y + j)
                    j += doubleLanes
                }
                var total = p.sum()
                while j < n {
                    total += Double(r[j]) * Double(y[j])
                    j += 1
                }
                out[2 * depth + 2 + a * depth + b] = total
            }
        }
    }

    /// `residual[start + j]` = `|W y_j - r_j - shift| * slack + absolute` for each column, with `W`
    /// the `depth x depth` row-major `weights` (`rotates`) or the diagonal `weights[0 ..< depth]`;
    /// returns their sum. `scratch` holds `count` doubles.
    public static func residuals(
        points: UnsafePointer<Float>, reference: UnsafePointer<Float>, columns: Int, depth: Int, start: Int,
        count n: Int, rotates: Bool, weights: UnsafePointer<Double>, shift: UnsafePointer<Double>, slack: Double,
        absolute: Double, residual: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Double>
    ) -> Double {
        let e2 = residual + start
        e2.update(repeating: 0, count: n)
        let whole = n / doubleLanes * doubleLanes
        for a in 0..<depth {
            let r = reference + a * columns + start
            let s = shift[a]
            var j = 0
            while j < whole {
                store(-loadWidened(r + j) - DoubleVector(repeating: s), scratch + j)
                j += doubleLanes
            }
            while j < n {
                scratch[j] = -Double(r[j]) - s
                j += 1
            }
            for b in 0..<depth where rotates || b == a {
                let w = rotates ? weights[a * depth + b] : weights[a]
                let y = points + b * columns + start
                let wv = DoubleVector(repeating: w)
                j = 0
                while j < whole {
                    store(load(scratch + j) + wv * loadWidened(y + j), scratch + j)
                    j += doubleLanes
                }
                while j < n {
                    scratch[j] += w * Double(y[j])
                    j += 1
                }
            }
            j = 0
            while j < whole {
                let e = load(scratch + j)
                store(load(e2 + j) + e * e, e2 + j)
                j += doubleLanes
            }
            while j < n {
                e2[j] += scratch[j] * scratch[j]
                j += 1
            }
        }
        // The root by Newton's method in double (a libm call per lane would cost more than
        // everything above); within 1e-12 relative, 1e-9 taken.
        let rootSlack = slack * (1 + 1e-9)
        var total = DoubleVector.zero
        var j = 0
        while j < whole {
            let r = squareRoot(load(e2 + j)) * DoubleVector(repeating: rootSlack) + DoubleVector(repeating: absolute)
            store(r, e2 + j)
            total += r
            j += doubleLanes
        }
        var sum = total.sum()
        while j < n {
            let r = e2[j].squareRoot() * slack + absolute
            e2[j] = r
            sum += r
            j += 1
        }
        return sum
    }

    /// `sqrt(x)` for finite `x >= 0`: the reciprocal root from the bit trick for doubles (within
    /// 3.5%), four Newton steps (each squares the relative error: 1e-3, 2e-6, 5e-12, rounding),
    /// times x.
    @inline(__always)
    static func squareRoot(_ x: DoubleVector) -> DoubleVector {
        let bits = DoubleBits(repeating: 0x5FE6_EB50_C7B5_37A9) &- (unsafeBitCast(x, to: DoubleBits.self) &>> 1)
        var y = unsafeBitCast(bits, to: DoubleVector.self)
        let half = x * 0.5
        let threeHalves = DoubleVector(repeating: 1.5)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        return x * y
    }

    /// The sum over the columns of `min(1, (b - a) / max(a, b))` (0 where `max(a, b)` is 0), with
    /// `a = max(0, sums[own] * ownScale - r * ownSpread - ownFixed) * ownInverse` and
    /// `b = min over others[k] = c of sums[c] * upperScale[c] + r * spread[c] + fixed[c]`.
    /// `sums` is `classes x columns` (summed distance to each class), `r` is `residual`.
    public static func upperSum(
        sums: UnsafePointer<Float>, residual: UnsafePointer<Double>, columns: Int, start: Int, count n: Int,
        own: Int, ownScale: Double, ownSpread: Double, ownFixed: Double, ownInverse: Double,
        others: UnsafePointer<Int>, otherCount: Int, upperScale: UnsafePointer<Double>, spread: UnsafePointer<Double>,
        fixed: UnsafePointer<Double>
    ) -> Double {
        let whole = n / doubleLanes * doubleLanes
        let zero = DoubleVector.zero, one = DoubleVector(repeating: 1)
        var total = DoubleVector.zero
        let ownSums = sums + own * columns + start
        var j = 0
        while j < whole {
            let r = load(residual + start + j)
            var a = loadWidened(ownSums + j) * DoubleVector(repeating: ownScale) - r * DoubleVector(repeating: ownSpread)
                - DoubleVector(repeating: ownFixed)
            a = a.replacing(with: zero, where: a .< zero) * DoubleVector(repeating: ownInverse)
            var b = DoubleVector(repeating: .infinity)
            for k in 0..<otherCount {
                let c = others[k]
                let candidate = loadWidened(sums + c * columns + start + j) * DoubleVector(repeating: upperScale[c])
                    + r * DoubleVector(repeating: spread[c]) + DoubleVector(repeating: fixed[c])
                b = b.replacing(with: candidate, where: candidate .< b)
            }
            let denominator = a.replacing(with: b, where: b .> a)
            let positive = denominator .> zero
            var s = (b - a) / denominator.replacing(with: one, where: .!positive)
            s = s.replacing(with: one, where: s .> one).replacing(with: zero, where: .!positive)
            total += s
            j += doubleLanes
        }
        var sum = total.sum()
        while j < n {
            let r = residual[start + j]
            let a = max(0, Double(ownSums[j]) * ownScale - r * ownSpread - ownFixed) * ownInverse
            var b = Double.infinity
            for k in 0..<otherCount {
                let c = others[k]
                b = min(b, Double(sums[c * columns + start + j]) * upperScale[c] + r * spread[c] + fixed[c])
            }
            let denominator = max(a, b)
            sum += denominator > 0 ? min(1, (b - a) / denominator) : 0
            j += 1
        }
        return sum
    }
}
