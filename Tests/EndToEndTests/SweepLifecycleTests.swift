import Foundation
import SweepModel
import SweepStore
import Testing

/// The everyday life of a sweep with real processes: failed jobs retried (also across a
/// coordinator restart), a cancelled sweep resumed, honest progress, and the exit statuses.
@Suite(.serialized)
struct SweepLifecycleTests {
    /// `jobs` sleep jobs whose first `failAttempts` attempts fail, with `maxAttempts` attempts.
    static func failingSweep(_ name: String, jobs: Int, failAttempts: Int, maxAttempts: Int, sleepMs: Int = 10) -> String {
        """
        version: 1
        name: \(name)
        kind: sleep
        experiment:
          sleep_ms: \(sleepMs)
          fail_attempts: \(failAttempts)
        seeds: 0..\(jobs - 1)
        max_attempts: \(maxAttempts)
        job_timeout_seconds: 60

        """
    }

    @Test func failedJobs_areRetriedWithAFreshBudget_evenAcrossACoordinatorRestart() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        try cluster.startWorker(slots: 2)
        // Each job fails its first 2 attempts; with max_attempts 1 all 4 fail.
        let sweep = try cluster.submit(cluster.writeSweep("flaky", Self.failingSweep("flaky", jobs: 4, failAttempts: 2, maxAttempts: 1)))
        let failed = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(failed.allSatisfy { $0.status == .failed && $0.attempts.count == 1 })

