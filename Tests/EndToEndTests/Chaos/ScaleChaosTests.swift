import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing

/// Issue #11 at scale: a big `noop` sweep through a coordinator process and 4 worker processes,
/// with the coordinator killed (`kill -9`) once in the middle of the submission and once in the
/// middle of the run, and workers killed at random. Every job must end exactly once, and no
/// coordinator may ever log that its loop was busy (a request or a slice of background work
/// that stalled the workers).
///
/// Full size (`make chaos`): 1,000,000 jobs. `make test`: 50,000 jobs, well under a minute.
@Suite(.serialized)
struct ScaleChaosTests {
    static let busyNotice = "the coordinator loop was busy"

    @Test func bigSweep_survivesCoordinatorAndWorkerKills_exactlyOnce_withoutStallingTheLoop() throws {
        let jobs = ChaosSize.pick(fast: 50_000, full: 1_000_000)
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        var coordinatorLogs: [String] = []
        for _ in 0..<4 { try cluster.startWorker(slots: 4) }
        let text = """
            version: 1
            name: scale-chaos
            kind: noop
            seeds: 0..\(jobs - 1)
            max_attempts: 10
            job_timeout_seconds: 600
            """
        let request = ClientRequest.submit(.init(sourceText: text, sourceName: "scale-chaos.yaml"))

        // 1. Kill the coordinator while it is hashing the plan (the submit is in flight).
        let endpoint = cluster.endpoint
        let inFlight = Thread {
            guard let hurried = try? CoordinatorClient(endpoint: endpoint, timeoutSeconds: 2) else { return }
            _ = try? hurried.send(request)
        }
        inFlight.start()
        let first = try #require(cluster.coordinator)
        try first.waitForOutput(timeout: 30) { $0.contains("hashing a big plan") }
        first.signal(SIGKILL)
        _ = try? first.wait(timeout: 10)
        coordinatorLogs.append(first.stderr)
        #expect(!first.stderr.contains("sweep submitted"), "the first kill came after the submission ended")
        try cluster.startCoordinator()

        // The user submits again: stored or not before the kill, it is one sweep.
        let client = try CoordinatorClient(endpoint: cluster.endpoint, timeoutSeconds: 60)
        guard case .submitted(let submitted) = try client.send(request) else {
            throw HarnessError("the second submit was not answered with `submitted`")
        }
        #expect(submitted.totalJobs == jobs)
        let sweep = submitted.sweep

        // 2. Kill workers at random while the sweep runs, and the coordinator once a quarter in.
        var generator = SystemRandomNumberGenerator()
        var killedCoordinator = false
        var workerKills = 0
        let deadline = Date().addingTimeInterval(ChaosSize.pick(fast: 240, full: 3600))
        var lastWorkerKill = Date()
        while true {
            guard case .status(let status) = try client.send(.status(.init(sweep: sweep))),
                let progress = status.sweeps.first
            else { throw HarnessError("status was not answered") }
            let final = jobs - progress.counts.pending - progress.counts.running
            if final == jobs { break }
            if Date() > deadline { throw HarnessError("only \(final) of \(jobs) jobs final in time\n\(cluster.coordinator?.stderr.suffix(3000) ?? "")") }
            if !killedCoordinator && final >= jobs / 4 {
                let victim = try #require(cluster.coordinator)
                victim.signal(SIGKILL)
                _ = try? victim.wait(timeout: 10)
                coordinatorLogs.append(victim.stderr)
                try cluster.startCoordinator()
                killedCoordinator = true
            } else if Date().timeIntervalSince(lastWorkerKill) > ChaosSize.pick(fast: 2, full: 20),
                let index = cluster.workers.indices.filter({ cluster.workers[$0].isRunning }).randomElement(using: &generator)
            {
                cluster.workers[index].signal(SIGKILL)
                try cluster.startWorker(slots: 4)
                workerKills += 1
                lastWorkerKill = Date()
            }
            usleep(200_000)
        }
        #expect(killedCoordinator)
        #expect(workerKills >= 1)
        coordinatorLogs.append(cluster.coordinator?.stderr ?? "")

        let records = try cluster.waitUntilFinished(sweep: sweep.rawValue, timeout: 60)
        let problems = expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 10)
        #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
        #expect(records.allSatisfy { $0.status == .completed })
        for (index, log) in coordinatorLogs.enumerated() {
            #expect(!log.contains(Self.busyNotice), "coordinator \(index + 1) logged a busy loop:\n\(log.components(separatedBy: "\n").filter { $0.contains(Self.busyNotice) }.prefix(3).joined(separator: "\n"))")
        }
        print("scale chaos: \(jobs) noop jobs, 4 workers, coordinator killed mid-submit and mid-run, \(workerKills) worker kills: every job exactly once, no busy loop")
    }
}
