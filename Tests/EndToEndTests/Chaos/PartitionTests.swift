import Foundation
import SweepModel
import Testing

/// Scenario 4: a network partition between a worker and the coordinator, then healed. The worker
/// runs in a network namespace of its own, joined to the coordinator's by a veth pair the test
/// creates; the test cuts the link past the lease expiry and heals it. Asserts on the store only.
@Suite(.serialized)
struct PartitionTests {
    @Test(.enabled(if: NetworkNamespace.unavailableReason == nil, "\(NetworkNamespace.unavailableReason ?? "")"))
    func partitionedWorker_reconnectsAfterTheHealAndTheSweepCompletesExactlyOnce() throws {
        let namespace = try NetworkNamespace()
        defer {
            namespace.remove()
            #expect(!namespace.exists, "namespace \(namespace.name) left behind")
        }
        let cluster = try LocalTestCluster(host: namespace.hostAddress)
        try cluster.startCoordinator()
        let worker = try cluster.startWorker(slots: 2, launcher: namespace.launcher)
        let jobs = ChaosSize.pick(fast: 24, full: 60)
        let partitions = ChaosSize.pick(fast: 1, full: 2)
        let sweep = try cluster.submit(cluster.writeSweep("partition", """
            version: 1
            name: partition
            kind: sleep
            experiment: {sleep_ms: 250}
            seeds: 0..\(jobs - 1)
            max_attempts: 10
            job_timeout_seconds: 120
            """))

        var lastHeal = Date()
        var cutJobs: [JobID] = []
        for round in 0..<partitions {
            // The worker (alone, across the veth) is running a job when the link goes down.
            let running = try cluster.waitForRunningJob(sweep: sweep, timeout: 60, on: worker)
            cutJobs.append(running.id)
            try namespace.cut()
            // Its leases expire on the coordinator's side: the store shows the attempt expired.
            let deadline = Date().addingTimeInterval(30)
            while try !cluster.jobRecords(sweep: sweep).contains(where: { record in
                record.id == running.id && record.attempts.contains { $0.outcome == .expired }
            }) {
                if Date() > deadline { throw HarnessError("round \(round): the cut worker's lease never expired") }
                usleep(100_000)
            }
            Thread.sleep(forTimeInterval: ChaosSize.pick(fast: 0.5, full: 4))  // stay cut a while past the expiry
            try namespace.heal()
            lastHeal = Date()
            print("partition round \(round): cut while job \(running.id.short) ran, lease expired, healed")
        }

        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 120)
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 10) == [])
        #expect(records.allSatisfy { $0.status == .completed })
        // The only worker is across the healed link: jobs started after the last heal prove it reconnected.
        let workerTag = "-\(worker.pid)-"
        let afterHeal = records.flatMap(\.attempts).filter { $0.startedAt > lastHeal && $0.worker.rawValue.contains(workerTag) }
        #expect(!afterHeal.isEmpty, "no attempt started after the heal")
        // The job cut mid-run (its lease seen expired above) has one result from one completed
        // attempt: the late one delivered after the heal, or a re-run, never both.
        for id in cutJobs {
            let job = try #require(records.first { $0.id == id })
            #expect(job.attempts.filter { $0.outcome == .completed }.count == 1, "\(job.attempts.map(\.outcome))")
        }
        #expect(worker.process.isRunning, "the worker should have survived the partition")
    }
}
