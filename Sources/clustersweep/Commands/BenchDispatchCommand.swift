import ArgumentParser
import Foundation
import LocalCluster
import Logging

/// `clustersweep bench dispatch`: end-to-end dispatch speed of `noop` jobs through an embedded
/// coordinator and worker processes of this binary, every result committed, plus memory.
struct BenchDispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Time noop jobs through a coordinator and worker processes, every result committed.",
        discussion: """
            Starts a coordinator on a temporary state file in this process, spawns --workers \
            worker processes of this binary (--slots each), measures their idle memory, submits \
            --jobs noop jobs and reports jobs/s from the first assignment to the last committed \
            result (times from the store), the coordinator's CPU per job while dispatching, then the \
            latency of a 1-job sweep; then the same number of round trips through a bare ZeroMQ \
            request-reply loop between as many processes (one message in flight each), and the \
            ratio of the two rates. Build with \
            `make release` (release mode with the CPU flags) for meaningful figures.
            """)

    @Option(help: "Noop jobs in the sweep.")
    var jobs: Int = 20_000

    @Option(help: "Worker processes to spawn.")
    var workers: Int = 2

    @Option(help: "Slots per worker.")
    var slots: Int = 2

    @Option(help: "Jobs each worker may hold beyond its slots (both sides' prefetch).")
    var prefetch: Int?

    @Flag(inversion: .prefixedNo, help: "Also time a bare ZeroMQ request-reply loop (one message in flight per process, no persistence) between as many processes, and print the ratio.")
    var bareLoop = true

    @Flag(help: "Attach a 'clustersweep dashboard' process (127.0.0.1, a free port) to the coordinator during the run.")
    var withDashboard = false

    func validate() throws {
        guard (1...1_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 1 and 1000000 (got \(jobs))") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be between 1 and 64 (got \(workers))") }
        guard (1...64).contains(slots) else { throw ValidationError("--slots must be between 1 and 64 (got \(slots))") }
        if let prefetch, !(0...4096).contains(prefetch) { throw ValidationError("--prefetch must be between 0 and 4096 (got \(prefetch))") }
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        var configuration = DispatchBenchmark.Configuration(
            workerExecutable: URL(fileURLWithPath: ProcessMemory.executablePath))
        configuration.jobs = jobs
        configuration.workers = workers
        configuration.slots = slots
        configuration.prefetch = prefetch
        configuration.bareLoop = bareLoop
        let dashboard = AttachedDashboard()
        defer { dashboard.stop() }
        if withDashboard {
            configuration.onCoordinatorReady = { endpoint in dashboard.start(coordinator: endpoint) }
        }
        let result: DispatchBenchmark.Result
        do {
            result = try DispatchBenchmark(configuration: configuration, logger: Logger(label: "clustersweep.coordinator")).run()
        } catch {
            throw CommandFailure("bench dispatch: \(error)")
        }
        dashboard.stop()
        for line in result.lines { print(line) }
        if withDashboard { print("with a dashboard process attached (its own CPU is not counted above): \(dashboard.cpuText)") }
        guard result.verified else {
            throw CommandFailure("bench dispatch: the store does not hold every job exactly once")
        }
    }
}