        // Resubmitting the same file does not help; retry does.
        let retry = try runCommand(["retry", String(sweep.prefix(12)), "--failed"], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(retry.status == 0, "stderr: \(retry.stderr)")
        #expect(retry.stdout.contains("re-queued 4 jobs"), "stdout: \(retry.stdout)")
        // One more failure each (attempt 2), then the budget of 1 is spent again.
        let again = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(again.allSatisfy { $0.status == .failed && $0.attempts.count == 2 && $0.retryBase == 1 })

        // After a kill -9 and a restart the old attempts still do not count: retry with 3 attempts.
        cluster.coordinator?.signal(SIGKILL)
        _ = try cluster.coordinator?.wait(timeout: 10)
        try cluster.startCoordinator()
        let raised = try runCommand(
            ["retry", sweep, "--max-attempts", "3", "--json"], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(raised.status == 0, "stderr: \(raised.stderr)")
        #expect(raised.stdout.contains("\"failed\" : 4") && raised.stdout.contains("\"max_attempts\" : 3"), "stdout: \(raised.stdout)")
        let done = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(done.allSatisfy { $0.status == .completed }, "\(done.map(\.status))")
        // Attempt 3 succeeds (the first 2 fail): every job kept its whole history.
        #expect(done.allSatisfy { $0.attempts.count == 3 && $0.attempts.last?.outcome == .completed })

        // Nothing left to retry: zero re-queued, exit 0.
        let nothing = try runCommand(["retry", sweep], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(nothing.status == 0 && nothing.stdout.contains("re-queued 0 jobs"), "stdout: \(nothing.stdout)")
    }

    @Test func cancelledSweep_resumes_andProgressNeverCallsItDone() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let sweep = try cluster.submit(cluster.writeSweep("stop-go", Self.failingSweep("stop-go", jobs: 12, failAttempts: 0, maxAttempts: 3)))
        let cancel = try runCommand(["cancel", sweep], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(cancel.status == 0 && cancel.stdout.contains("12 jobs cancelled"), "stdout: \(cancel.stdout)")

        let watch = try runCommand(["watch", sweep, "--interval", "0.1"], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(watch.status == 1)
        #expect(watch.stdout.contains("0/12   0.0%"), "stdout: \(watch.stdout)")
        #expect(watch.stdout.contains("CANCELLED") && watch.stdout.contains("cancelled 12"), "stdout: \(watch.stdout)")
        #expect(!watch.stdout.contains("100.0%"))
        let status = try runCommand(["status", sweep], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(status.stdout.contains("CANCELLED"), "stdout: \(status.stdout)")

        // Cancelling again: it had already ended, with its own exit status.
        let twice = try runCommand(["cancel", sweep], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(twice.status == 3, "stdout: \(twice.stdout) stderr: \(twice.stderr)")
        #expect(twice.stdout.contains("had already ended"))

        let resume = try runCommand(["retry", sweep, "--cancelled"], in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(resume.status == 0 && resume.stdout.contains("re-queued 12 jobs"), "stdout: \(resume.stdout)")
        try cluster.startWorker(slots: 2)
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 60)
        #expect(expectExactlyOnce(records, expectedJobs: 12, maxAttempts: 3) == [])
        let store = try ResultStore(path: cluster.statePath, readOnly: true)
        let record = try #require(try store.sweep(id: SweepID(rawValue: sweep)))
        #expect(!record.cancelled && record.finishedAt != nil)
    }

    @Test func localRun_retryFailed_runsOnlyTheFailedJobsAgain_andPrintsTheirErrors() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("local.yaml")
        try Self.failingSweep("local", jobs: 3, failAttempts: 1, maxAttempts: 1).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let first = try runCommand(["run", file.path, "--workers", "1", "--out", out.path], in: dir, timeout: 120)
        #expect(first.status == 1)
        #expect(first.stdout.contains("failed jobs (first 3 of 3; all in report.html):"), "stdout: \(first.stdout)")
        #expect(first.stdout.contains("injected failure: attempt 1 of the first 1 fails"))
        #expect(first.stdout.contains("worker logs: \(out.path)/worker-1.log"), "stdout: \(first.stdout)")
        #expect(first.stdout.contains("run again with --retry-failed"))

        let plain = try runCommand(["run", file.path, "--workers", "1", "--out", out.path], in: dir, timeout: 120)
        #expect(plain.status == 1, "a plain second run must not retry")
        let retried = try runCommand(["run", file.path, "--workers", "1", "--out", out.path, "--retry-failed"], in: dir, timeout: 120)
        #expect(retried.status == 0, "stdout: \(retried.stdout) stderr: \(retried.stderr)")
        #expect(retried.stdout.contains("3 failed before, run again"), "stdout: \(retried.stdout)")
        let report = try ReportFile(at: out.appendingPathComponent("report.json"))
        #expect(report.jobs.allSatisfy { $0.attempts == 2 && $0.status == "completed" })
    }

    @Test func localRun_retryFailed_resumesACancelledSweep() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("local.yaml")
        try Self.failingSweep("local", jobs: 3, failAttempts: 1, maxAttempts: 1).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let first = try runCommand(["run", file.path, "--workers", "1", "--out", out.path], in: dir, timeout: 120)
        #expect(first.status == 1)
        // Cancelled afterwards (as `clustersweep cancel` through a coordinator on the file would).
        let statePath = out.appendingPathComponent("state.sqlite").path
        do {
            let store = try ResultStore(path: statePath)
            let sweep = try #require(try store.sweeps().first)
            try store.apply([.sweepCancelled(sweep.id)], at: Date())
        }
        let retried = try runCommand(["run", file.path, "--workers", "1", "--out", out.path, "--retry-failed"], in: dir, timeout: 120)
        #expect(retried.status == 0, "stdout: \(retried.stdout) stderr: \(retried.stderr)")
        #expect(retried.stdout.contains("3 failed before, run again"), "stdout: \(retried.stdout)")
        let record = try #require(try ResultStore(path: statePath, readOnly: true).sweeps().first)
        #expect(!record.cancelled && record.finishedAt != nil)
    }
}

extension SweepLifecycleTests {
    static func noopSweep(_ name: String, seeds: String) -> String {
        "version: 1\nname: \(name)\nkind: noop\nseeds: \(seeds)\nmax_attempts: 2\n"
    }

    @Test func delete_removesAnEndedSweep_keepsSharedResults_andTheSweepCanRunAgain() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let env = cluster.clientEnvironment
        try cluster.startWorker(slots: 2)
        // a: seeds 0..3; b: seeds 2..5 shares two jobs with a.
        let a = try cluster.submit(cluster.writeSweep("a", Self.noopSweep("del-a", seeds: "0..3")))
        let b = try cluster.submit(cluster.writeSweep("b", Self.noopSweep("del-b", seeds: "2..5")))
        _ = try cluster.waitUntilFinished(sweep: a, timeout: 60)
        _ = try cluster.waitUntilFinished(sweep: b, timeout: 60)

        let unconfirmed = try runCommand(["delete", a], in: cluster.directory, environment: env)
        #expect(unconfirmed.status == 1 && unconfirmed.stderr.contains("pass --yes"), "stderr: \(unconfirmed.stderr)")
        let deleted = try runCommand(["delete", a, "--yes"], in: cluster.directory, environment: env)
        #expect(deleted.status == 0, "stderr: \(deleted.stderr)")
        #expect(deleted.stdout.contains("2 jobs removed, 2 kept for other sweeps"), "stdout: \(deleted.stdout)")
        let sweeps = try runCommand(["sweeps"], in: cluster.directory, environment: env)
        #expect(!sweeps.stdout.contains("del-a") && sweeps.stdout.contains("del-b"), "stdout: \(sweeps.stdout)")
        #expect(try cluster.jobRecords(sweep: b).allSatisfy { $0.status == .completed && $0.attempts.count == 1 })

        // The same sweep again: the two shared results are reused, the two removed jobs run again.
        let again = try runCommand(["submit", cluster.writeSweep("a2", Self.noopSweep("del-a", seeds: "0..3"))], in: cluster.directory, environment: env)
        #expect(again.stdout.contains("4 jobs, 2 already done"), "stdout: \(again.stdout)")
        _ = try cluster.waitUntilFinished(sweep: a, timeout: 60)

        // A running sweep is refused; offline deletion is refused while the coordinator holds the file.
        let open = try cluster.submit(cluster.writeSweep("slow", """
            version: 1
            name: slow
            kind: sleep
            experiment:
              sleep_ms: 60000
            seeds: 0..0
            """))
        let refused = try runCommand(["delete", open, "--yes"], in: cluster.directory, environment: env)
        #expect(refused.status == 1 && refused.stderr.contains("is still running; cancel it first"), "stderr: \(refused.stderr)")
        let offlineBusy = try runCommand(["delete", b, "--yes", "--state", cluster.statePath], in: cluster.directory)
        #expect(offlineBusy.status == 1 && offlineBusy.stderr.contains("in use by coordinator"), "stderr: \(offlineBusy.stderr)")

        // With the coordinator stopped, offline deletion works.
        cluster.coordinator?.signal(SIGTERM)
        _ = try cluster.coordinator?.wait(timeout: 20)
        let offline = try runCommand(["delete", b, "--yes", "--state", cluster.statePath, "--json"], in: cluster.directory)
        #expect(offline.status == 0, "stderr: \(offline.stderr)")
        #expect(offline.stdout.contains("\"jobs_kept\" : 2") && offline.stdout.contains("\"jobs_removed\" : 2"), "stdout: \(offline.stdout)")
    }
}
