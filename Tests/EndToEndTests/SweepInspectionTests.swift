import Foundation
import Testing

/// Seeing a sweep from the command line, with real processes: `sweeps`, `jobs` (online and
/// offline), `status --state`, `submit --dry-run` and the `--json` outputs.
@Suite(.serialized)
struct SweepInspectionTests {
    @Test func listings_dryRun_andJSON_agreeOnlineAndOffline() throws {
        let cluster = try LocalTestCluster()
        try cluster.startCoordinator()
        let env = cluster.clientEnvironment
        let file = try cluster.writeSweep("inspect", """
            version: 1
            name: inspect
            kind: sleep
            experiment:
              sleep_ms: 5
              fail_attempts: 1
            grid:
              dimension: [2, 4]
            seeds: 0..2
            max_attempts: 1

            """)
        // Dry run before anything is submitted: the plan, nothing done, nothing stored.
        let dry = try runCommand(["submit", file, "--dry-run"], in: cluster.directory, environment: env)
        #expect(dry.status == 0, "stderr: \(dry.stderr)")
        #expect(dry.stdout.contains("6 jobs, 0 already done"), "stdout: \(dry.stdout)")
        #expect(dry.stdout.contains("dimension: 2, 4 (2 values)") && dry.stdout.contains("seed: 0, 1, 2 (3 values)"), "stdout: \(dry.stdout)")
        #expect(dry.stdout.contains("nothing was submitted"))
        let none = try runCommand(["sweeps", "--json"], in: cluster.directory, environment: env)
        #expect(none.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "\n", with: "") == "[]", "stdout: \(none.stdout)")

        let submitted = try runCommand(["submit", file, "--json"], in: cluster.directory, environment: env)
        #expect(submitted.status == 0 && submitted.stdout.contains("\"total_jobs\" : 6"), "stdout: \(submitted.stdout)")
        let sweep = try cluster.submit(file)
        try cluster.startWorker(slots: 2)
        let watched = try runCommand(["watch", sweep, "--json"], in: cluster.directory, environment: env, timeout: 60)
        #expect(watched.status == 1, "every job fails once with max_attempts 1")
        #expect(watched.stdout.contains("\"failed\" : 6") && !watched.stdout.contains("["), "stdout: \(watched.stdout)")

        let online = try runCommand(["jobs", sweep, "--status", "failed"], in: cluster.directory, environment: env)
        #expect(online.status == 0, "stderr: \(online.stderr)")
        #expect(online.stdout.contains("DIMENSION") && online.stdout.contains("SEED") && online.stdout.contains("LAST ERROR"))
        #expect(online.stdout.contains("injected failure: attempt 1 of the first 1 fails"))
        #expect(online.stdout.hasSuffix("6 jobs\n"), "stdout: \(online.stdout)")
        let offline = try runCommand(["jobs", "--state", cluster.statePath, "--status", "failed"], in: cluster.directory)
        #expect(offline.stdout == online.stdout, "offline:\n\(offline.stdout)\nonline:\n\(online.stdout)")
        let json = try runCommand(["jobs", sweep, "--json"], in: cluster.directory, environment: env)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 6)
        #expect(parsed?.first?["last_error"] as? String == "injected failure: attempt 1 of the first 1 fails (fail_attempts)")

        let sweeps = try runCommand(["sweeps"], in: cluster.directory, environment: env)
        #expect(sweeps.stdout.contains("inspect") && sweeps.stdout.contains("ended") && sweeps.stdout.hasSuffix("1 sweep\n"), "stdout: \(sweeps.stdout)")
        let status = try runCommand(["status", "--state", cluster.statePath], in: cluster.directory)
        #expect(status.status == 0 && status.stdout.contains("inspect"), "stderr: \(status.stderr)")

        // The dry run now sees the failures: retry would run them.
        let again = try runCommand(["submit", file, "--dry-run"], in: cluster.directory, environment: env)
        #expect(again.stdout.contains("already submitted") && again.stdout.contains("6 failed or cancelled before"), "stdout: \(again.stdout)")
    }
}
