import KernelsAVX2
import KernelsAVX512
import KernelsBaseline

/// One kernel family's entry points as function values, so the engine and the evaluator dispatch
/// once per kernel call (never per vector). Only `KernelFamily.isSupported` families may be run:
/// the AVX-512 set raises SIGILL on a CPU without it. Building a table runs no code of its module
/// (function references and literal constants only; `KernelTableTests` checks the constants), so
/// naming an unsupported family is safe.
struct KernelTable: Sendable {
    typealias Forward = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Float>,
        Int, Int
    ) -> Void
    typealias SoftmaxGradient = @Sendable (
        UnsafePointer<Float>, Int, UnsafePointer<Int32>, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, Int,
        UnsafeMutablePointer<Float>
    ) -> Bool
    typealias WeightGradient = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>,
        UnsafeMutablePointer<Float>, Bool
    ) -> Void
    typealias ReduceLanes = @Sendable (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>) -> Void
    typealias Transpose = @Sendable (UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>) -> Void
    typealias InputGradient = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, Int, Int, UnsafeMutablePointer<Float>, Int, Int,
        UnsafePointer<Float>, Int
    ) -> Void
    typealias UpdatePoints = @Sendable (UnsafeMutablePointer<Float>, Int, UnsafePointer<Float>, Int, Int, Int, Float) -> Bool
    typealias Adam = @Sendable (
        UnsafeMutablePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int,
        Float, Float
    ) -> Void
    typealias SGD = @Sendable (UnsafeMutablePointer<Float>, UnsafePointer<Float>, Int, Float) -> Void
    typealias Pairwise = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Int32>, UnsafePointer<Int>, Int,
        UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Int, UnsafeMutablePointer<Float>,
        UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Float>
    ) -> Void
    typealias NeighbourRows = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Int32>, Int, UnsafePointer<Int32>, Int,
        UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Float>
    ) -> Void
    typealias CountWithinBound = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, Int, Int, Int, Int, Int, UnsafePointer<Float>,
        UnsafePointer<Int32>
    ) -> Int
    typealias BoundMoments = @Sendable (
        UnsafePointer<Float>, UnsafePointer<Float>, Int, Int, Int, Int, Bool, UnsafeMutablePointer<Double>
    ) -> Void
    typealias BoundResiduals = @Sendable (
        UnsafePointer<Float>, UnsafePointer<Float>, Int, Int, Int, Int, Bool, UnsafePointer<Double>, UnsafePointer<Double>,
        Double, Double, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>
    ) -> Double
    typealias BoundUpperSum = @Sendable (
        UnsafePointer<Float>, UnsafePointer<Double>, Int, Int, Int, Int, Double, Double, Double, Double,
        UnsafePointer<Int>, Int, UnsafePointer<Double>, UnsafePointer<Double>, UnsafePointer<Double>
    ) -> Double
    typealias Project = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Float>, UnsafePointer<Double>, UnsafePointer<Double>, Int,
        UnsafeMutablePointer<Float>
    ) -> Void
    typealias Scatter = @Sendable (
        UnsafePointer<Float>, Int, Int, UnsafePointer<Int32>, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int,
        UnsafeMutablePointer<Double>, Int
    ) -> Void
    typealias Cholesky = @Sendable (UnsafeMutablePointer<Double>, Int, Int, UnsafeMutablePointer<Double>) -> Void
    typealias FastMathApply = @Sendable (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    typealias FMAChains = @Sendable (Int, Float) -> Float

    let family: KernelFamily
    let vectorLanes: Int
    let forward: Forward
    let softmaxCrossEntropyGradient: SoftmaxGradient
    let weightGradient: WeightGradient
    let reduceLanes: ReduceLanes
    let transpose: Transpose
    let inputGradient: InputGradient
    let updatePoints: UpdatePoints
    let adam: Adam
    let sgd: SGD
    let pairwise: Pairwise
    let neighbourRows: NeighbourRows
    let countWithinBound: CountWithinBound
    let boundMoments: BoundMoments
    let boundResiduals: BoundResiduals
    let boundUpperSum: BoundUpperSum
    let project: Project
    let scatter: Scatter
    let cholesky: Cholesky
    let fastMath: FastMathApply
    let fmaChains: FMAChains
    let calibrationFlopsPerIteration: Int

    /// What `FisherKernels.scatter` and `.cholesky` need past D in a row's stride (the same in
    /// every family; `KernelTableTests` checks it).
    static let scatterStridePadding = 16
    /// Rows per batch of `DistanceKernels.neighbourRows` at large depth, which sizes its scratch
    /// (the same in every family; `KernelTableTests` checks it).
    let neighbourBatchRows = 32

    static func table(for family: KernelFamily) -> KernelTable {
        switch family {
        case .avx512: avx512
        case .avx2: avx2
        case .baseline: baseline
        }
    }

    static let avx512 = KernelTable(
        family: .avx512, vectorLanes: 16,
        forward: KernelsAVX512.DenseKernels.forward,
        softmaxCrossEntropyGradient: KernelsAVX512.DenseKernels.softmaxCrossEntropyGradient,
        weightGradient: KernelsAVX512.DenseKernels.weightGradient,
        reduceLanes: KernelsAVX512.DenseKernels.reduceLanes,
        transpose: KernelsAVX512.DenseKernels.transpose,
        inputGradient: KernelsAVX512.DenseKernels.inputGradient,
        updatePoints: KernelsAVX512.DenseKernels.updatePoints,
        adam: KernelsAVX512.OptimizerKernels.adam,
        sgd: KernelsAVX512.OptimizerKernels.sgd,
        pairwise: KernelsAVX512.DistanceKernels.pairwise,
        neighbourRows: KernelsAVX512.DistanceKernels.neighbourRows,
        countWithinBound: KernelsAVX512.DistanceKernels.countWithinBound,
        boundMoments: KernelsAVX512.BoundKernels.moments,
        boundResiduals: KernelsAVX512.BoundKernels.residuals,
        boundUpperSum: KernelsAVX512.BoundKernels.upperSum,
        project: KernelsAVX512.FisherKernels.project,
        scatter: KernelsAVX512.FisherKernels.scatter,
        cholesky: KernelsAVX512.FisherKernels.cholesky,
        fastMath: KernelsAVX512.FastMathKernels.apply,
        fmaChains: KernelsAVX512.Calibration.fmaChains,
        calibrationFlopsPerIteration: 12 * 2 * 16)

    static let avx2 = KernelTable(
        family: .avx2, vectorLanes: 8,
        forward: KernelsAVX2.DenseKernels.forward,
        softmaxCrossEntropyGradient: KernelsAVX2.DenseKernels.softmaxCrossEntropyGradient,
        weightGradient: KernelsAVX2.DenseKernels.weightGradient,
        reduceLanes: KernelsAVX2.DenseKernels.reduceLanes,
        transpose: KernelsAVX2.DenseKernels.transpose,
        inputGradient: KernelsAVX2.DenseKernels.inputGradient,
        updatePoints: KernelsAVX2.DenseKernels.updatePoints,
        adam: KernelsAVX2.OptimizerKernels.adam,
        sgd: KernelsAVX2.OptimizerKernels.sgd,
        pairwise: KernelsAVX2.DistanceKernels.pairwise,
        neighbourRows: KernelsAVX2.DistanceKernels.neighbourRows,
        countWithinBound: KernelsAVX2.DistanceKernels.countWithinBound,
        boundMoments: KernelsAVX2.BoundKernels.moments,
        boundResiduals: KernelsAVX2.BoundKernels.residuals,
        boundUpperSum: KernelsAVX2.BoundKernels.upperSum,
        project: KernelsAVX2.FisherKernels.project,
        scatter: KernelsAVX2.FisherKernels.scatter,
        cholesky: KernelsAVX2.FisherKernels.cholesky,
        fastMath: KernelsAVX2.FastMathKernels.apply,
        fmaChains: KernelsAVX2.Calibration.fmaChains,
        calibrationFlopsPerIteration: 12 * 2 * 8)

    static let baseline = KernelTable(
        family: .baseline, vectorLanes: 4,
        forward: KernelsBaseline.DenseKernels.forward,
        softmaxCrossEntropyGradient: KernelsBaseline.DenseKernels.softmaxCrossEntropyGradient,
        weightGradient: KernelsBaseline.DenseKernels.weightGradient,
        reduceLanes: KernelsBaseline.DenseKernels.reduceLanes,
        transpose: KernelsBaseline.DenseKernels.transpose,
        inputGradient: KernelsBaseline.DenseKernels.inputGradient,
        updatePoints: KernelsBaseline.DenseKernels.updatePoints,
        adam: KernelsBaseline.OptimizerKernels.adam,
        sgd: KernelsBaseline.OptimizerKernels.sgd,
        pairwise: KernelsBaseline.DistanceKernels.pairwise,
        neighbourRows: KernelsBaseline.DistanceKernels.neighbourRows,
        countWithinBound: KernelsBaseline.DistanceKernels.countWithinBound,
        boundMoments: KernelsBaseline.BoundKernels.moments,
        boundResiduals: KernelsBaseline.BoundKernels.residuals,
        boundUpperSum: KernelsBaseline.BoundKernels.upperSum,
        project: KernelsBaseline.FisherKernels.project,
        scatter: KernelsBaseline.FisherKernels.scatter,
        cholesky: KernelsBaseline.FisherKernels.cholesky,
        fastMath: KernelsBaseline.FastMathKernels.apply,
        fmaChains: KernelsBaseline.Calibration.fmaChains,
        calibrationFlopsPerIteration: 12 * 2 * 4)
}

extension Activation {
    /// The kernels' code for this activation.
    var kernelCode: Int {
        switch self {
        case .tanh: 1
        case .relu: 2
        }
    }
}
