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
/// asserts RSS < 200 MB, rate > half the 2-worker rate, status p99 < 250 ms and slowest < 500 ms
/// (bounds a debug build on 2 shared cores meets; see the test). The fast variant in `make test`
/// (which runs suites in parallel) asserts exactness and RSS, and prints the timings.
@Suite(.serialized)
struct LoadTests {
    struct Measured {
        var jobs: Int
        var sockets: Int
        var jobsPerSecond: Double
        var peakRSS: Int
        var statusCalls: Int
        var slowestStatus: Duration
        /// The 99th percentile of the status round trips.
        var p99Status: Duration
        var statusOver100ms: Int
        /// Jobs that needed more than one attempt (still recorded exactly once).
        var rerunJobs: Int
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
            print(String(format: "load: %d noop jobs, %d worker sockets: %.0f jobs/s (submit answered to last result); coordinator peak RSS %@; status: %d requests, p99 %.1f ms, slowest %.1f ms, %d >= 100 ms; `clustersweep status` slowest %.0f ms wall (process start included); %d jobs re-run",
                run.jobs, run.sockets, run.jobsPerSecond, ProcessMemory.megabytes(run.peakRSS), run.statusCalls,
                run.p99Status.inMilliseconds, run.slowestStatus.inMilliseconds, run.statusOver100ms, run.slowestCommand * 1000, run.rerunJobs))
        }
        #expect(load.peakRSS < 200 << 20, "coordinator RSS peaked at \(ProcessMemory.megabytes(load.peakRSS))")
        for run in [baseline, load] {
            #expect(run.statusCalls > 1, "status was not polled during the \(run.jobs)-job sweep")
        }
        if ChaosSize.full {
            #expect(load.jobsPerSecond > baseline.jobsPerSecond / 2, "\(load.jobsPerSecond) jobs/s with \(load.sockets) sockets vs \(baseline.jobsPerSecond) with 2")
            // With 200 busy sockets a debug-build coordinator answers some status requests in
            // 100-250 ms (each loop iteration handles a batch of up to 256 messages and commits
            // before it replies). Measured in two full runs on 2 shared cores (load average ~2
            // from other work, 2026-11-30): p99 106 and 128 ms, slowest 130 and 170 ms. The
            // bounds leave room for that spread; a status stuck behind the sweep's backlog breaks them.
            #expect(load.p99Status < .milliseconds(250), "status p99 \(load.p99Status)")
            #expect(load.slowestStatus < .milliseconds(500), "slowest status \(load.slowestStatus)")
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
        let submitStart = Date()
        guard case .submitted(let submitted) = try client.send(.submit(.init(sourceText: text, sourceName: "\(name).yaml"))) else {
            throw HarnessError("submit of \(name) failed")
        }
        let submittedAt = Date()
        var peak = ProcessMemory.residentBytes(of: pid) ?? 0
        var latencies: [Duration] = []
        var slowestCommand = 0.0
        var calls = 0
        var lastCommand = Date.distantPast
        while true {
            let start = ContinuousClock.now
            let reply = try client.send(.status(.init(sweep: submitted.sweep)))
            latencies.append(ContinuousClock.now - start)
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
        #expect(workers.errors.isEmpty, "worker services failed: \(workers.errors.prefix(5))")
        let store = try ResultStore(path: cluster.statePath, readOnly: true)
        let records = try store.jobRecords(sweep: submitted.sweep)
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 3) == [])
        #expect(records.allSatisfy { $0.status == .completed })
        let rerun = records.filter { $0.attempts.count > 1 }.count
        let attempts = records.flatMap(\.attempts)
        let first = attempts.map(\.startedAt).min() ?? Date()
        let last = attempts.compactMap(\.endedAt).max() ?? Date()
        let used = Set(attempts.map(\.worker)).count
        let byWorker = Dictionary(grouping: attempts, by: \.worker).mapValues(\.count).values.sorted()
        print("load \(name): \(used) of \(sockets) worker sockets got jobs (\(byWorker.first ?? 0) to \(byWorker.last ?? 0) each); "
            + "submit answered \(String(format: "%.1f", submittedAt.timeIntervalSince(submitStart))) s after it was sent; "
            + "first attempt \(String(format: "%.1f", first.timeIntervalSince(submitStart))) s, last result \(String(format: "%.1f", last.timeIntervalSince(submitStart))) s, "
            + "done per status \(String(format: "%.1f", doneAt.timeIntervalSince(submitStart))) s; \(rerun) jobs needed a second attempt")
        latencies.sort()
        return Measured(
            jobs: jobs, sockets: sockets, jobsPerSecond: Double(jobs) / max(last.timeIntervalSince(submittedAt), 1e-6),
            peakRSS: peak, statusCalls: calls, slowestStatus: latencies.last ?? .zero,
            p99Status: latencies.isEmpty ? .zero : latencies[min(latencies.count - 1, latencies.count * 99 / 100)],
            statusOver100ms: latencies.filter { $0 >= .milliseconds(100) }.count, rerunJobs: rerun, slowestCommand: slowestCommand)
    }
}

extension Duration {
    /// The duration in milliseconds, for printing.
    fileprivate var inMilliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}
