import Foundation
import Testing

/// Reports of sweeps too large for one reply, through the command line: `report` and `jobs` read
/// a coordinator page by page, and `bench report` measures a synthetic finished sweep (sizes
/// kept small here; the figures in docs/REPORTS.md come from `bench report --jobs 1000000`).
@Suite(.serialized)
struct ReportScaleTests {
    @Test func reportAndJobs_ofAPendingSweepOfThousands_listEveryJobOnce_onlineAndOffline() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let env = cluster.clientEnvironment
        let jobs = 2_600
        let file = try cluster.writeSweep("wide", """
            version: 1
            name: wide
            kind: noop
            grid:
              dimension: [2, 3]
            seeds: 0..\(jobs / 2 - 1)

            """)
        let sweep = try cluster.submit(file)
        let online = cluster.directory.appendingPathComponent("online")
        let report = try runCommand(["report", sweep, "--out", online.path], in: cluster.directory, environment: env, timeout: 120)
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let file1 = try ReportFile(at: online.appendingPathComponent("report.json"))
        #expect(file1.jobs.count == jobs)
        #expect(Set(file1.jobs.map(\.jobID)).count == jobs)
        #expect(file1.jobs.allSatisfy { $0.status == "pending" })
        let raw = try #require(file1.raw["jobs"] as? [[String: Any]])
        #expect(raw.allSatisfy { Set((($0["parameters"] as? [String: Any]) ?? [:]).keys) == ["dimension", "seed"] })
        #expect(((file1.raw["sweep"] as? [String: Any])?["parameters"] as? [String: Any])?["kind"] as? String == "noop")
        let csv = try String(contentsOf: online.appendingPathComponent("report.csv"), encoding: .utf8)
        #expect(csv.components(separatedBy: "\r\n").count == jobs + 2)  // header, rows, the empty tail

        let offline = cluster.directory.appendingPathComponent("offline")
        let fromState = try runCommand(["report", "--state", cluster.statePath, "--out", offline.path], in: cluster.directory, timeout: 120)
        #expect(fromState.status == 0, "stderr: \(fromState.stderr)")
        #expect(try Data(contentsOf: offline.appendingPathComponent("report.csv")) == Data(contentsOf: online.appendingPathComponent("report.csv")))

        let listed = try runCommand(["jobs", sweep, "--json"], in: cluster.directory, environment: env, timeout: 120)
        #expect(listed.status == 0, "stderr: \(listed.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == jobs)
        #expect(Set(parsed?.compactMap { $0["job_id"] as? String } ?? []).count == jobs)
    }

    @Test func benchReport_writesEveryJob_offlineAndFromACoordinator() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runCommand(["bench", "report", "--jobs", "5000", "--train-every", "10"], in: directory, timeout: 180)
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("sweep: 5000 jobs"))
        #expect(result.stdout.contains("report --state: ") && result.stdout.contains("report --coordinator: "), "stdout: \(result.stdout)")
        #expect(!result.stdout.contains("INCOMPLETE"))
    }

    @Test func benchRetry_reQueuesEveryFailedJob_andRunsThemAgain_withoutABusyLoop() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bench-retry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try runCommand(["bench", "retry", "--jobs", "3000", "--workers", "1", "--slots", "4"], in: directory, timeout: 180)
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stdout.contains("3000 jobs re-queued"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("(3000 completed;"), "stdout: \(result.stdout)")
        #expect(result.stdout.contains("\"loop was busy\" notices: 0"), "stdout: \(result.stdout)")
    }
}
