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
