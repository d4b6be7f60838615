import Foundation
import SweepModel
import SweepStore
import Testing

/// One owner per state file, with real processes: a second coordinator or `run` on a file in use
/// is refused (naming the holder) without touching the store; a `kill -9`'d owner's lock is taken
/// over by the next one; readers work beside a live owner.
@Suite(.serialized)
struct StateFileOwnershipTests {
    static func sleepSweep(_ name: String, jobs: Int, sleepMs: Int) -> String {
        """
        version: 1
        name: \(name)
        kind: sleep
        experiment:
          sleep_ms: \(sleepMs)
        seeds: 0..\(jobs - 1)
        max_attempts: 3
        job_timeout_seconds: 60

        """
    }

    @Test func secondCoordinator_onAStateFileInUse_isRefusedNamingTheHolder_andTheStoreIsUntouched() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let sweep = try cluster.submit(cluster.writeSweep("owned", Self.sleepSweep("owned", jobs: 4, sleepMs: 10)))
        let holderPid = try #require(cluster.coordinator?.pid)
        let recorded = try #require(StateFileLock.recordedHolder(statePath: cluster.statePath))
        #expect(recorded.pid == holderPid && recorded.endpoint == cluster.endpoint)

        let before = try Self.files(cluster.statePath)
        let port = try freeLoopbackPort()
        let second = try runCommand(
            ["coordinator", "--bind", "tcp://127.0.0.1:\(port)", "--state", cluster.statePath], in: cluster.directory, timeout: 20)
        #expect(second.status != 0)
        #expect(second.stderr.contains("in use by coordinator pid \(holderPid)"), "stderr: \(second.stderr)")
        #expect(second.stderr.contains(cluster.endpoint), "stderr: \(second.stderr)")
        #expect(try Self.files(cluster.statePath) == before, "the refused coordinator changed the store")

        // A reader beside the live owner sees a consistent snapshot.
        let report = try runCommand(
            ["report", "--state", cluster.statePath, "--out", cluster.directory.appendingPathComponent("r").path],
            in: cluster.directory, timeout: 30)
        #expect(report.status == 0, "stderr: \(report.stderr)")

        // The owner still serves: a worker finishes the sweep.
        try cluster.startWorker(slots: 2)
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(expectExactlyOnce(records, expectedJobs: 4, maxAttempts: 3) == [])
    }

    @Test func killedOwner_leavesAStaleLockThatTheNextOwnerTakesOver() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let sweep = try cluster.submit(cluster.writeSweep("stale", Self.sleepSweep("stale", jobs: 6, sleepMs: 10)))
        let killed = try #require(cluster.coordinator?.pid)
        cluster.coordinator?.signal(SIGKILL)
        _ = try cluster.coordinator?.wait(timeout: 10)
        // The record still names the dead holder: the lock file was not cleaned up.
        #expect(StateFileLock.recordedHolder(statePath: cluster.statePath)?.pid == killed)

        try cluster.startCoordinator()
        let next = try #require(cluster.coordinator)
        try next.waitForOutput(timeout: 10) { $0.contains("taking over the state file") }
        #expect(StateFileLock.recordedHolder(statePath: cluster.statePath)?.pid == next.pid)
        try cluster.startWorker(slots: 2)
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(expectExactlyOnce(records, expectedJobs: 6, maxAttempts: 3) == [])

        // A clean stop releases it: the record is emptied.
        next.signal(SIGTERM)
        #expect(try next.wait(timeout: 20) == 0)
        #expect(StateFileLock.recordedHolder(statePath: cluster.statePath) == nil)
    }

    @Test func twoRuns_onOneOutputDirectory_oneIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("conc.yaml")
        try Self.sleepSweep("conc", jobs: 20, sleepMs: 100).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("runs/conc")
        let first = try ChildProcess(["run", file.path, "--workers", "1", "--out", out.path], in: dir, name: "run-1")
        let statePath = out.appendingPathComponent("state.sqlite").path
        let deadline = Date().addingTimeInterval(30)
        while StateFileLock.recordedHolder(statePath: statePath)?.endpoint == nil {
            guard Date() < deadline, first.process.isRunning else {
                Issue.record("the first run never held its state file: \(first.stderr)")
                return
            }
            usleep(20_000)
        }
        let second = try runCommand(["run", file.path, "--workers", "1", "--out", out.path], in: dir, timeout: 30)
        #expect(second.status != 0)
        #expect(second.stderr.contains("in use by clustersweep run pid \(first.pid)"), "stderr: \(second.stderr)")
        #expect(try first.wait(timeout: 120) == 0, "stderr: \(first.stderr)")

        let store = try ResultStore(path: out.appendingPathComponent("state.sqlite").path, readOnly: true)
        let sweeps = try store.sweeps()
        #expect(sweeps.count == 1)
        let records = try store.jobRecords(sweep: try #require(sweeps.first).id)
        #expect(records.count == 20)
        #expect(records.allSatisfy { $0.attempts.count == 1 }, "a job ran more than once")
    }

    @Test func failedBind_leavesNoStateFileBehind() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let other = cluster.directory.appendingPathComponent("other.sqlite").path
        let refused = try runCommand(["coordinator", "--bind", cluster.endpoint, "--state", other], in: cluster.directory, timeout: 20)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("already in use"), "stderr: \(refused.stderr)")
        for suffix in ["", "-wal", "-shm", ".lock"] {
            #expect(!FileManager.default.fileExists(atPath: other + suffix), "\(other + suffix) was left behind")
        }
    }

    /// The store's files (main, WAL) and their bytes.
    static func files(_ statePath: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: statePath + suffix) {
            files[suffix] = try Data(contentsOf: URL(fileURLWithPath: statePath + suffix))
        }
        return files
    }
}
