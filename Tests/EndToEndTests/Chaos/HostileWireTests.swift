import Foundation
import SweepModel
import SweepStore
import SweepWire
import Testing

/// Hostile wire input with a real worker alongside: while a `clustersweep worker` process runs a
/// sweep, a raw DEALER peer (`HostilePeer`) sends garbage of every kind. The coordinator process
/// stays up, its RSS stays bounded, and the store holds every job exactly once with the real
/// worker's results only.
@Suite(.serialized)
struct HostileWireTests {
    @Test func hostilePeer_coordinatorStaysUpBoundedAndARealWorkerCompletesTheSweep() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CLUSTERSWEEP_CHAOS_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("hostile wire seed: \(seed) (set CLUSTERSWEEP_CHAOS_SEED to replay)")
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let coordinator = try #require(cluster.coordinator)
        let worker = try cluster.startWorker(slots: 2)
        let jobs = ChaosSize.pick(fast: 120, full: 600)
        let sweep = try cluster.submit(cluster.writeSweep("hostile", """
            version: 1
            name: hostile
            kind: sleep
            experiment: {sleep_ms: 25}
            seeds: 0..\(jobs - 1)
            max_attempts: 3
            job_timeout_seconds: 60
            """))
        let known = try cluster.jobRecords(sweep: sweep).map(\.id)
        Thread.sleep(forTimeInterval: 0.5)
        let baseline = try #require(ProcessMemory.residentBytes(of: coordinator.pid))
        var peak = baseline

        let peer = try HostilePeer(endpoint: cluster.endpoint, seed: seed)
        defer { peer.close() }
        let minimumRounds = ChaosSize.pick(fast: 3, full: 12)
        var rounds = 0
        while true {
            let running = try cluster.jobRecords(sweep: sweep).compactMap { record -> JobAttempt? in
                guard record.status == .running, let last = record.attempts.last else { return nil }
                return JobAttempt(job: record.id, attempt: last.number)
            }
            try peer.round(scale: ChaosSize.pick(fast: 1, full: 3), running: running, known: known)
            if rounds % 3 == 0 { try peer.oversized() }
            rounds += 1
            peak = max(peak, ProcessMemory.residentBytes(of: coordinator.pid) ?? 0)
            #expect(coordinator.process.isRunning, "the coordinator died under hostile input")
            let open = try cluster.jobRecords(sweep: sweep).filter { !$0.status.isFinal }.count
            if rounds >= minimumRounds && open == 0 { break }
            if rounds > 2000 { throw HarnessError("the sweep did not finish under hostile input") }
        }
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        // Every forged message has been handled (not just sent) before the store is checked.
        try peer.barrier()
        peak = max(peak, ProcessMemory.residentBytes(of: coordinator.pid) ?? 0)
        print("hostile wire: \(rounds) rounds, \(peer.tally); coordinator RSS \(ProcessMemory.megabytes(baseline)) -> peak \(ProcessMemory.megabytes(peak))")

        #expect(coordinator.process.isRunning)
        #expect(peak - baseline < 50 << 20, "coordinator RSS grew by \(ProcessMemory.megabytes(peak - baseline))")
        let after = try cluster.jobRecords(sweep: sweep)
        #expect(expectExactlyOnce(after, expectedJobs: jobs, maxAttempts: 3) == [])
        #expect(after.allSatisfy { $0.status == .completed })
        #expect(after.map(\.result) == records.map(\.result))
        #expect(!after.contains { $0.result?.seconds == HostilePeer.forgedSeconds }, "a forged result was recorded")
        // A flipped byte can turn a forged hello into a valid one with slots (seed 919067 did:
        // "slots=23"): without CURVE that peer is a worker like any other and may be leased jobs.
        // It never runs them, so none of its attempts may complete; every result is the real one's.
        let intruderAttempts = after.flatMap(\.attempts).filter { $0.worker.rawValue.hasPrefix(HostilePeer.workerPrefix) }
        #expect(!intruderAttempts.contains { $0.outcome == .completed }, "an intruder's attempt completed")
        #expect(after.flatMap(\.attempts).filter { $0.outcome == .completed }.allSatisfy { $0.worker.rawValue.contains("-\(worker.pid)-") })
        if !intruderAttempts.isEmpty { print("hostile wire: \(intruderAttempts.count) attempts leased to an intruder whose forged hello decoded with slots; none completed") }

        // Still serving: a client gets an answer, and SIGTERM ends it cleanly.
        let status = try runCommand(["status", sweep], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(status.status == 0, "status: \(status.stderr)")
        coordinator.signal(SIGTERM)
        #expect(try coordinator.wait(timeout: 20) == 0)
    }
}
