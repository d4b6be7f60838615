/// The vector width and the few primitives every kernel is written in, chosen per kernel family
/// at compile time. The same sources are compiled three times (see Package.swift):
///
/// | family | compiler flags | `Vector` | lowers to |
/// |---|---|---|---|
/// | `KernelsAVX512` | `-target-cpu skylake-avx512`, `KERNELS_AVX512`, `KERNELS_FMA` | `SIMD16<Float>` | one zmm register |
/// | `KernelsAVX2` | `-target-cpu haswell`, `KERNELS_AVX2`, `KERNELS_FMA` | `SIMD8<Float>` | one ymm register |
/// | `KernelsBaseline` | none (x86-64 SSE2) | `SIMD4<Float>` | one xmm register |
///
/// Each family's vector is exactly one machine register, so register blocking is explicit. On the
/// baseline, `addProduct` would call libm's `fmaf` lane by lane: it multiplies and adds instead.
#if KERNELS_AVX512
typealias Vector = SIMD16<Float>
typealias IntVector = SIMD16<Int32>
#elseif KERNELS_AVX2
typealias Vector = SIMD8<Float>
typealias IntVector = SIMD8<Int32>
#else
typealias Vector = SIMD4<Float>
typealias IntVector = SIMD4<Int32>
#endif

/// Doubles in one register, and as many floats (half a `Vector`), which convert to a
/// `DoubleVector` in one instruction.
#if KERNELS_AVX512
typealias DoubleVector = SIMD8<Double>
typealias DoubleBits = SIMD8<Int64>
typealias HalfVector = SIMD8<Float>
#elseif KERNELS_AVX2
typealias DoubleVector = SIMD4<Double>
typealias DoubleBits = SIMD4<Int64>
typealias HalfVector = SIMD4<Float>
#else
typealias DoubleVector = SIMD2<Double>
typealias DoubleBits = SIMD2<Int64>
typealias HalfVector = SIMD2<Float>
#endif

/// Doubles per `DoubleVector`.
let doubleLanes = DoubleVector.scalarCount

/// `doubleLanes` floats from `p`, widened to double.
@inline(__always) func loadWidened(_ p: UnsafePointer<Float>) -> DoubleVector {
    DoubleVector(UnsafeRawPointer(p).loadUnaligned(as: HalfVector.self))
}

@inline(__always) func load(_ p: UnsafePointer<Double>) -> DoubleVector {
    UnsafeRawPointer(p).loadUnaligned(as: DoubleVector.self)
}

@inline(__always) func store(_ v: DoubleVector, _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: DoubleVector.self)
}

/// Floats per vector of this family.
let lanes = Vector.scalarCount

@inline(__always) func load(_ p: UnsafePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
}

@inline(__always) func load(_ p: UnsafeMutablePointer<Float>) -> Vector {
    UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
}

@inline(__always) func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
}

/// `acc += a * b`, fused where the family has FMA.
@inline(__always) func multiplyAdd(_ acc: inout Vector, _ a: Vector, _ b: Vector) {
    #if KERNELS_FMA
    acc.addProduct(a, b)
    #else
    acc += a * b
    #endif
}

/// `a * b + c`, fused where the family has FMA.
@inline(__always) func multiplyAdding(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
    #if KERNELS_FMA
    c.addingProduct(a, b)
    #else
    a * b + c
    #endif
}

/// The sum of the lanes by halving (a fixed order, so results are reproducible in a family).
@inline(__always) func horizontalSum(_ v: Vector) -> Float {
    #if KERNELS_AVX512
    let h8 = v.lowHalf + v.highHalf
    let h4 = h8.lowHalf + h8.highHalf
    #elseif KERNELS_AVX2
    let h4 = v.lowHalf + v.highHalf
    #else
    let h4 = v
    #endif
    let h2 = h4.lowHalf + h4.highHalf
    return h2.x + h2.y
}

/// The name of the family these sources were compiled as.
public enum KernelBuild {
    #if KERNELS_AVX512
    public static let family = "avx512"
    #elseif KERNELS_AVX2
    public static let family = "avx2"
    #else
    public static let family = "baseline"
    #endif
    /// Floats per vector register the kernels use.
    public static let vectorLanes = Vector.scalarCount
}
