// swift-tools-version:6.1
// ClusterSweep: a distributed sweep tool for the "explainable clustering" experiment.
//
// Modules form a DAG (arrows point to what a module uses):
//   CZeroMQ       the libzmq system library; only ZeroMQ imports it
//   ZeroMQ        -> CZeroMQ                       safe sockets, messages, poller, CURVE
//   TrainingCore  -> Kernels*, CCPUID (no I/O)     data, MLP, optimizers, metrics, time-to-cluster
//   Kernels*      -> CPrefetch                     the same kernel sources (Sources/KernelSource),
//                                                  compiled per x86-64 level; chosen by CPUID
//   CPrefetch     (C header)                       a software prefetch hint; only the kernels use it
//   CCPUID        (C header)                       the CPUID/XGETBV queries; only TrainingCore uses it
//   CSQLiteTuning (C header)                       sqlite3_config before SQLite starts; only SweepStore uses it
//   Charts        (no dependencies)                SVG charts: scatter, lines, bands, step curves
//   SweepModel    -> TrainingCore, Yams, Crypto    sweep files, job plans and ids, records
//   SweepStore    -> SweepModel, GRDB(+SQLite)     the durable SQLite result store
//   Reporting     -> SweepModel, Charts, RealModule  report.json/html/csv, survival statistics, train artefacts
//   SweepWire     -> SweepModel, ZeroMQ            protocol messages, codec, and the transport: channels,
//                                                  CURVE/ZAP, key files (Coordinator and Worker never see ZeroMQ)
//   Coordinator   -> SweepWire, SweepStore         scheduler state machine + event loop
//   Worker        -> SweepWire, TrainingCore       job slots, heartbeats, reconnects
//   Benchmarks    -> Coordinator, SweepStore, SweepWire, ZeroMQ   workload generators and bare loops
//                                                  the benches measure against (no library needs them)
//   LocalCluster  -> Coordinator, Reporting, Benchmarks  embedded coordinator + local workers (`run`, benches)
//   Dashboard     -> SweepWire, Reporting, Hummingbird, Prometheus   live page, /metrics, report downloads
//   clustersweep  -> everything, ArgumentParser    the thin command-line executable
//
// SweepModel depends on TrainingCore for the experiment's own types (ExperimentConfig,
// TrainSummary) instead of restating them; TrainingCore stays pure, so this costs nothing.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One kernel family: the shared sources in Sources/KernelSource (each family's folder holds
/// symlinks to them), compiled for one x86-64 level. `-target-cpu` needs `unsafeFlags`, which
/// SwiftPM allows in a root package. TrainingCore picks the widest family the CPU runs (CPUID) at
/// start-up, so the release binary is portable; README "Speed and CPU flags" has the measurements.
/// CPrefetch gives them the one instruction Swift cannot emit (a prefetch hint).
func kernelFamily(_ name: String, cpu: String?, defines: [String]) -> Target {
    var settings = swiftSettings + defines.map { SwiftSetting.define($0) }
    if let cpu { settings.append(.unsafeFlags(["-target-cpu", cpu])) }
    // Optimised in debug builds too: the tests train real runs on these kernels, which are ~50x
    // slower at -Onone, and the three small targets compile in seconds either way.
    settings.append(.unsafeFlags(["-O"], .when(configuration: .debug)))
    return .target(name: name, dependencies: ["CPrefetch"], swiftSettings: settings)
}

