import Foundation
import Testing

/// Training that diverges (huge step sizes) is a result, not a failure: a sweep of such jobs ends
/// with every job `diverged` in the report, after one attempt, and `run` exits 0. (`diverged`
/// means a non-finite loss or point; rates like `input_learning_rate: 1e6, learning_rate: 1e3`
/// stay finite in this model and cluster, so the sweep uses plain SGD at 1e38.)
@Suite(.serialized)
struct DivergenceTests {
    @Test func hugeLearningRates_endAsDivergedNotAsCrashesOrFailures() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sweep = dir.appendingPathComponent("diverge.yaml")
        try """
            version: 1
            name: diverge
            experiment:
              optimizer: sgd
              points: 60
              max_epochs: 300
              check_every: 25
            grid:
              dimension: [2]
              learning_rate: [1.0e38]
              input_learning_rate: [1.0e38]
            seeds: 0..\(ChaosSize.pick(fast: 1, full: 3))
            max_attempts: 2
            job_timeout_seconds: 120
            """.write(to: sweep, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let run = try runCommand(["run", sweep.path, "--workers", "2", "--out", out.path], in: dir, timeout: 180)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error"))
        let report = try ReportFile(at: out.appendingPathComponent("report.json"))
        let jobs = ChaosSize.pick(fast: 2, full: 4)
        #expect(report.jobs.count == jobs)
        #expect(report.jobs.allSatisfy { $0.status == "diverged" }, "statuses: \(report.jobs.map(\.status))")
        #expect(report.jobs.allSatisfy { $0.attempts == 1 }, "a diverged job is not retried")
    }
}
