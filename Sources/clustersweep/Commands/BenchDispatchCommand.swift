import ArgumentParser
import Coordinator
import Foundation
import LocalCluster
import Logging
import SweepModel
import SweepStore
import SweepWire
import Synchronization

/// `clustersweep bench dispatch`: end-to-end dispatch speed of `noop` jobs through an embedded
/// coordinator and worker processes of this binary, every result committed, plus memory.
struct BenchDispatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch",
        abstract: "Time noop jobs through a coordinator and worker processes, every result committed.",
        discussion: """
            Starts a coordinator on a temporary state file in this process, spawns --workers \
            worker processes of this binary (2 slots each), measures their idle memory, submits \
            --jobs noop jobs and reports jobs/s from the first assignment to the last committed \
            result (times from the store), then the latency of a 1-job sweep. Build with \
            `swift build -c release` for meaningful figures.
            """)

    @Option(help: "Noop jobs in the sweep.")
    var jobs: Int = 20_000

    @Option(help: "Worker processes to spawn.")
    var workers: Int = 2

    @Option(help: "Slots per worker.")
    var slots: Int = 2

    @Option(help: "Jobs each worker may hold beyond its slots (both sides' prefetch).")
    var prefetch: Int?

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
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clustersweep-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath = directory.appendingPathComponent("state.sqlite").path

        var configuration = CoordinatorConfiguration(bind: "tcp://127.0.0.1:0", statePath: statePath)
        if let prefetch { configuration.scheduler.prefetchPerWorker = prefetch }
        let started = ContinuousClock.now
        let coordinator = try BenchCoordinator(configuration: configuration)
        let pool = try LocalWorkerPool(
            count: workers, executable: URL(fileURLWithPath: ProcessMemory.executablePath), endpoint: coordinator.endpoint,
            slots: slots, logDirectory: directory, extraArguments: prefetch.map { ["--prefetch", "\($0)"] } ?? [])
        defer {
            coordinator.stop()
            pool.stop(grace: .zero)
        }
        let processes = pool.processes
        let client = try CoordinatorClient(endpoint: coordinator.endpoint, timeoutSeconds: 30)
        try waitForWorkers(client)
        let connected = ContinuousClock.now - started
        Thread.sleep(forTimeInterval: 0.5)
        let idleCoordinator = ProcessMemory.residentBytes(of: getpid())
        let idleWorkers = processes.map { ProcessMemory.residentBytes(of: $0.processIdentifier) }
        print("coordinator + \(workers) workers up and connected in \(format(connected.seconds)) s")
        let pids = [getpid()] + processes.map(\.processIdentifier)
        print("idle RSS: coordinator \(mb(idleCoordinator)), workers \(idleWorkers.map(mb).joined(separator: ", ")), "
            + "together \(mb(idleCoordinator + idleWorkers.reduce(0, +))) (shared library pages counted in each)")
        print("idle PSS together: \(mb(pids.map(ProcessMemory.proportionalBytes).reduce(0, +))); "
            + "private anonymous: \(pids.map { mb(ProcessMemory.anonymousBytes(of: $0)) }.joined(separator: ", "))")

        let cpuBefore = ([getpid()] + processes.map(\.processIdentifier)).map(ProcessMemory.cpuSeconds)
        let sweep = try submit(client, name: "bench-dispatch", jobs: jobs)
        try waitUntilDone(client, sweep: sweep)
        let cpuAfter = ([getpid()] + processes.map(\.processIdentifier)).map(ProcessMemory.cpuSeconds)
        let cpu = zip(cpuAfter, cpuBefore).map { $0 - $1 }
        let store = try ResultStore(path: statePath, readOnly: true)
        let records = try store.jobRecords(sweep: sweep)
        let check = Self.verify(records)
        let busyCoordinator = ProcessMemory.residentBytes(of: getpid())
        let busyWorkers = processes.map { ProcessMemory.residentBytes(of: $0.processIdentifier) }
        print("\(jobs) noop jobs, \(workers) workers x \(slots) slots: \(Int(check.jobsPerSecond)) jobs/s "
            + "(first assignment to last committed result: \(format(check.seconds)) s)")
        print("verified: \(check.completedOnce)/\(jobs) jobs completed exactly once with one completed attempt"
            + (check.problems.isEmpty ? "" : "; problems: \(check.problems.prefix(3).joined(separator: "; "))"))
        print("CPU seconds during the run: coordinator process \(format(cpu[0])), workers "
            + cpu.dropFirst().map(format).joined(separator: ", "))
        print("RSS after the run: coordinator \(mb(busyCoordinator)), workers \(busyWorkers.map(mb).joined(separator: ", "))")

        let latencyStart = ContinuousClock.now
        let single = try submit(client, name: "bench-dispatch-single", jobs: 1, firstSeed: jobs)
        try waitUntilDone(client, sweep: single, pollSeconds: 0.002)
        print("1-job sweep, workers connected: submit to done (seen by a polling client) \(format((ContinuousClock.now - latencyStart).seconds * 1000)) ms")
        let statusStart = ContinuousClock.now
        _ = try client.send(.status(.init(sweep: nil)))
        print("status round trip (idle): \(format((ContinuousClock.now - statusStart).seconds * 1000)) ms")

        coordinator.stop(shutdownWorkers: true)
        pool.stop(grace: .seconds(10))
        guard check.problems.isEmpty, check.completedOnce == jobs else {
            throw CommandFailure("bench dispatch: the store does not hold every job exactly once")
        }
    }

    // MARK: - Steps

    private func waitForWorkers(_ client: CoordinatorClient) throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if case .workers(let list) = try client.send(.workers), list.workers.count >= workers { return }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw CommandFailure("bench dispatch: the workers did not connect within 30 s")
    }

    private func submit(_ client: CoordinatorClient, name: String, jobs: Int, firstSeed: Int = 0) throws -> SweepID {
        let text = """
            version: 1
            name: \(name)
            kind: noop
            seeds: \(firstSeed)..\(firstSeed + jobs - 1)
            max_attempts: 3
            job_timeout_seconds: 60
            """
        let reply = try client.send(.submit(.init(sourceText: text, sourceName: "\(name).yaml")))
        guard case .submitted(let submitted) = reply else { throw CommandFailure("bench dispatch: submit answered \(reply)") }
        return submitted.sweep
    }

    private func waitUntilDone(_ client: CoordinatorClient, sweep: SweepID, pollSeconds: Double = 0.05) throws {
        let deadline = ContinuousClock.now + .seconds(600)
        while ContinuousClock.now < deadline {
            let reply = try client.send(.status(.init(sweep: sweep)))
            guard case .status(let status) = reply, let progress = status.sweeps.first else {
                throw CommandFailure("bench dispatch: status answered \(reply)")
            }
            if progress.counts.pending + progress.counts.running == 0 { return }
            Thread.sleep(forTimeInterval: pollSeconds)
        }
        throw CommandFailure("bench dispatch: the sweep did not finish within 600 s")
    }

    /// Checks every job has one result from its one completed attempt; times from the store.
    static func verify(_ records: [JobRecord]) -> (completedOnce: Int, problems: [String], seconds: Double, jobsPerSecond: Double) {
        var problems: [String] = []
        var completedOnce = 0
        var first = Date.distantFuture
        var last = Date.distantPast
        for record in records {
            let completed = record.attempts.filter { $0.outcome == .completed }
            if record.status.isCompleted && record.result != nil && completed.count == 1 {
                completedOnce += 1
            } else {
                problems.append("job \(record.id.short): status \(record.status.rawValue), \(completed.count) completed attempts")
            }
            for attempt in record.attempts {
                first = min(first, attempt.startedAt)
                if let ended = attempt.endedAt { last = max(last, ended) }
            }
        }
        let seconds = max(last.timeIntervalSince(first), 1e-6)
        return (completedOnce, problems, seconds, Double(completedOnce) / seconds)
    }

    private func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}

