/// Vectorised float32 `tanh`, `exp` and `sqrt` for the kernels, where the standard library's
/// per-lane libm calls would cost more than the matrix arithmetic.
///
/// Accuracy (measured over dense grids by `FastMathTests`, every family): `tanh` within 4e-7
/// absolute of the exact value, `exp` within 3e-7 relative on `[-87, 88]`, `squareRoot` within
/// 1e-6 relative.
enum FastMath {
    /// `tanh(x)` as a 13/6 rational minimax approximation on `[-7.9053, 7.9053]` (the form Eigen
    /// uses); outside that interval float32 `tanh` rounds to ±1, which the clamp reproduces.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        let limit: Float = 7.905_311_107_635_498_05
        let xc = clamp(x, -limit, limit)
        let x2 = xc * xc
        var p = Vector(repeating: -2.760_768_477_423_55e-16)
        p = multiplyAdding(p, x2, Vector(repeating: 2.000_187_904_824_77e-13))
        p = multiplyAdding(p, x2, Vector(repeating: -8.604_671_522_137_35e-11))
        p = multiplyAdding(p, x2, Vector(repeating: 5.122_297_090_371_14e-08))
        p = multiplyAdding(p, x2, Vector(repeating: 1.485_722_357_179_79e-05))
        p = multiplyAdding(p, x2, Vector(repeating: 6.372_619_288_754_36e-04))
        p = multiplyAdding(p, x2, Vector(repeating: 4.893_524_558_917_86e-03))
        p = p * xc
        var q = Vector(repeating: 1.198_258_394_667_02e-06)
        q = multiplyAdding(q, x2, Vector(repeating: 1.185_347_056_866_54e-04))
        q = multiplyAdding(q, x2, Vector(repeating: 2.268_434_632_439_00e-03))
        q = multiplyAdding(q, x2, Vector(repeating: 4.893_525_185_543_85e-03))
        return p / q
    }

    /// `exp(x)` by range reduction `x = n ln2 + r` and a degree-6 polynomial (Cephes' `expf`);
    /// inputs are clamped to `[-87.3, 88.7]`, so tiny results flush to ~1e-38 instead of 0.
    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let xc = clamp(x, -87.3, 88.7)
        // n = round(x / ln2) by the float-magic trick: adding 1.5 * 2^23 rounds to an integer
        // held in the low mantissa bits, read back without a (slow, generic) float-to-int convert.
        let magic = Vector(repeating: 12_582_912)
        let shifted = xc * Vector(repeating: 1.442_695_040_888_963_4) + magic
        let n = shifted - magic
        var r = xc - n * Vector(repeating: 0.693_359_375)
        r = r - n * Vector(repeating: -2.121_944_400_546_905_8e-4)
        var p = Vector(repeating: 1.987_569_150_0e-4)
        p = multiplyAdding(p, r, Vector(repeating: 1.398_199_950_7e-3))
        p = multiplyAdding(p, r, Vector(repeating: 8.333_451_907_3e-3))
        p = multiplyAdding(p, r, Vector(repeating: 4.166_579_589_4e-2))
        p = multiplyAdding(p, r, Vector(repeating: 1.666_666_545_9e-1))
        p = multiplyAdding(p, r, Vector(repeating: 5.000_000_120_1e-1))
        p = multiplyAdding(p, r * r, r) + Vector(repeating: 1)
        let exponent = (unsafeBitCast(shifted, to: IntVector.self) &- (0x4B40_0000 - 127)) &<< 23
        return p * unsafeBitCast(exponent, to: Vector.self)
    }

    /// `sqrt(x)` for finite `x >= 0` as `x * rsqrt(x)`, the reciprocal root from the classic bit
    /// trick refined by three Newton steps (relative error below 1e-6). Swift's `squareRoot()` on
    /// SIMD vectors compiles to one libm call per lane.
    @inline(__always)
    static func squareRoot(_ x: Vector) -> Vector {
        let bits = IntVector(repeating: 0x5F37_59DF) &- (unsafeBitCast(x, to: IntVector.self) &>> 1)
        var y = unsafeBitCast(bits, to: Vector.self)
        let half = x * 0.5
        let threeHalves = Vector(repeating: 1.5)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        y = y * (threeHalves - half * y * y)
        return x * y
    }

    /// `min(max(x, lower), upper)` lane-wise by compare-and-select (two vector instructions).
    @inline(__always)
    static func clamp(_ x: Vector, _ lower: Float, _ upper: Float) -> Vector {
        let low = Vector(repeating: lower), high = Vector(repeating: upper)
        return x.replacing(with: low, where: x .< low).replacing(with: high, where: x .> high)
    }

    /// Lane-wise minimum by compare-and-select.
    @inline(__always)
    static func minimum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .< a)
    }

    /// Lane-wise maximum by compare-and-select.
    @inline(__always)
    static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: b .> a)
    }
}

/// `FastMath` over whole buffers, so tests can check every compiled family's accuracy.
public enum FastMathKernels {
    /// `output[i] = f(input[i])` for `count` floats (`count` a multiple of 16); `function` is
    /// 0 tanh, 1 exp, 2 square root.
    public static func apply(function: Int, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, count: Int) {
        var i = 0
        while i < count {
            let x = load(input + i)
            let y: Vector = switch function {
            case 0: FastMath.tanh(x)
            case 1: FastMath.exp(x)
            default: FastMath.squareRoot(x)
            }
            store(y, output + i)
            i += lanes
        }
    }
}
