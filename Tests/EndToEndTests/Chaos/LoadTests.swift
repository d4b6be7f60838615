import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing

/// Load: a `noop` sweep through a coordinator process with many connected worker sockets
/// (`ThreadedWorkers`: one `WorkerService` per socket, 1 slot each, in this process). Measures,
/// from the store and `/proc`: the coordinator's peak RSS, dispatch rate against the 2-worker
/// rate on the same coordinator, and the latency of every `status` request during the sweep.
///
/// Full size (`CLUSTERSWEEP_CHAOS=full`, run alone by `make chaos`): 100,000 jobs, 200 sockets;
/// asserts RSS < 200 MB, rate > half the 2-worker rate, every status < 100 ms. The fast variant
/// in `make test` (which runs suites in parallel) asserts exactness and RSS, and prints the rest.
@Suite(.serialized)
struct LoadTests {
    struct Measured {
        var jobs: Int
        var sockets: Int
        var jobsPerSecond: Double
        var peakRSS: Int
        var statusCalls: Int
        var slowestStatus: Duration
        var slowestCommand: Double
    }

    @Test func manyWorkerSockets_coordinatorStaysSmallFastAndResponsive() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let coordinator = try #require(cluster.coordinator)

        let baseline = try measure(cluster, name: "baseline", jobs: ChaosSize.pick(fast: 2000, full: 10_000), sockets: 2, slots: 2, firstSeed: 0)
        let load = try measure(cluster, name: "load", jobs: ChaosSize.pick(fast: 5000, full: 100_000), sockets: ChaosSize.pick(fast: 20, full: 200), slots: 1,
            firstSeed: 1_000_000)  // distinct jobs: a job shared with the baseline sweep would not run again
        for run in [baseline, load] {
            print(String(format: "load: %d noop jobs, %d worker sockets: %.0f jobs/s; coordinator peak RSS %@; status: %d requests, slowest %.1f ms; `clustersweep status` slowest %.0f ms wall (process start included)",
                run.jobs, run.sockets, run.jobsPerSecond, ProcessMemory.megabytes(run.peakRSS), run.statusCalls,
                Double(run.slowestStatus.components.attoseconds) / 1e15 + Double(run.slowestStatus.components.seconds) * 1000,
                run.slowestCommand * 1000))
        }
        #expect(load.peakRSS < 200 << 20, "coordinator RSS peaked at \(ProcessMemory.megabytes(load.peakRSS))")
        if ChaosSize.full {
            #expect(load.jobsPerSecond > baseline.jobsPerSecond / 2, "\(load.jobsPerSecond) jobs/s with \(load.sockets) sockets vs \(baseline.jobsPerSecond) with 2")
            #expect(load.slowestStatus < .milliseconds(100), "slowest status \(load.slowestStatus)")
        }
        coordinator.signal(SIGTERM)
        #expect(try coordinator.wait(timeout: 30) == 0)
    }

    /// Runs one sweep with `sockets` threaded workers, polling `status` throughout; checks the store.
    private func measure(
        _ cluster: LocalTestCluster, name: String, jobs: Int, sockets: Int, slots: Int, firstSeed: Int
    ) throws -> Measured {
        let pid = try #require(cluster.coordinator?.pid)
        let workers = try ThreadedWorkers(count: sockets, endpoint: cluster.endpoint, slots: slots)
        defer { workers.stop() }
        let client = try CoordinatorClient(endpoint: cluster.endpoint, timeoutSeconds: 300)
        let deadline = Date().addingTimeInterval(60)
        while true {
            if case .workers(let list) = try client.send(.workers), list.workers.count >= sockets { break }
            if Date() > deadline { throw HarnessError("\(sockets) workers did not connect") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let text = """
            version: 1
            name: \(name)
            kind: noop
            seeds: \(firstSeed)..\(firstSeed + jobs - 1)
            max_attempts: 3
            job_timeout_seconds: 600
            """
        guard case .submitted(let submitted) = try client.send(.submit(.init(sourceText: text, sourceName: "\(name).yaml"))) else {
            throw HarnessError("submit of \(name) failed")
        }
        let submittedAt = Date()
        var peak = ProcessMemory.residentBytes(of: pid) ?? 0
        var slowest = Duration.zero
        var slowestCommand = 0.0
        var calls = 0
        var lastCommand = Date.distantPast
        while true {
            let start = ContinuousClock.now
            let reply = try client.send(.status(.init(sweep: submitted.sweep)))
            slowest = max(slowest, ContinuousClock.now - start)
            calls += 1
            peak = max(peak, ProcessMemory.residentBytes(of: pid) ?? 0)
            guard case .status(let status) = reply, let progress = status.sweeps.first else {
                throw HarnessError("status answered \(reply)")
            }
            if progress.counts.pending + progress.counts.running == 0 { break }
            if Date().timeIntervalSince(lastCommand) > 5 {
                // The real command too, now and then (its time includes starting a process).
                lastCommand = Date()
                let command = try runCommand(["status", submitted.sweep.rawValue], in: cluster.directory, environment: cluster.clientEnvironment)
                slowestCommand = max(slowestCommand, Date().timeIntervalSince(lastCommand))
                #expect(command.status == 0)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let doneAt = Date()
        let store = try ResultStore(path: cluster.statePath, readOnly: true)
        let records = try store.jobRecords(sweep: submitted.sweep)
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 3) == [])
        #expect(records.allSatisfy { $0.status == .clustered && $0.attempts.count == 1 })
        let attempts = records.flatMap(\.attempts)
        let first = attempts.map(\.startedAt).min() ?? Date()
        let last = attempts.compactMap(\.endedAt).max() ?? Date()
        let used = Set(attempts.map(\.worker)).count
        let byWorker = Dictionary(grouping: attempts, by: \.worker).mapValues(\.count).values.sorted()
        print("load \(name): \(used) of \(sockets) worker sockets got jobs \(byWorker); submitted \(submittedAt), first start \(first), done (status) \(doneAt), last end \(last)")
        return Measured(
            jobs: jobs, sockets: sockets, jobsPerSecond: Double(jobs) / max(last.timeIntervalSince(first), 1e-6),
            peakRSS: peak, statusCalls: calls, slowestStatus: slowest, slowestCommand: slowestCommand)
    }
}
