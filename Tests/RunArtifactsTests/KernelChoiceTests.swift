import Foundation
import Testing
import TrainingCore

/// `--kernels` and the portable binary's own choice, as a user meets them: the built binary run
/// natively with each family pinned, and under QEMU's user-mode emulation of CPUs without
/// AVX-512 (a Zen 3 EPYC) and without AVX (a Nehalem), where it must pick `avx2` and `baseline`
/// by itself and give the same bits as those families pinned on this machine.
@Suite(.serialized) struct KernelChoiceTests {
    static let qemu = ["/usr/bin/qemu-x86_64", "/usr/local/bin/qemu-x86_64"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// A run short enough for emulation (about a second) that still records a curve.
    static let run = ["train", "--points", "120", "--max-epochs", "300", "--seed", "4"]

    /// Runs the binary, under `qemu -cpu MODEL` when a model is given.
    static func train(_ arguments: [String], emulating model: String? = nil) throws -> (status: Int32, output: String) {
        guard let model else { return try TrainCommandTests.run(arguments) }
        let qemu = try #require(Self.qemu)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: qemu)
        process.arguments = ["-cpu", model, TrainCommandTests.binary.path] + arguments
        // Both streams into one file (small outputs; a file never blocks the child).
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("qemu-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        // QEMU warns about CPUID bits it does not emulate; those lines are not the program's.
        let output = try String(contentsOf: log, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("qemu-x86_64: warning") }.joined(separator: "\n")
        return (process.terminationStatus, output)
    }

    static func files(of directory: URL) throws -> (family: String?, curve: String) {
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("summary.json")))
        let family = (summary as? [String: Any])?["kernel_family"] as? String
        let curve = try String(contentsOf: directory.appendingPathComponent("curve.csv"), encoding: .utf8)
        return (family, curve)
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kernels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func unknownFamily_exitsNonZero_namingTheFamilies() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path), "build first: swift build")
        let (status, output) = try TrainCommandTests.run(Self.run + ["--kernels", "avx9"])
        #expect(status != 0)
        #expect(output.contains("--kernels must be one of avx512, avx2, baseline (got 'avx9')"), "\(output)")
    }

    /// `CLUSTERSWEEP_KERNELS` stands in for the flag (deployments pass settings by environment);
    /// a bad value is refused naming the variable.
    @Test func environmentVariable_choosesTheFamily_andABadOneIsRefused() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func train(_ arguments: [String], kernels: String) throws -> (status: Int32, output: String) {
            try TrainCommandTests.run(arguments, environment: ["CLUSTERSWEEP_KERNELS": kernels])
        }
        let chosen = try train(Self.run + ["--out", directory.path, "--force"], kernels: "baseline")
        #expect(chosen.status == 0, "\(chosen.output)")
        #expect(try Self.files(of: directory).family == "baseline")
        let refused = try train(Self.run, kernels: "sse9")
        #expect(refused.status != 0)
        #expect(refused.output.contains("CLUSTERSWEEP_KERNELS must be one of avx512, avx2, baseline (got 'sse9')"), "\(refused.output)")
        // The flag wins over the variable.
        let flag = try train(Self.run + ["--kernels", "baseline", "--out", directory.path, "--force"], kernels: "sse9")
        #expect(flag.status == 0, "\(flag.output)")
    }

    /// Every family this CPU runs can be pinned, and the run records the one that ran.
    @Test(arguments: KernelFamily.supported)
    func pinnedFamily_runsAndIsRecorded(_ family: KernelFamily) throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (status, output) = try TrainCommandTests.run(Self.run + ["--kernels", family.rawValue, "--out", directory.path, "--force"])
        #expect(status == 0, "\(output)")
        #expect(try Self.files(of: directory).family == family.rawValue)
    }

    /// The release binary's promise on the CPUs of a mixed cluster, checked on emulated ones.
    @Test(
        .enabled(if: qemu != nil, "needs qemu-user (make test installs it)"),
        arguments: [("EPYC-Milan", KernelFamily.avx2), ("Nehalem", .baseline)])
    func portableBinary_onACPUWithoutWiderVectors_picksItsFamily_bitForBit(model: String, family: KernelFamily) throws {
        try #require(FileManager.default.isExecutableFile(atPath: TrainCommandTests.binary.path))
        guard family.isSupported else { return }
        let emulated = try Self.temporaryDirectory(), native = try Self.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(at: emulated)
            try? FileManager.default.removeItem(at: native)
        }
        let there = try Self.train(Self.run + ["--out", emulated.path, "--force"], emulating: model)
        #expect(there.status == 0, "\(there.output)")
        let here = try TrainCommandTests.run(Self.run + ["--kernels", family.rawValue, "--out", native.path, "--force"])
        #expect(here.status == 0, "\(here.output)")
        let (emulatedRun, nativeRun) = (try Self.files(of: emulated), try Self.files(of: native))
        #expect(emulatedRun.family == family.rawValue, "\(model) ran \(emulatedRun.family ?? "nothing")")
        #expect(emulatedRun.curve == nativeRun.curve, "\(model) and --kernels \(family.rawValue) here differ")
        #expect(emulatedRun.curve.split(separator: "\n").count > 5)
        // A family wider than the CPU runs is refused there, naming what it runs.
        if family == .baseline {
            let refused = try Self.train(Self.run + ["--kernels", "avx2"], emulating: model)
            #expect(refused.status != 0)
            #expect(refused.output.contains("--kernels avx2: this CPU does not run that family (it runs: baseline)"), "\(refused.output)")
        }
    }
}
