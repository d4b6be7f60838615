import Benchmarks
import Coordinator
import Foundation
import Logging
import SweepModel
import SweepStore
import SweepWire
import ZeroMQ

/// End-to-end dispatch speed of `noop` jobs: an embedded coordinator on a temporary store, worker
/// processes of the given executable, every result committed; plus memory, CPU and latency.
/// `clustersweep bench dispatch` runs it and prints `Result.lines`.
public struct DispatchBenchmark {
    public struct Configuration: Sendable {
        /// Noop jobs in the sweep.
        public var jobs = 20_000
        /// Worker processes to spawn.
        public var workers = 2
        /// Slots per worker.
        public var slots = 2
        /// Jobs each worker may hold beyond its slots (both sides' prefetch); `nil`: defaults.
        public var prefetch: Int?
        /// The `clustersweep` executable the workers run.
        public var workerExecutable: URL
        /// Also run the bare ZeroMQ request-reply loop (`RequestReplyBenchmark`) between as many
        /// processes, for the side-by-side rate.
        public var bareLoop = true
        /// Called with the coordinator's endpoint once it listens (`--with-dashboard` attaches a
        /// dashboard process here, to measure what it costs the coordinator).
        public var onCoordinatorReady: @Sendable (String) -> Void = { _ in }

        public init(workerExecutable: URL) {
            self.workerExecutable = workerExecutable
        }
    }

    /// What one run measured.
    public struct Result: Sendable {
        public var configuration: Configuration
        public var connectedSeconds: Double
        public var idleCoordinatorBytes: Int
        public var idleWorkerBytes: [Int]
        public var idleProportionalBytes: Int
        public var idleAnonymousBytes: [Int]
        public var submitSeconds: Double
        /// First assignment to last committed result, from the store's attempt times.
        public var dispatchSeconds: Double
        public var jobsPerSecond: Double
        /// Jobs with one result from their one completed attempt.
        public var completedOnce: Int
        public var problems: [String]
        /// CPU seconds during the run: the coordinator's process first, then each worker.
        public var cpuSeconds: [Double]
        /// CPU seconds from the submit's reply to the sweep's end (dispatch only, no submit): the
        /// coordinator's process first, then each worker.
        public var dispatchCPUSeconds: [Double]
        /// The bare ZeroMQ loop between as many processes; `nil` when not run.
        public var bareLoop: RequestReplyLoop.Figures?
        public var busyCoordinatorBytes: Int
        public var busyWorkerBytes: [Int]
        public var singleJobSeconds: Double
        public var statusRoundTripSeconds: Double

        /// Whether the store holds every job exactly once.
        public var verified: Bool { problems.isEmpty && completedOnce == configuration.jobs }

        /// The benchmark's printout.
        public var lines: [String] {
            let c = configuration
            return [
                "coordinator + \(c.workers) workers up and connected in \(Self.format(connectedSeconds)) s",
                "idle RSS: coordinator \(Self.mb(idleCoordinatorBytes)), workers \(idleWorkerBytes.map(Self.mb).joined(separator: ", ")), "
                    + "together \(Self.mb(idleCoordinatorBytes + idleWorkerBytes.reduce(0, +))) (shared library pages counted in each)",
                "idle PSS together: \(Self.mb(idleProportionalBytes)); "
                    + "private anonymous: \(idleAnonymousBytes.map(Self.mb).joined(separator: ", "))",
                "submit: \(Self.format(submitSeconds)) s for \(c.jobs) jobs (parse, plan, store, queue)",
                "\(c.jobs) noop jobs, \(c.workers) workers x \(c.slots) slots: \(Int(jobsPerSecond)) jobs/s "
                    + "(first assignment to last committed result: \(Self.format(dispatchSeconds)) s)",
                "verified: \(completedOnce)/\(c.jobs) jobs completed exactly once with one completed attempt"
                    + (problems.isEmpty ? "" : "; problems: \(problems.prefix(3).joined(separator: "; "))"),
                "CPU seconds during the run: coordinator process \(Self.format(cpuSeconds.first ?? 0)), workers "
                    + cpuSeconds.dropFirst().map(Self.format).joined(separator: ", "),
                "CPU per job while dispatching (from the submit's reply to the sweep's end): coordinator process "
                    + "\(Self.microseconds(dispatchCPUSeconds.first ?? 0, per: c.jobs)), workers "
                    + "\(Self.microseconds(dispatchCPUSeconds.dropFirst().reduce(0, +), per: c.jobs)) together",
                "RSS after the run (before verifying): coordinator process \(Self.mb(busyCoordinatorBytes)), workers \(busyWorkerBytes.map(Self.mb).joined(separator: ", "))",
                "1-job sweep, workers connected: submit to done (seen by a polling client) \(Self.format(singleJobSeconds * 1000)) ms",
                "status round trip (idle): \(Self.format(statusRoundTripSeconds * 1000)) ms",
            ] + bareLoopLines
        }

