import Foundation
import Testing

/// The module DAG of Package.swift's header, checked on the sources. With the
/// `MemberImportVisibility` feature every file must import each module whose members it uses, so
/// a file's imports are its real dependencies, and this test holds them to the allowed edges: a
/// new edge (the coordinator importing the training core, say) fails here until the design says
/// it may exist.
@Suite struct ModuleGraphTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Modules every target may import: the platform and the standard library's companions.
    static let system: Set<String> = ["Foundation", "Glibc", "Darwin", "Musl", "Dispatch", "Synchronization"]

    /// The allowed direct imports of each module (besides `system`).
    static let allowed: [String: Set<String>] = [
        "CZeroMQ": [], "CCPUID": [], "CSQLiteTuning": [], "CPrefetch": [],
        // The kernels' one import: a prefetch hint Swift cannot emit.
        "KernelSource": ["CPrefetch"], "KernelsAVX512": ["CPrefetch"], "KernelsAVX2": ["CPrefetch"], "KernelsBaseline": ["CPrefetch"],
        "ZeroMQ": ["CZeroMQ"],
        "Charts": [],
        "TrainingCore": ["CCPUID", "KernelsAVX", "KernelsAVX512", "KernelsAVX2", "KernelsBaseline"],
        "SweepModel": ["TrainingCore", "Yams", "Crypto"],
        // TrainingCore: report pages split the seed out of stored parameters (SeedSplit).
        // GRDBSQLite: SQLite's C API for apply's hot statements (DirectStatement).
        // CSQLiteTuning: SQLite's memory statistics off before the first connection.
        "SweepStore": ["SweepModel", "GRDB", "GRDBSQLite", "TrainingCore", "CSQLiteTuning"],
        "Reporting": ["SweepModel", "TrainingCore", "Charts", "RealModule"],
        // Progress messages carry the training core's MetricValues. The transport (channels,
        // CURVE, the ZAP handler, key files) lives here, on ZeroMQ; the ZAP handler logs.
        "SweepWire": ["SweepModel", "TrainingCore", "ZeroMQ", "Logging"],
        // Not TrainingCore: the coordinator never runs or interprets an experiment. Neither it
        // nor the worker sees ZeroMQ: they talk through SweepWire's channels.
        "Coordinator": ["SweepWire", "SweepModel", "SweepStore", "Logging"],
        "Worker": ["SweepWire", "SweepModel", "TrainingCore", "Logging"],
        // ZeroMQ only for bench dispatch's bare request-reply loop (RequestReplyBenchmark).
        "LocalCluster": ["Coordinator", "SweepWire", "SweepModel", "SweepStore", "Reporting", "Logging", "ZeroMQ", "Benchmarks"],
        // Workload generators and bare loops for `bench`; no library depends on them.
        "Benchmarks": ["Coordinator", "SweepStore", "SweepWire", "SweepModel", "TrainingCore", "ZeroMQ"],
        // A client of the coordinator: never its internals (Coordinator, SweepStore).
        "Dashboard": [
            "SweepWire", "SweepModel", "Reporting", "Charts", "Logging", "Hummingbird", "HummingbirdCore",
            "Prometheus", "CoreMetrics", "ServiceLifecycle", "UnixSignals",
        ],
    ]

    static func imports(of module: String) throws -> Set<String> {
        let directory = root.appendingPathComponent("Sources").appendingPathComponent(module)
        guard let files = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var found = Set<String>()
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for line in text.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                      words[..<at].allSatisfy({ $0.hasPrefix("@") }) else { continue }
                found.insert(String(words[at + 1]))
            }
        }
        return found
    }

    @Test(arguments: allowed.keys.sorted())
    func module_importsOnlyWhatTheDAGAllows(module: String) throws {
        let extra = try Self.imports(of: module).subtracting(Self.system).subtracting(Self.allowed[module] ?? [])
        #expect(extra.isEmpty, "\(module) imports \(extra.sorted()), which the module DAG does not allow")
    }

    @Test func everySourceModule_isInTheDAG() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)
            .filter { !$0.hasPrefix(".") }
        let unknown = Set(modules).subtracting(Self.allowed.keys).subtracting(["clustersweep"])
        #expect(unknown.isEmpty, "modules missing from the DAG check: \(unknown.sorted())")
        #expect(try Self.imports(of: "Coordinator").contains("SweepStore"), "the scan found no imports: it is broken")
    }
}
