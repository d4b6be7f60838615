import Foundation
import SweepModel
import Testing

/// The fault scenarios of the reliability promise, with real processes and real signals.
/// Each asserts on the store (and the report), never on log lines; a log line is used only as the
/// event to wait for (e.g. a late result having arrived) before a check that nothing changed. `make chaos` runs them with
/// `CLUSTERSWEEP_CHAOS=full` (more jobs, more kills); `make test` runs the fast variants.
@Suite(.serialized)
struct FaultTests {
    static let full = ProcessInfo.processInfo.environment["CLUSTERSWEEP_CHAOS"] == "full"

    /// Scenario 1: `kill -9` a worker in the middle of a job.
    @Test func killedWorker_leaseExpiresAndTheJobRunsElsewhere() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let victim = try cluster.startWorker()
        let sweep = try cluster.submit(cluster.writeSweep("sleepy", """
            version: 1
            name: sleepy
            kind: sleep
            experiment: {sleep_ms: 1500}
            seeds: 0..3
            max_attempts: 3
            job_timeout_seconds: 60
            """))
        let running = try cluster.waitForRunningJob(sweep: sweep, timeout: 20, on: victim)
        victim.signal(SIGKILL)
        try victim.wait(timeout: 5)
        try cluster.startWorker()
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(expectExactlyOnce(records, expectedJobs: 4, maxAttempts: 3) == [])
        let killed = try #require(records.first { $0.id == running.id })
        #expect(killed.attempts.contains { $0.outcome == .expired })
        #expect(killed.status == .completed)
    }

    /// Scenario 2: `kill -9` the coordinator mid-sweep and restart it on the same state file.
    @Test func killedCoordinator_restartsFromTheStoreAndLosesNothing() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        try cluster.startWorker()
        try cluster.startWorker()
        let jobs = Self.full ? 60 : 24
        let sweep = try cluster.submit(cluster.writeSweep("restart", """
            version: 1
            name: restart
            kind: sleep
            experiment: {sleep_ms: 100}
            seeds: 0..\(jobs - 1)
            max_attempts: 3
            job_timeout_seconds: 60
            """))
        // Let some jobs finish, then crash the coordinator.
        var doneBefore: [JobRecord] = []
        let deadline = Date().addingTimeInterval(30)
        while doneBefore.count < jobs / 4 {
            guard Date() < deadline else {
                throw HarnessError("only \(doneBefore.count) of \(jobs) jobs finished within 30 s; the crash must come mid-sweep")
            }
            doneBefore = try cluster.jobRecords(sweep: sweep).filter { $0.status.isCompleted }
            usleep(50_000)
        }
        let coordinator = try #require(cluster.coordinator)
        coordinator.signal(SIGKILL)
        #expect(try coordinator.wait(timeout: 5) == SIGKILL, "the coordinator was killed, it did not exit by itself")
        let committed = try cluster.jobRecords(sweep: sweep).filter { $0.status.isCompleted }
        // The scenario needs both: results committed before the crash, and jobs left to run after it.
        try #require(!committed.isEmpty, "nothing was committed before the crash")
        try #require(committed.count < jobs, "every job finished before the crash")
        try cluster.startCoordinator()

        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 90)
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 3) == [])
        let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
        for before in committed {
            // Done stays done, with the very same result, and never ran again.
            #expect(byID[before.id]?.result == before.result)
            #expect(byID[before.id]?.attempts.count == before.attempts.count)
        }
        #expect(records.allSatisfy { $0.status == .completed })
    }

    /// Scenario 3: `SIGSTOP` a worker past its lease, then `SIGCONT`: its late result is not
    /// recorded a second time.
    @Test func stoppedWorker_lateResultIsNotRecordedTwice() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let sleeper = try cluster.startWorker()
        let sweep = try cluster.submit(cluster.writeSweep("stall", """
            version: 1
            name: stall
            kind: sleep
            experiment: {sleep_ms: 1000}
            seeds: 0..1
            max_attempts: 3
            job_timeout_seconds: 60
            """))
        let stalled = try cluster.waitForRunningJob(sweep: sweep, timeout: 20, on: sleeper)
        sleeper.signal(SIGSTOP)
        try cluster.startWorker()
        // The stalled lease expires (3 missed heartbeats) and the job completes elsewhere.
        let deadline = Date().addingTimeInterval(30)
        while try cluster.jobRecords(sweep: sweep).first(where: { $0.id == stalled.id })?.status != .completed {
            if Date() > deadline { throw HarnessError("stalled job never completed elsewhere") }
            usleep(100_000)
        }
        sleeper.signal(SIGCONT)
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        // Wait for the event itself: the woken worker delivers its late result for the stalled
        // job, and the coordinator logs that it dropped it (it reaches the coordinator only after
        // the job was done elsewhere). Only then can "not recorded twice" mean anything.
        let coordinator = try #require(cluster.coordinator)
        try coordinator.waitForOutput(timeout: 30) { Self.lateResultDropped(job: stalled.id, in: $0) }
        let after = try cluster.jobRecords(sweep: sweep)
        #expect(expectExactlyOnce(after, expectedJobs: 2, maxAttempts: 3) == [])
        let job = try #require(after.first { $0.id == stalled.id })
        #expect(job.attempts.filter { $0.outcome == .completed }.count == 1)
        #expect(records.map(\.result) == after.map(\.result))
    }

    /// Scenario 5: a job that fails every time is `failed` after `max_attempts` with its error; the
    /// rest completes; `watch` exits non-zero.
    @Test func alwaysFailingJob_isFailedWithItsErrorAndWatchExitsNonZero() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        try cluster.startWorker(slots: 2)
        let sweep = try cluster.submit(cluster.writeSweep("failing", """
            version: 1
            name: failing
            kind: noop
            grid:
              fail_attempts: [0, 1000]
            seeds: 0..2
            max_attempts: 2
            job_timeout_seconds: 60
            """))
        let watch = try runCommand(["watch", sweep, "--interval", "0.1"], in: cluster.directory, environment: cluster.clientEnvironment, timeout: 60)
        #expect(watch.status == 1, "watch: \(watch.stdout)\(watch.stderr)")
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 30)
        let failed = records.filter { $0.status == .failed }
        #expect(failed.count == 3)
        #expect(records.filter { $0.status == .completed }.count == 3)
        for job in failed {
            #expect(job.parameters.failAttempts == 1000)
            #expect(job.attempts.filter { $0.outcome == .error }.count == 2)
            #expect(job.lastError?.contains("injected failure") == true)
        }
        let out = cluster.directory.appendingPathComponent("report")
        let report = try runCommand(["report", sweep, "--out", out.path], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(report.status == 0)
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("injected failure"))
    }

    /// Scenario 7: a seeded random loop that kills workers and the coordinator at random moments;
    /// at the end every job is in the store exactly once, completed.
    @Test func randomKills_everyJobCompletesExactlyOnce() throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CLUSTERSWEEP_CHAOS_SEED"] ?? "") ?? UInt64.random(in: 1...1_000_000)
        print("randomKills seed: \(seed) (set CLUSTERSWEEP_CHAOS_SEED to replay)")
        var rng = SplitMix(seed: seed)
        let jobs = Self.full ? 300 : 60
        let kills = Self.full ? 12 : 4
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        try cluster.startWorker()
        try cluster.startWorker()
        let sweep = try cluster.submit(cluster.writeSweep("random", """
            version: 1
            name: random
            kind: sleep
            experiment: {sleep_ms: \(Self.full ? 50 : 20)}
            seeds: 0..\(jobs - 1)
            max_attempts: 100
            job_timeout_seconds: 60
            """))
        for round in 0..<kills {
            Thread.sleep(forTimeInterval: 0.2 + Double(rng.next() % 600) / 1000)
            if rng.next() % 3 == 0 {
                cluster.coordinator?.signal(SIGKILL)
                try cluster.coordinator?.wait(timeout: 5)
                try cluster.startCoordinator()
                print("round \(round): restarted the coordinator")
            } else {
                let alive = cluster.workers.filter { $0.process.isRunning }
                if let victim = alive.isEmpty ? nil : alive[Int(rng.next() % UInt64(alive.count))] {
                    victim.signal(SIGKILL)
                    try victim.wait(timeout: 5)
                    print("round \(round): killed worker pid \(victim.pid)")
                }
                try cluster.startWorker()
            }
        }
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: Self.full ? 300 : 120)
        #expect(expectExactlyOnce(records, expectedJobs: jobs, maxAttempts: 100) == [], "seed \(seed)")
        #expect(records.allSatisfy { $0.status == .completed }, "seed \(seed)")

        let out = cluster.directory.appendingPathComponent("report")
        let report = try runCommand(["report", "--state", cluster.statePath, "--out", out.path], in: cluster.directory)
        #expect(report.status == 0)
        let file = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(file.jobs.count == jobs && Set(file.jobs.map(\.jobID)).count == jobs)
    }
}

extension FaultTests {
    /// Whether the coordinator's log says it dropped a result for `job` that came too late: a
    /// duplicate of a recorded result, or a report rejected because the job or attempt was over.
    static func lateResultDropped(job: JobID, in log: String) -> Bool {
        log.split(separator: "\n").contains { line in
            line.contains(job.rawValue) && (line.contains("duplicate result dropped") || line.contains("report rejected"))
        }
    }
}

/// A tiny seeded generator for reproducible chaos (SplitMix64).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
