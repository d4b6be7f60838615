import Foundation
import Testing

/// A coordinator process, two worker processes and the client commands, over tcp://127.0.0.1:
/// `submit` → `watch` → `status` → `report`, as a user drives them from a shell.
@Suite(.serialized)
struct DistributedSweepTests {
    @Test func submitWatchReport_smokeSweepCompletesExactlyOnce() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freeLoopbackPort()
        let endpoint = "tcp://127.0.0.1:\(port)"
        let state = dir.appendingPathComponent("state.sqlite").path
        let env = ["CLUSTERSWEEP_COORDINATOR": endpoint]

        let coordinator = try ChildProcess(["coordinator", "--bind", endpoint, "--state", state], in: dir, name: "coordinator")
        try coordinator.waitForOutput(timeout: 20) { $0.contains("listening") }
        // The second worker pins the baseline kernels (`--kernels`); `workers` shows each one's.
        let workers = try (1...2).map { i in
            try ChildProcess(
                ["worker", "--connect", endpoint, "--slots", "1"] + (i == 2 ? ["--kernels", "baseline"] : []), in: dir,
                name: "worker-\(i)")
        }

        let smoke = repositoryRoot.appendingPathComponent("configs/smoke.yaml").path
        let submit = try runCommand(["submit", smoke], in: dir, environment: env)
        #expect(submit.status == 0, "stderr: \(submit.stderr)")
        let sweepID = try #require(submit.stdout.split(separator: "\n").last.map(String.init))
        #expect(sweepID.count == 64 && sweepID.allSatisfy(\.isHexDigit))

        // Resubmitting the same file is idempotent: same id, nothing new.
        let again = try runCommand(["submit", smoke], in: dir, environment: env)
        #expect(again.stdout.split(separator: "\n").last.map(String.init) == sweepID)

        let watch = try runCommand(["watch", String(sweepID.prefix(12)), "--interval", "0.1"], in: dir, environment: env, timeout: 120)
        #expect(watch.status == 0, "watch: \(watch.stdout) \(watch.stderr)")

        let status = try runCommand(["status", sweepID, "--json"], in: dir, environment: env)
        #expect(status.status == 0)
        #expect(status.stdout.contains("\"workers_alive\" : 2"))

        let listed = try runCommand(["workers", "--json"], in: dir, environment: env)
        #expect(listed.status == 0, "stderr: \(listed.stderr)")
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let families = Dictionary(uniqueKeysWithValues: entries.compactMap { entry in
            (entry["pid"] as? Int).map { ($0, entry["kernel_family"] as? String) }
        })
        #expect(families[Int(workers[1].pid)] == "baseline", "\(listed.stdout)")
        #expect(["avx512", "avx2", "baseline"].contains(families[Int(workers[0].pid)] ?? nil), "\(listed.stdout)")
        let table = try runCommand(["workers"], in: dir, environment: env)
        #expect(table.stdout.contains("KERNELS") && table.stdout.contains("baseline"), "\(table.stdout)")

        let out = dir.appendingPathComponent("report")
        let report = try runCommand(["report", sweepID, "--out", out.path], in: dir, environment: env)
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let file = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(file.jobs.count == 4)
        #expect(Set(file.jobs.map(\.jobID)).count == 4)
        #expect(file.jobs.allSatisfy { ["clustered", "censored", "diverged"].contains($0.status) && $0.attempts == 1 })

        // Graceful stop: SIGTERM ends workers and coordinator with status 0.
        for worker in workers { worker.signal(SIGTERM) }
        for worker in workers { #expect(try worker.wait(timeout: 20) == 0) }
        coordinator.signal(SIGTERM)
        #expect(try coordinator.wait(timeout: 20) == 0)

        // The same report from the state file alone, with the coordinator gone.
        let offline = dir.appendingPathComponent("offline")
        let fromState = try runCommand(["report", "--state", state, "--out", offline.path], in: dir)
        #expect(fromState.status == 0, "stderr: \(fromState.stderr)")
        let offlineFile = try ReportFile(at: offline.appendingPathComponent("report.json"))
        #expect(offlineFile.jobs.map(\.jobID) == file.jobs.map(\.jobID))
    }
}

/// Bad input on the command line: a clear message and a non-zero exit, never a hang or a crash.
@Suite(.serialized)
struct CommandLineErrorTests {
    @Test func unreachableCoordinator_failsAfterTheTimeoutWithAClearMessage() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freeLoopbackPort()
        let start = Date()
        let result = try runCommand(["status", "--coordinator", "tcp://127.0.0.1:\(port)", "--timeout", "0.5"], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no answer from the coordinator"))
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func endpointThatDoesNotParse_isRefusedByName() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runCommand(["status", "--coordinator", "tcp//nowhere"], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("invalid endpoint 'tcp//nowhere'"))
    }

    @Test func missingSweepFile_isNamed() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runCommand(["submit", "no-such.yaml", "--timeout", "0.5"], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("no-such.yaml"))
    }

    @Test func reportFromGarbageStateFile_isRefusedAndTheFileIsUntouched() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("state.sqlite")
        let bytes = Data("this is not a database\n".utf8)
        try bytes.write(to: garbage)
        let result = try runCommand(["report", "--state", garbage.path, "--out", dir.appendingPathComponent("r").path], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains(garbage.path))
        #expect(try Data(contentsOf: garbage) == bytes)

        let missing = try runCommand(["report", "--state", dir.appendingPathComponent("none.sqlite").path, "--out", "r"], in: dir)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("does not exist"))
    }
}
