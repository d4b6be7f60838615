import ArgumentParser
import Foundation
import TrainingCore

/// `clustersweep bench core`: ms/epoch and GFLOP/s of the training step for N = 500 and 5000,
/// D = 2 and 16 (single-threaded), the cost of one metric check, and whole default runs.
struct BenchCoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Time the training step, a metric check and whole default runs (single thread)."
    )

    @Option(help: "Seeds of the whole default runs (comma-separated; empty for none).")
    var runSeeds: String = "1,2,3"

    @Option(help: "Epochs timed per repetition for N = 500 (N = 5000 uses a tenth).")
    var epochs: Int = 4000

    func validate() throws {
        guard epochs >= 10 else { throw ValidationError("--epochs must be at least 10 (got \(epochs))") }
        guard parsedSeeds != nil else { throw ValidationError("--run-seeds must be comma-separated integers (got '\(runSeeds)')") }
    }

    private var parsedSeeds: [UInt64]? {
        let parts = runSeeds.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let seeds = parts.compactMap { UInt64($0) }
        return seeds.count == parts.count ? seeds : nil
    }

    func run() throws {
        print("training step, default network (hidden 16,16, tanh, adam), single thread:")
        print("     N    D   ms/epoch   GFLOP/s   ms/check")
        for (n, d) in [(500, 2), (500, 16), (5000, 2), (5000, 16)] {
            let t = CoreBenchmark.step(points: n, dimension: d, epochs: n >= 5000 ? max(epochs / 10, 10) : epochs)
            print(String(format: "%6d %4d %10.4f %9.1f %10.3f", n, d, t.msPerEpoch, t.gflops, t.msPerCheck))
        }
        for seed in parsedSeeds ?? [] {
            guard let s = CoreBenchmark.defaultRun(seed: seed) else { continue }
            let lda = s.timeToCluster(.ldaSilhouette).map { "\($0.epoch)" } ?? "-"
            print(String(format: "whole default run (D=2, seed %llu): %@ after %d epochs (lda_silhouette at %@), %.4f ms/epoch incl. checks",
                         seed, s.status.rawValue, s.epochsRun, lda, s.msPerEpoch))
        }
    }
}
