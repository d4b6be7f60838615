import ArgumentParser
import Foundation
import TrainingCore

/// `--kernels`: which compiled kernel family trains (`train`, `worker`, `run`, `bench core`).
///
/// Results are bit-identical for a seed within one family but may differ by a check across
/// families, so a cluster of mixed CPUs can pin one family on every node (the widest they all
/// run) and get the same results wherever a job lands; `summary.json` and each job's result
/// record the family that ran. `CLUSTERSWEEP_KERNELS` sets it where a deployment passes settings
/// by environment (systemd environment files, Kubernetes, Slurm).
struct KernelOptions: ParsableArguments {
    static let environmentVariable = "CLUSTERSWEEP_KERNELS"

    @Option(
        help: ArgumentHelp(
            "Kernel family: avx512, avx2 or baseline (default: $\(environmentVariable), else the widest this CPU runs).",
            discussion: "Results are bit-identical for a seed within one family; pin one to get the same results on every CPU.",
            valueName: "family"))
    var kernels: String?

    func validate() throws {
        _ = try chosen()
    }

    /// The family to run: the one asked for, or the widest this CPU runs.
    var family: KernelFamily {
        (try? chosen()) ?? .detected
    }

    /// The name asked for and where: the flag, else the environment variable (unless empty).
    private var request: (name: String, source: String)? {
        if let kernels { return (kernels, "--kernels") }
        guard let value = ProcessInfo.processInfo.environment[Self.environmentVariable], !value.isEmpty else { return nil }
        return (value, Self.environmentVariable)
    }

    /// The family asked for, checked against this CPU; the detected one when none was asked for.
    func chosen() throws -> KernelFamily {
        guard let (name, source) = request else { return .detected }
        guard let family = KernelFamily(rawValue: name) else {
            let names = KernelFamily.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(source) must be one of \(names) (got '\(name)')")
        }
        guard family.isSupported else {
            let supported = KernelFamily.supported.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("\(source) \(name): this CPU does not run that family (it runs: \(supported))")
        }
        return family
    }

    /// The arguments that pass this choice on to a child process (`run`'s local workers).
    var arguments: [String] {
        request.map { ["--kernels", $0.name] } ?? []
    }
}
