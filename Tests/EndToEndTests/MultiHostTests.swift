import Foundation
import SweepModel
import SweepStore
import Testing

/// Several machines on one: the coordinator, two workers, a stranger and a client laptop each in
/// a network namespace of their own on a private bridged segment, CURVE on (keys from `keygen`,
/// an authorized-keys file). A first sweep proves both workers reach the coordinator across the
/// "network"; a second one has one worker's cable pulled mid-sweep and must still complete exactly
/// once; the stranger's unknown key gets nothing throughout. Asserts on the store.
@Suite(.serialized)
struct MultiHostTests {
    @Test(.enabled(if: BridgedNetwork.unavailableReason == nil, "\(BridgedNetwork.unavailableReason ?? "")"))
    func curveCluster_acrossNamespaces_survivesAPulledCableExactlyOnce() throws {
        let started = Date()
        let network = try BridgedNetwork()
        var children: [ChildProcess] = []
        defer {
            // Processes first (a namespace lives on while a process is inside), then the namespaces.
            for child in children where child.process.isRunning {
                child.signal(SIGKILL)
                child.process.waitUntilExit()
            }
            network.remove()
            #expect(network.leftovers == [], "namespaces left behind")
        }
        let coordinatorHost = try network.addHost("coord")
        let workerHosts = [try network.addHost("w1"), try network.addHost("w2")]
        let strangerHost = try network.addHost("stranger")
        let laptop = try network.addHost("laptop")
        let cluster = try LocalTestCluster(host: coordinatorHost.address)

        // MARK: keys: one pair per role, and a stranger's pair the coordinator never heard of
        let keys = cluster.directory.appendingPathComponent("keys")
        for name in ["coordinator", "worker", "client", "stranger"] {
            let made = try runCommand(["keygen", "--out", keys.appendingPathComponent(name).path], in: cluster.directory)
            try #require(made.status == 0, "keygen: \(made.stderr)")
        }
        func keyPath(_ name: String, _ file: String) -> String { keys.appendingPathComponent("\(name)/\(file)").path }
        func publicKey(_ name: String) throws -> String {
            try String(contentsOfFile: keyPath(name, "public.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let authorized = cluster.directory.appendingPathComponent("authorized_keys")
        try """
            # the cluster's workers and the operator's laptop
            worker \(try publicKey("worker")) worker pool
            client \(try publicKey("client")) laptop

            """.write(to: authorized, atomically: true, encoding: .utf8)
        func curveEnvironment(_ secret: String) -> [String: String] {
            ["CLUSTERSWEEP_CURVE_SERVER_KEY": keyPath("coordinator", "public.key"),
             "CLUSTERSWEEP_CURVE_SECRET_KEY": keyPath(secret, "secret.key")]
        }

        // MARK: the machines
        // A non-loopback bind with CURVE needs no --insecure.
        let coordinator = try ChildProcess(
            ["coordinator", "--bind", cluster.endpoint, "--state", cluster.statePath,
             "--curve-secret-key", keyPath("coordinator", "secret.key"), "--authorized-keys", authorized.path],
            in: cluster.directory, name: "coordinator", launcher: coordinatorHost.launcher)
        children.append(coordinator)
        cluster.coordinator = coordinator
        try coordinator.waitForOutput(timeout: 20) { $0.contains("listening") }

        let stranger = try ChildProcess(
            ["worker", "--connect", cluster.endpoint, "--slots", "2"], in: cluster.directory,
            environment: curveEnvironment("stranger"), name: "stranger", launcher: strangerHost.launcher)
        children.append(stranger)
        var workers: [ChildProcess] = []
        for (index, host) in workerHosts.enumerated() {
            let worker = try ChildProcess(
                ["worker", "--connect", cluster.endpoint, "--slots", "2"], in: cluster.directory,
                environment: curveEnvironment("worker"), name: "worker-\(index + 1)", launcher: host.launcher)
            children.append(worker)
            cluster.workers.append(worker)
            workers.append(worker)
        }
        for worker in workers {
            try coordinator.waitForOutput(timeout: 20) { Self.connections(of: worker, in: $0) >= 1 }
        }
        // The stranger's handshake crossed the segment and was refused by its address and key.
        let strangerKey = try publicKey("stranger")
        try coordinator.waitForOutput(timeout: 20) { log in
            log.split(separator: "\n").contains { $0.contains("refused connection") && $0.contains(strangerHost.address) && $0.contains(strangerKey) }
        }

        /// `clustersweep ARGUMENTS` on the laptop with the client key; fails the test on a non-zero exit.
        func onLaptop(_ arguments: [String]) throws -> String {
            let child = try ChildProcess(
                arguments, in: cluster.directory, environment: curveEnvironment("client").merging(cluster.clientEnvironment) { $1 },
                name: "laptop-\(UUID().uuidString.prefix(8))", launcher: laptop.launcher)
            children.append(child)
            let status = try child.wait(timeout: 30)
            try #require(status == 0, "\(arguments.joined(separator: " ")) exited \(status): \(child.stderr)")
            return child.stdout
        }
        func submit(_ name: String, jobs: Int, sleepMilliseconds: Int) throws -> String {
            let file = try cluster.writeSweep(name, """
                version: 1
                name: \(name)
                kind: sleep
                experiment: {sleep_ms: \(sleepMilliseconds)}
                seeds: 0..\(jobs - 1)
                max_attempts: 10
                job_timeout_seconds: 60
                """)
            let output = try onLaptop(["submit", file])
            return try #require(output.split(separator: "\n").last.map(String.init))
        }
        func workerPids(_ records: [JobRecord]) -> Set<Int32> {
            Set(records.flatMap(\.attempts).compactMap { attempt in
                ([stranger] + workers).first { attempt.worker.rawValue.contains("-\($0.pid)-") }?.pid
            })
        }

        // MARK: 1. a sweep across the segment: both workers take part
        let first = try submit("across", jobs: 8, sleepMilliseconds: 200)
        let firstRecords = try cluster.waitUntilFinished(sweep: first, timeout: 30)
        #expect(expectExactlyOnce(firstRecords, expectedJobs: 8, maxAttempts: 10) == [])
        #expect(workerPids(firstRecords) == Set(workers.map(\.pid)), "every job ran on the two authorized workers, each took some")
        print("multi-host: first sweep done at \(Self.seconds(since: started)) s")

        // MARK: 2. worker 1's cable is pulled while it runs a job; worker 2 finishes the sweep
        let jobs = 20
        let second = try submit("pulled-cable", jobs: jobs, sleepMilliseconds: 400)
        let cutJob = try cluster.waitForRunningJob(sweep: second, timeout: 20, on: workers[0])
        try network.cut(workerHosts[0])
        let cutAt = Date()
        let records = try cluster.waitUntilFinished(sweep: second, timeout: 60)
        print("multi-host: second sweep done \(Self.seconds(since: cutAt)) s after the cut")
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 10) == [])
        #expect(records.allSatisfy { $0.status == .completed })
        // The cut bit: leases worker 1 held (the job it ran, or the ones it had prefetched) expired.
        let workerOneTag = "-\(workers[0].pid)-"
        let expired = records.flatMap(\.attempts).filter { $0.outcome == .expired && $0.worker.rawValue.contains(workerOneTag) }
        #expect(!expired.isEmpty, "no lease of the cut worker expired")
        let job = try #require(records.first { $0.id == cutJob.id })
        #expect(job.attempts.filter { $0.outcome == .completed }.count == 1, "\(job.attempts.map(\.outcome))")
        let workerTwoTag = "-\(workers[1].pid)-"
        #expect(records.flatMap(\.attempts).contains { $0.startedAt > cutAt && $0.worker.rawValue.contains(workerTwoTag) })

        // MARK: 3. the cable goes back in: worker 1 reconnects, its late result changes nothing
        try network.heal(workerHosts[0])
        try coordinator.waitForOutput(timeout: 30) { Self.connections(of: workers[0], in: $0) >= 2 }
        print("multi-host: worker 1 back \(Self.seconds(since: cutAt)) s after the cut")
        // Wait for the late result itself: worker 1 kept the result of the job it ran through the
        // cut and delivers it on reconnecting; the coordinator logs that it dropped it. Only then
        // does comparing the store with the one before the heal test anything.
        try coordinator.waitForOutput(timeout: 30) { log in
            log.split(separator: "\n").contains { line in
                line.contains(cutJob.id.rawValue) && (line.contains("duplicate result dropped") || line.contains("report rejected"))
            }
        }
        let afterHeal = try cluster.jobRecords(sweep: second)
        #expect(expectExactlyOnce(afterHeal, expectedJobs: jobs, maxAttempts: 10) == [])
        #expect(afterHeal.map(\.result) == records.map(\.result), "a late result must not replace a recorded one")
        #expect(workers.allSatisfy { $0.process.isRunning }, "both workers should still run")

        // MARK: the stranger got nothing
        let everything = firstRecords + afterHeal
        #expect(!everything.flatMap(\.attempts).contains { $0.worker.rawValue.contains("-\(stranger.pid)-") })
        #expect(!stranger.stderr.contains("welcomed"), "the stranger must never be welcomed")
        let strangerLines = coordinator.stderr.split(separator: "\n").filter { $0.contains("worker connected") && $0.contains("\(stranger.pid)") }
        #expect(strangerLines.isEmpty)
        print("multi-host: total \(Self.seconds(since: started)) s")
    }

    /// How many times the coordinator's log says `worker` connected (its pid is in the line).
    private static func connections(of worker: ChildProcess, in log: String) -> Int {
        log.split(separator: "\n").filter { $0.contains("worker connected") && $0.contains("pid=\(worker.pid)") }.count
    }

    private static func seconds(since date: Date) -> String { String(format: "%.1f", Date().timeIntervalSince(date)) }
}
