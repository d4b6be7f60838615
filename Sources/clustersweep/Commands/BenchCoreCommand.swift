import ArgumentParser
import Foundation
import TrainingCore

/// `clustersweep bench core`: the calibrated fp32 peak of the kernel family, then ms/epoch, GFLOP/s
/// and fraction of that peak of the training step for N = 500 and 5000, D = 2 and 16 (single
/// thread), the cost of one full metric check (`ms/check`: loss and all four metrics, every pair)
/// and of one bounded check (`ms/bounded`: a sweep job's check while no threshold is near), and
/// whole default runs with their share of check time (from runs with and without checks, and from
/// each check timed on its own, docs/METRICS.md). Everything, the calibration included, is
/// timed on one clock (`--clock`, default the thread's CPU time), which the output names.
struct BenchCoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Time the training step against the calibrated peak, a metric check and whole default runs (single thread)."
    )

    @Option(help: "Seeds of the whole default runs (comma-separated; empty for none).")
    var runSeeds: String = "1,2,3"

    @Option(help: "Epochs timed per repetition for N = 500 (N = 5000 uses a tenth).")
    var epochs: Int = 4000

    @OptionGroup var kernels: KernelOptions

    @Option(help: "Clock to time with: thread-cpu (this thread's CPU time, steadier on a loaded machine) or wall.")
    var clock: String = BenchmarkClock.threadCPU.rawValue

    @Flag(help: "Also time larger problems (N = 20000; D = 1024; both at once, about 30 s more).")
    var large = false

    @Option(help: "Only these problem sizes, as NxD, comma-separated (e.g. 500x2,5000x16); replaces the default rows and --large.")
    var sizes: String?

    func validate() throws {
        guard epochs >= 10 else { throw ValidationError("--epochs must be at least 10 (got \(epochs))") }
        guard parsedSeeds != nil else { throw ValidationError("--run-seeds must be comma-separated integers (got '\(runSeeds)')") }
        if let sizes, parsedSizes == nil {
            throw ValidationError("--sizes must be comma-separated NxD pairs with N >= 3 and D >= 1 (got '\(sizes)')")
        }
        guard BenchmarkClock(rawValue: clock) != nil else {
            throw ValidationError("--clock must be one of \(BenchmarkClock.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(clock)')")
        }
    }

    private var parsedSeeds: [UInt64]? {
        let parts = runSeeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let seeds = parts.compactMap { UInt64($0) }
        return seeds.count == parts.count ? seeds : nil
    }

    /// `--sizes` as (N, D) pairs, nil when malformed.
    private var parsedSizes: [(Int, Int)]? {
        guard let sizes else { return nil }
        var result: [(Int, Int)] = []
        for part in sizes.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "x")
            guard pair.count == 2, let n = Int(pair[0]), let d = Int(pair[1]),
                  n >= 3, n <= ExperimentConfig.maxPoints, d >= 1, d <= ExperimentConfig.maxDimension else { return nil }
            result.append((n, d))
        }
        return result.isEmpty ? nil : result
    }

    func run() throws {
        let family = kernels.family
        let timer = BenchmarkClock(rawValue: clock) ?? .threadCPU
        let peak = CoreBenchmark.peakGflops(family: family, clock: timer)
        print("kernel family: \(family) (detected: \(KernelFamily.detected.rawValue); supported: \(KernelFamily.supported.map(\.rawValue).joined(separator: ", ")))")
        print("clock: \(timer.description), for every figure below (calibration included)")
        print(String(format: "calibrated fp32 peak: %.1f GFLOP/s (independent FMA chains, %d-float vectors)", peak, family.vectorLanes))
        print("training step, default network (hidden 16,16, tanh, adam), single thread:")
        print("     N    D   ms/epoch   GFLOP/s  of peak   ms/check  ms/bounded")
        var sizes = [(500, 2), (500, 16), (5000, 2), (5000, 16)]
        if large { sizes += [(20000, 2), (20000, 16), (500, 1024), (5000, 1024), (20000, 1024)] }
        if let chosen = parsedSizes { sizes = chosen }
        for (n, d) in sizes {
            let scaled = n >= 20000 ? max(epochs / 40, 10) : n >= 5000 || d >= 1024 ? max(epochs / 10, 10) : epochs
            let checks = n >= 20000 || d >= 1024 ? 2 : n >= 5000 ? 5 : 20
            let t = CoreBenchmark.step(points: n, dimension: d, epochs: scaled, checks: checks, family: family, clock: timer)
            print(String(format: "%6d %4d %10.4f %9.1f %7.0f%% %10.3f %11.3f", n, d, t.msPerEpoch, t.gflops, 100 * t.gflops / peak,
                         t.msPerCheck, t.msPerBoundedCheck))
        }
        for seed in parsedSeeds ?? [] {
            guard let r = CoreBenchmark.defaultRun(seed: seed, family: family, clock: timer) else { continue }
            let s = r.summary
            let lda = s.timeToCluster(.ldaSilhouette).map { "\($0.epoch)" } ?? "-"
            print(String(format: "whole default run (D=2, seed %llu): %@ after %d epochs (lda_silhouette at %@), %.4f ms/epoch incl. checks, %.4f without: checks %.0f%% of the run",
                         seed, s.status.rawValue, s.epochsRun, lda, r.msPerEpochWithChecks, r.msPerEpochWithoutChecks, 100 * r.checkShare))
            let w = r.checkWork
            print(String(format: "  %d checks, %.1f us each (timed around each check, best run; %.1f%% of the run): silhouette passes %d (bounded below threshold %d), LDA passes %d (bounded %d), kNN rows %.0f per check searched and %.0f settled by counting (stopped early %d)",
                         w.checks, r.microsecondsPerCheck, 100 * r.timedCheckShare, w.silhouettePasses, w.silhouetteBounded, w.ldaPasses, w.ldaBounded,
                         Double(w.knnRows) / Double(max(w.checks, 1)), Double(w.knnRowsProven) / Double(max(w.checks, 1)),
                         w.knnStoppedEarly))
        }
    }
}