let package = Package(
    name: "ClusterSweep",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clustersweep", targets: ["clustersweep"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
    ],
    targets: [
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ"),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], swiftSettings: swiftSettings),
        .target(name: "CCPUID"),
        .target(name: "CPrefetch"),
        kernelFamily("KernelsAVX512", cpu: "skylake-avx512", defines: ["KERNELS_AVX512", "KERNELS_FMA"]),
        kernelFamily("KernelsAVX2", cpu: "haswell", defines: ["KERNELS_AVX2", "KERNELS_FMA"]),
        kernelFamily("KernelsBaseline", cpu: nil, defines: []),
        .target(
            name: "TrainingCore",
            dependencies: ["CCPUID", "KernelsAVX512", "KernelsAVX2", "KernelsBaseline"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Charts", swiftSettings: swiftSettings),
        .target(
            name: "SweepModel",
            dependencies: [
                "TrainingCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // sqlite3_config (variadic, so not callable from Swift): SweepStore turns SQLite's memory
        // statistics off before its first connection (a mutex around every SQLite allocation).
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),
        .target(
            name: "SweepStore",
            dependencies: [
                "SweepModel", "CSQLiteTuning", .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the statements of the dispatch hot path (DirectStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reporting",
            dependencies: ["SweepModel", "TrainingCore", "Charts", .product(name: "RealModule", package: "swift-numerics")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SweepWire",
            dependencies: ["SweepModel", "ZeroMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .target(
            name: "Coordinator",
            dependencies: [
                "SweepWire", "SweepModel", "SweepStore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Worker",
            dependencies: [
                "SweepWire", "SweepModel", "TrainingCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Benchmarks",
            dependencies: ["Coordinator", "SweepStore", "SweepWire", "SweepModel", "TrainingCore", "ZeroMQ"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LocalCluster",
            dependencies: [
                "Coordinator", "SweepWire", "SweepModel", "SweepStore", "Reporting", "Benchmarks", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Dashboard",
            dependencies: [
                "SweepWire", "SweepModel", "Reporting", "Charts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "clustersweep",
            dependencies: [
                "ZeroMQ", "TrainingCore", "Charts", "SweepModel", "SweepStore", "Reporting",
                "SweepWire", "Coordinator", "Worker", "LocalCluster", "Dashboard", "Benchmarks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TrainingCoreTests",
            dependencies: ["TrainingCore", "KernelsAVX512", "KernelsAVX2", "KernelsBaseline"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ChartsTests", dependencies: ["Charts"], swiftSettings: swiftSettings),
        .testTarget(name: "SweepModelTests", dependencies: ["SweepModel"], swiftSettings: swiftSettings),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "SweepModel", "TrainingCore", "Charts"], resources: [.copy("Golden"), .copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(name: "SweepStoreTests", dependencies: ["SweepStore", "Benchmarks"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .executableTarget(name: "store-crash-writer", dependencies: ["SweepStore", "Benchmarks"], path: "Tests/Support/StoreCrashWriter", swiftSettings: swiftSettings),
        .testTarget(
            name: "SweepWireTests", dependencies: ["SweepWire", "SweepModel", "ZeroMQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        .testTarget(name: "WorkerTests", dependencies: ["Worker"], swiftSettings: swiftSettings),
        // WorkerSessions against the real Scheduler, in memory (the modules never import each other).
        .testTarget(
            name: "WorkerSimulationTests",
            dependencies: ["Worker", "Coordinator", "SweepWire", "SweepModel", "SweepStore", "TrainingCore", "SchedulerSimulationSupport"],
            swiftSettings: swiftSettings),
        .testTarget(name: "RunArtifactsTests", dependencies: ["Reporting", "Charts", "TrainingCore"], swiftSettings: swiftSettings),
        // The in-memory store and seeded generator of the scheduler and worker simulations.
        .target(
            name: "SchedulerSimulationSupport", dependencies: ["Coordinator", "SweepStore", "SweepModel"],
            path: "Tests/Support/SchedulerSimulationSupport", swiftSettings: swiftSettings),
        .testTarget(name: "CoordinatorTests", dependencies: ["Coordinator", "Benchmarks", "SchedulerSimulationSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "EndToEndTests", dependencies: ["SweepModel", "SweepStore", "SweepWire", "ZeroMQ", "Worker", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: swiftSettings),
        .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "SweepModel", "SweepWire", "Reporting"], swiftSettings: swiftSettings),
        .testTarget(name: "DeployTests", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: swiftSettings),
    ]
)