/// A coordinator running on its own thread inside this process (for `bench dispatch`).
private final class BenchCoordinator: Sendable {
    let service: CoordinatorService
    let endpoint: String
    private let done = DispatchSemaphore(value: 0)

    /// What the coordinator thread reports back at start-up: the bound endpoint or the failure.
    private final class Startup: Sendable {
        let ready = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<String, CommandFailure>?>(nil)
    }

    init(configuration: CoordinatorConfiguration) throws {
        let service = try CoordinatorService(configuration: configuration, logger: Logger(label: "clustersweep.coordinator"))
        self.service = service
        let startup = Startup()
        let thread = Thread { [done] in
            do {
                try service.run { endpoint in
                    startup.outcome.withLock { $0 = .success(endpoint) }
                    startup.ready.signal()
                }
            } catch {
                startup.outcome.withLock { $0 = $0 ?? .failure(CommandFailure("coordinator: \(error)")) }
                startup.ready.signal()
            }
            done.signal()
        }
        thread.start()
        startup.ready.wait()
        endpoint = try startup.outcome.withLock { $0 ?? .failure(CommandFailure("coordinator did not start")) }.get()
    }

    /// Stops the coordinator and waits for its thread (idempotent).
    func stop(shutdownWorkers: Bool = false) {
        service.requestStop(shutdownWorkers: shutdownWorkers)
        done.wait()
        done.signal()
    }
}

/// Memory and executable path of processes, from `/proc` (Linux).
private enum ProcessMemory {
    /// `VmRSS` of the process in bytes (0 if unknown): every page it maps, shared library pages
    /// included (counted again in every process that maps them).
    static func residentBytes(of pid: Int32) -> Int { field("VmRSS:", in: "/proc/\(pid)/status") }

    /// `Pss` in bytes: resident pages, each shared page divided among the processes sharing it,
    /// so the sum over processes is the memory they really use together.
    static func proportionalBytes(of pid: Int32) -> Int { field("Pss:", in: "/proc/\(pid)/smaps_rollup") }

    /// Resident anonymous memory (heap, stacks) in bytes: what is the process's own.
    static func anonymousBytes(of pid: Int32) -> Int { field("RssAnon:", in: "/proc/\(pid)/status") }

    /// A `NAME: N kB` line of a /proc file, in bytes.
    private static func field(_ name: String, in path: String) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return 0
    }

    /// User + system CPU seconds the process used so far (`/proc/PID/stat`, clock ticks of 1/100 s).
    static func cpuSeconds(of pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based, whole line).
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// This executable's path (`/proc/self/exe`, else argv[0]).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

extension Duration {
    /// The duration in seconds.
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
