import Foundation
import Testing

/// The command lines in `deploy/` use only the documented `clustersweep` interface, and the
/// check that says so catches typos.
@Suite struct DeployCommandLineTests {
    @Test func deployFiles_useOnlyDocumentedSubcommandsAndOptions() throws {
        let commandLines = try DeployCommandLines.collect()
        let problems = commandLines.problems()
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func scan_findsTheCommandLinesOfEveryKindOfFile() throws {
        let commandLines = try DeployCommandLines.collect()
        #expect(commandLines.subcommands(inFilesContaining: "clustersweep-coordinator.service") == ["coordinator"])
        #expect(commandLines.subcommands(inFilesContaining: "clustersweep-worker@.service") == ["worker"])
        #expect(
            commandLines.subcommands(inFilesContaining: "slurm/clustersweep.sbatch")
                == ["coordinator", "worker", "keygen", "submit", "watch", "report", "workers"]
        )
        #expect(commandLines.subcommands(inFilesContaining: "clustersweep-array.sbatch") == ["worker"])
        #expect(commandLines.subcommands(inFilesContaining: "coordinator-statefulset.yaml") == ["coordinator"])
        #expect(commandLines.subcommands(inFilesContaining: "worker-deployment.yaml") == ["worker", "--version"])
        #expect(commandLines.subcommands(inFilesContaining: "kubernetes/README.md") == ["keygen", "submit", "watch", "report"])
        #expect(commandLines.subcommands(inFilesContaining: "compose.yaml") == ["coordinator", "worker"])
        #expect(commandLines.subcommands(inFilesContaining: "Containerfile") == ["--help", "--version"])
        #expect(commandLines.subcommands(inFilesContaining: "systemd/README.md").isSuperset(of: ["keygen", "submit", "watch", "report"]))
        // The sbatch script runs the secure and the insecure coordinator and workers: 2 + 2 lines.
        let sbatch = commandLines.invocations.filter { $0.location.contains("slurm/clustersweep.sbatch") }
        #expect(sbatch.filter { $0.arguments.first == "coordinator" }.count == 2)
        #expect(sbatch.filter { $0.arguments.first == "worker" }.count == 2)
    }

    /// (file under deploy/, text in it, the same text with a typo)
    static let typos: [(String, String, String)] = [
        ("slurm/clustersweep.sbatch", "--idle-exit \"$CLUSTERSWEEP_IDLE_EXIT\"", "--idle-exits \"$CLUSTERSWEEP_IDLE_EXIT\""),
        ("slurm/clustersweep.sbatch", "watch \"$SWEEP_ID\"", "wacth \"$SWEEP_ID\""),
        ("slurm/clustersweep.sbatch", "--authorized-keys \"$KEYS", "--authorised-keys \"$KEYS"),
        ("slurm/clustersweep-array.sbatch", "--connect \"$CLUSTERSWEEP_COORDINATOR\"", "--conect \"$CLUSTERSWEEP_COORDINATOR\""),
        ("systemd/clustersweep-worker@.service", "--grace-period ${", "--grace-periods ${"),
        ("systemd/clustersweep-coordinator.service", "clustersweep coordinator --bind", "clustersweep coordinater --bind"),
        ("kubernetes/worker-deployment.yaml", "- --slots", "- --slot"),
        ("kubernetes/coordinator-statefulset.yaml", "- --state\n", "- --sate\n"),
        ("kubernetes/worker-deployment.yaml", "[\"clustersweep\", \"--version\"]", "[\"clustersweep\", \"--verison\"]"),
        ("container/compose.yaml", "\"--log-format\", \"json\"]", "\"--log-format\", \"jsn\"]"),
        ("container/Containerfile", "CMD [\"--help\"]", "CMD [\"--hepl\"]"),
        ("systemd/README.md", "clustersweep report \"$id\" --out", "clustersweep report \"$id\" --output"),
    ]

    @Test(arguments: typos)
    func aTypoInADeployFile_failsTheCheck(file: String, original: String, typo: String) throws {
        let text = try DeployFiles.text(file)
        #expect(text.contains(original), "deploy/\(file) no longer contains \(original)")
        let changed = text.replacingOccurrences(of: original, with: typo)
        let commandLines = try DeployCommandLines.collect { path in
            path == file ? changed : try DeployFiles.text(path)
        }
        #expect(!commandLines.problems().isEmpty, "a typo in deploy/\(file) went unnoticed")
    }

    @Test func unitFiles_expandOnlyVariablesTheirEnvironmentSets() throws {
        for (unit, example) in [
            ("systemd/clustersweep-coordinator.service", "systemd/coordinator.env.example"),
            ("systemd/clustersweep-worker@.service", "systemd/worker.env.example"),
        ] {
            let unitText = try DeployFiles.text(unit)
            var defined = Set(
                try DeployFiles.text(example).split(separator: "\n")
                    .filter { !$0.hasPrefix("#") && $0.contains("=") }
                    .compactMap { $0.split(separator: "=").first.map(String.init) }
            )
            for line in unitText.split(separator: "\n") where line.hasPrefix("Environment=") {
                defined.formUnion(line.dropFirst("Environment=".count).split(separator: " ").compactMap { $0.split(separator: "=").first.map(String.init) })
            }
            let execStart = try #require(unitText.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
            var used: Set<String> = []
            var rest = Substring(execStart)
            while let start = rest.range(of: "${") {
                rest = rest[start.upperBound...]
                guard let end = rest.firstIndex(of: "}") else { break }
                used.insert(String(rest[..<end]))
                rest = rest[end...]
            }
            #expect(!used.isEmpty)
            #expect(used.isSubset(of: defined), "\(unit) expands \(used.subtracting(defined)), not set by \(example)")
            for name in defined where CommandLineSpec.environmentVariables.contains(name) == false {
                #expect(used.contains(name), "\(example): \(name) is neither read by clustersweep nor used by \(unit)")
            }
        }
    }
}
