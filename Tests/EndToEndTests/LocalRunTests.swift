import Foundation
import Testing

/// `clustersweep run` end to end: embedded coordinator, real worker processes, SQLite store, report.
@Suite(.serialized)
struct LocalRunTests {
    static let smoke = repositoryRoot.appendingPathComponent("configs/smoke.yaml").path

    @Test func run_completesSmokeSweepWritesReportAndResumesWithoutRerunning() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("smoke-run")

        let first = try runCommand(["run", Self.smoke, "--workers", "2", "--out", out.path], in: dir, timeout: 120)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(first.stdout.contains("finished"))
        let report = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(report.jobs.count == 4)
        #expect(report.jobs.allSatisfy { ["clustered", "censored", "diverged"].contains($0.status) })
        #expect(Set(report.jobs.map(\.jobID)).count == 4)
        for name in ["report.html", "report.csv", "state.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }

        // Same directory again: everything is already done, nothing runs twice.
        let second = try runCommand(["run", Self.smoke, "--workers", "1", "--out", out.path], in: dir, timeout: 60)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        #expect(second.stdout.contains("4 already done"))
        let again = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(again.jobs.map(\.attempts) == report.jobs.map(\.attempts))
    }

    /// `run --kernels` reaches every local worker, and each result records the family it ran.
    @Test func run_withPinnedKernels_recordsThatFamilyInEveryResult() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("smoke-baseline")
        let result = try runCommand(
            ["run", Self.smoke, "--workers", "2", "--kernels", "baseline", "--out", out.path], in: dir, timeout: 120)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try ReportFile(at: out.appendingPathComponent("report.json"))
        let jobs = try #require(report.raw["jobs"] as? [[String: Any]])
        #expect(jobs.count == 4)
        let families = jobs.map { ($0["result"] as? [String: Any])?["kernel_family"] as? String }
        #expect(families == Array(repeating: "baseline", count: 4), "\(families)")

        let refused = try runCommand(["run", Self.smoke, "--kernels", "avx9", "--out", out.path], in: dir)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--kernels must be one of avx512, avx2, baseline (got 'avx9')"), "\(refused.stderr)")
    }

    @Test func run_refusesInvalidSweepFileWithFileAndLine() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bad = dir.appendingPathComponent("bad.yaml")
        try "version: 1\nname: bad\ngrid:\n  dimension: [2, 0]\n".write(to: bad, atomically: true, encoding: .utf8)
        let result = try runCommand(["run", bad.path, "--out", dir.appendingPathComponent("out").path], in: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.yaml:4:"))
        #expect(result.stderr.contains("grid.dimension[1]"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out/state.sqlite").path))
    }
}

/// The sweep root of this package, found from this source file.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The parts of a report.json that end-to-end tests check.
struct ReportFile {
    struct Job {
        var jobID: String
        var status: String
        var attempts: Int
    }

    var jobs: [Job]
    var raw: [String: Any]

    init(at url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let jobs = object["jobs"] as? [[String: Any]]
        else { throw HarnessError("\(url.path) is not a report") }
        raw = object
        self.jobs = try jobs.map { job in
            guard let id = job["job_id"] as? String, let status = job["status"] as? String else {
                throw HarnessError("job entry without job_id/status in \(url.path)")
            }
            let attempts: Int
            if let count = job["attempts"] as? Int {
                attempts = count
            } else if let object = job["attempts"] as? [String: Any], let count = object["count"] as? Int {
                attempts = count
            } else {
                attempts = -1
            }
            return Job(jobID: id, status: status, attempts: attempts)
        }
    }
}