        /// The bare loop's rate beside ClusterSweep's, and their ratio.
        var bareLoopLines: [String] {
            guard let bareLoop else { return [] }
            let c = configuration
            let ratio = bareLoop.roundTripsPerSecond > 0 ? jobsPerSecond / bareLoop.roundTripsPerSecond : 0
            return [
                "bare ZeroMQ request-reply loop (1 ROUTER + \(c.workers) DEALER processes, one message in flight each, "
                    + "no persistence): \(Int(bareLoop.roundTripsPerSecond)) round trips/s (\(bareLoop.roundTrips) in "
                    + "\(Self.format(bareLoop.seconds)) s)",
                "ClusterSweep \(Int(jobsPerSecond)) jobs/s vs bare loop \(Int(bareLoop.roundTripsPerSecond)) round trips/s: "
                    + String(format: "%.2fx", ratio),
            ]
        }

        static func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_048_576) }
        static func format(_ value: Double) -> String { String(format: "%.3f", value) }
        static func microseconds(_ seconds: Double, per jobs: Int) -> String {
            String(format: "%.1f µs", seconds / Double(max(1, jobs)) * 1e6)
        }
    }

    /// Why the benchmark could not run.
    public let configuration: Configuration
    public let logger: Logger

    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the benchmark on a temporary store, removed afterwards.
    public func run() throws(BenchmarkFailure) -> Result {
        let c = configuration
        let directory = try BenchmarkFailure.scratchDirectory(for: "dispatch")
        defer { try? FileManager.default.removeItem(at: directory) }
        let statePath = directory.appendingPathComponent("state.sqlite").path

        var coordinatorConfiguration = CoordinatorConfiguration(bind: "tcp://127.0.0.1:0", statePath: statePath)
        if let prefetch = c.prefetch {
            coordinatorConfiguration.scheduler.prefetchPerWorker = prefetch
            coordinatorConfiguration.scheduler.maxPrefetchPerWorker = prefetch
        }
        let started = ContinuousClock.now
        let coordinator: EmbeddedCoordinator
        let endpoint: String
        let pool: LocalWorkerPool
        do {
            coordinator = try EmbeddedCoordinator(configuration: coordinatorConfiguration, logger: logger)
            endpoint = try coordinator.waitUntilReady()
            c.onCoordinatorReady(endpoint)
            pool = try LocalWorkerPool(
                count: c.workers, executable: c.workerExecutable, endpoint: endpoint, slots: c.slots,
                logDirectory: directory, extraArguments: c.prefetch.map { ["--prefetch", "\($0)"] } ?? [])
        } catch {
            throw .setUp("\(error)")
        }
        defer {
            coordinator.stop(shutdownWorkers: false)
            pool.stop(grace: .zero)
        }
        let pids = [getpid()] + pool.processes.map(\.processIdentifier)
        do {
            let client = try SweepClient(endpoint: endpoint, timeoutSeconds: 30)
            try client.waitForWorkers(c.workers, timeout: .seconds(30))
            let connected = (ContinuousClock.now - started).seconds
            Thread.sleep(forTimeInterval: 0.5)
            let idleCoordinator = ProcessMemory.residentBytes(of: getpid())
            let idleWorkers = pids.dropFirst().map(ProcessMemory.residentBytes)
            let idlePSS = pids.map(ProcessMemory.proportionalBytes).reduce(0, +)
            let idleAnonymous = pids.map(ProcessMemory.anonymousBytes)

            let cpuBefore = pids.map(ProcessMemory.cpuSeconds)
            let submitStart = ContinuousClock.now
            let sweep = try client.submit(sourceText: Self.noopSweep(name: "bench-dispatch", jobs: c.jobs), sourceName: "bench-dispatch.yaml").sweep
            let submitSeconds = (ContinuousClock.now - submitStart).seconds
            let cpuSubmitted = pids.map(ProcessMemory.cpuSeconds)
            _ = try client.waitUntilEnded(sweep, interval: .milliseconds(50))
            let cpuEnded = pids.map(ProcessMemory.cpuSeconds)
            let cpu = zip(cpuEnded, cpuBefore).map { $0 - $1 }
            let dispatchCPU = zip(cpuEnded, cpuSubmitted).map { $0 - $1 }
            // Before the verification below reads every record into this same process.
            let busyCoordinator = ProcessMemory.residentBytes(of: getpid())
            let records: [JobRecord]
            do {
                records = try ResultStore(path: statePath, readOnly: true).jobRecords(sweep: sweep)
            } catch {
                throw BenchmarkFailure.store("\(error)")
            }
            let check = Self.verify(records)
            let busyWorkers = pids.dropFirst().map(ProcessMemory.residentBytes)

            let latencyStart = ContinuousClock.now
            let single = try client.submit(
                sourceText: Self.noopSweep(name: "bench-dispatch-single", jobs: 1, firstSeed: c.jobs),
                sourceName: "bench-dispatch-single.yaml").sweep
            _ = try client.waitUntilEnded(single, interval: .milliseconds(2))
            let singleSeconds = (ContinuousClock.now - latencyStart).seconds
            let statusStart = ContinuousClock.now
            _ = try client.status()
            let statusSeconds = (ContinuousClock.now - statusStart).seconds

            coordinator.stop(shutdownWorkers: true)
            pool.stop(grace: .seconds(10))
            let bareLoop = c.bareLoop
                ? try RequestReplyBenchmark(peers: c.workers, roundTrips: c.jobs, executable: c.workerExecutable).run()
                : nil
            return Result(
                configuration: c, connectedSeconds: connected, idleCoordinatorBytes: idleCoordinator,
                idleWorkerBytes: idleWorkers, idleProportionalBytes: idlePSS, idleAnonymousBytes: idleAnonymous,
                submitSeconds: submitSeconds, dispatchSeconds: check.seconds, jobsPerSecond: check.jobsPerSecond,
                completedOnce: check.completedOnce, problems: check.problems, cpuSeconds: cpu,
                dispatchCPUSeconds: dispatchCPU, bareLoop: bareLoop,
                busyCoordinatorBytes: busyCoordinator, busyWorkerBytes: busyWorkers, singleJobSeconds: singleSeconds,
                statusRoundTripSeconds: statusSeconds)
        } catch let failure as BenchmarkFailure {
            throw failure
        } catch let error as SweepClientError {
            throw .client(error)
        } catch {
            throw .setUp("\(error)")
        }
    }

    /// A `noop` sweep of `jobs` seeds from `firstSeed` on.
    static func noopSweep(name: String, jobs: Int, firstSeed: Int = 0) -> String {
        """
        version: 1
        name: \(name)
        kind: noop
        seeds: \(firstSeed)..\(firstSeed + jobs - 1)
        max_attempts: 3
        job_timeout_seconds: 60
        """
    }

    /// Checks every job has one result from its one completed attempt; times from the store.
    public static func verify(_ records: [JobRecord]) -> (completedOnce: Int, problems: [String], seconds: Double, jobsPerSecond: Double) {
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
}
