import KernelsAVX2
import KernelsAVX512
import KernelsBaseline
import Testing
@testable import TrainingCore

/// What is and is not the same across kernel families: bit-identical runs within one family; across
/// families (different vector widths and fused or separate multiply-adds) the time to cluster may
/// move by a check or two, and this pins by how much.
@Suite struct KernelFamilyTests {
    static func run(seed: UInt64, family: KernelFamily) throws -> ExperimentOutcome {
        var config = ExperimentConfig()
        config.points = 200
        config.seed = seed
        config.snapshotEpochs = []
        var run = try ExperimentRun(config: config)
        run.kernelFamily = family
        return run.run()
    }

    @Test func detectedFamily_isSupportedAndWidestFirst() {
        #expect(KernelFamily.detected.isSupported)
        #expect(KernelFamily.supported.first == KernelFamily.detected)
        #expect(KernelFamily.baseline.isSupported)
        print("kernel families this CPU runs: \(KernelFamily.supported.map(\.rawValue))")
    }

    @Test(arguments: KernelFamily.allCases)
    func run_isBitIdenticalWithinAFamily(_ family: KernelFamily) throws {
        guard runnable(family) else { return }
        let a = try Self.run(seed: 4, family: family)
        let b = try Self.run(seed: 4, family: family)
        #expect(a.curve.map(\.values) == b.curve.map(\.values))
        #expect(a.finalState == b.finalState)
        #expect(a.summary.kernelFamily == family)
    }

    /// Seeds 1-3 at the defaults (N = 200): every family's time to cluster under each metric is
    /// within 2 checks (50 epochs) of the AVX-512 family's, or of the widest family this CPU runs.
    @Test(arguments: [1, 2, 3] as [UInt64])
    func timeToCluster_movesByAtMostTwoChecksAcrossFamilies(_ seed: UInt64) throws {
        let families = KernelFamily.supported
        let reference = try Self.run(seed: seed, family: families[0]).summary
        for family in families.dropFirst() {
            let other = try Self.run(seed: seed, family: family).summary
            for metric in ClusterMetric.allCases {
                let a = reference.timeToCluster(metric)?.epoch, b = other.timeToCluster(metric)?.epoch
                print("seed \(seed) \(metric): \(families[0].rawValue) \(a.map(String.init) ?? "-"), \(family.rawValue) \(b.map(String.init) ?? "-")")
                if let a, let b {
                    #expect(abs(a - b) <= 2 * reference.config.checkEvery, "seed \(seed) \(metric) \(family)")
                } else {
                    // A metric may be reached in one family and not the other only when the run
                    // stopped first: then both stopped within two checks of each other.
                    #expect(abs(reference.epochsRun - other.epochsRun) <= 2 * reference.config.checkEvery)
                }
            }
        }
    }
}

/// The dispatch table's literal constants agree with what each supported family was compiled as.
@Suite struct KernelTableTests {
    @Test(arguments: KernelFamily.allCases)
    func tableConstants_matchTheCompiledFamily(_ family: KernelFamily) {
        guard runnable(family) else { return }
        let table = KernelTable.table(for: family)
        let compiled: (name: String, lanes: Int, flops: Int) = switch family {
        case .avx512: (KernelsAVX512.KernelBuild.family, KernelsAVX512.KernelBuild.vectorLanes, KernelsAVX512.Calibration.flopsPerIteration)
        case .avx2: (KernelsAVX2.KernelBuild.family, KernelsAVX2.KernelBuild.vectorLanes, KernelsAVX2.Calibration.flopsPerIteration)
        case .baseline: (KernelsBaseline.KernelBuild.family, KernelsBaseline.KernelBuild.vectorLanes, KernelsBaseline.Calibration.flopsPerIteration)
        }
        #expect(compiled.name == family.rawValue)
        #expect(table.vectorLanes == compiled.lanes)
        #expect(table.calibrationFlopsPerIteration == compiled.flops)
        let padding = switch family {
        case .avx512: KernelsAVX512.FisherKernels.stridePadding
        case .avx2: KernelsAVX2.FisherKernels.stridePadding
        case .baseline: KernelsBaseline.FisherKernels.stridePadding
        }
        #expect(padding == KernelTable.scatterStridePadding)
        let batch = switch family {
        case .avx512: KernelsAVX512.DistanceKernels.batchRows
        case .avx2: KernelsAVX2.DistanceKernels.batchRows
        case .baseline: KernelsBaseline.DistanceKernels.batchRows
        }
        #expect(batch == table.neighbourBatchRows)
    }
}

/// The fused step (chunks of points through all layers, lane accumulators carried across chunks)
/// gives the same bits whatever the chunk size, also when a metric check's forward pass is reused.
@Suite struct FusedStepTests {
    static func trajectory(
        family: KernelFamily, chunk: Int?, config: ExperimentConfig, lossEvery: Int
    ) -> (parameters: [Float], points: [Float], losses: [Double], finite: Bool) {
        let resolved = config.resolved()
        let state = InitialState.draw(for: resolved)
        let engine = TrainingEngine(config: resolved, kernels: family, chunkPoints: chunk)
        let scale = resolved.effectiveInputScale
        engine.load(
            points: state.points.flatMap { $0.map { Float($0 * scale) } }, labels: state.labels.map { Int32($0) },
            parameters: state.layers.flatMap { $0.weights.flatMap { $0 } + $0.bias })
        var losses: [Double] = []
        var finite = true
        for epoch in 0..<60 {
            if epoch % lossEvery == 0 { losses.append(engine.loss()) }
            finite = engine.step() && finite
        }
        return (engine.parameterArray(), engine.pointRows(), losses, finite)
    }

    /// How many values differ in their bits (or all, when the lengths differ).
    static func differing(_ a: [Float], _ b: [Float]) -> Int {
        a.count == b.count ? zip(a, b).filter { $0.bitPattern != $1.bitPattern }.count : max(a.count, b.count)
    }

    @Test(arguments: KernelFamily.allCases)
    func step_isBitIdenticalForEveryChunkSize(_ family: KernelFamily) {
        guard runnable(family) else { return }
        var d2 = ExperimentConfig()
        d2.points = 300
        d2.seed = 5
        var wide = ExperimentConfig()
        wide.points = 170
        wide.dimension = 80
        wide.hidden = [24, 9]
        wide.classes = 4
        wide.activation = .relu
        wide.seed = 6
        for config in [d2, wide] {
            let reference = Self.trajectory(family: family, chunk: 4096, config: config, lossEvery: 1000)
            for chunk in [32, 96, 256] {
                for lossEvery in [1000, 7] {
                    let run = Self.trajectory(family: family, chunk: chunk, config: config, lossEvery: lossEvery)
                    let label = "\(family) D=\(config.dimension) chunk \(chunk) loss every \(lossEvery)"
                    #expect(Self.differing(run.parameters, reference.parameters) == 0, "parameters, \(label)")
                    #expect(Self.differing(run.points, reference.points) == 0, "points, \(label)")
                    #expect(run.finite && reference.finite)
                    #expect(run.losses.first == reference.losses.first)
                }
            }
        }
    }
}
