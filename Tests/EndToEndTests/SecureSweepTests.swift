import Foundation
import SweepModel
import SweepStore
import Testing

/// CURVE end to end: real key files from `keygen`, a coordinator with an authorized-keys file,
/// workers and clients with and without the right keys, over tcp://127.0.0.1.
@Suite(.serialized)
struct SecureSweepTests {
    @Test func curve_authorizedPeersCompleteASweep_othersGetNothing() throws {
        let cluster = try LocalTestCluster()
        let keys = cluster.directory.appendingPathComponent("keys")
        for name in ["coordinator", "worker", "client", "stranger"] {
            let made = try runCommand(["keygen", "--out", keys.appendingPathComponent(name).path], in: cluster.directory)
            #expect(made.status == 0, "keygen: \(made.stderr)")
        }
        func key(_ name: String, _ file: String) -> String { keys.appendingPathComponent(name).appendingPathComponent(file).path }
        func publicKey(_ name: String) throws -> String {
            try String(contentsOfFile: key(name, "public.key"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let secretAttributes = try FileManager.default.attributesOfItem(atPath: key("worker", "secret.key"))
        #expect((secretAttributes[.posixPermissions] as? Int) == 0o600)

        let authorized = cluster.directory.appendingPathComponent("authorized")
        try """
            # who may connect
            worker \(try publicKey("worker")) the worker pool
            client \(try publicKey("client")) alice's laptop

            """.write(to: authorized, atomically: true, encoding: .utf8)

        let coordinator = try ChildProcess(
            ["coordinator", "--bind", cluster.endpoint, "--state", cluster.statePath,
             "--curve-secret-key", key("coordinator", "secret.key"), "--authorized-keys", authorized.path],
            in: cluster.directory, name: "coordinator")
        try coordinator.waitForOutput(timeout: 20) { $0.contains("listening") }
        cluster.coordinator = coordinator

        let serverKey = key("coordinator", "public.key")
        let clientEnv = cluster.clientEnvironment.merging([
            "CLUSTERSWEEP_CURVE_SERVER_KEY": serverKey, "CLUSTERSWEEP_CURVE_SECRET_KEY": key("client", "secret.key"),
        ]) { $1 }
        let workerKeyEnv = cluster.clientEnvironment.merging([
            "CLUSTERSWEEP_CURVE_SERVER_KEY": serverKey, "CLUSTERSWEEP_CURVE_SECRET_KEY": key("worker", "secret.key"),
        ]) { $1 }

        let sweepFile = try cluster.writeSweep("secure", """
            version: 1
            name: secure
            kind: noop
            seeds: 0..5
            """)
        // A worker key may not submit (nor cancel, nor read).
        let forbidden = try runCommand(["submit", sweepFile], in: cluster.directory, environment: workerKeyEnv)
        #expect(forbidden.status != 0)
        #expect(forbidden.stderr.contains("needs a client key"))

        let submit = try runCommand(["submit", sweepFile], in: cluster.directory, environment: clientEnv)
        #expect(submit.status == 0, "submit: \(submit.stderr)")
        let sweep = try #require(submit.stdout.split(separator: "\n").last.map(String.init))
        let cancel = try runCommand(["cancel", sweep], in: cluster.directory, environment: workerKeyEnv)
        #expect(cancel.status != 0)
        #expect(cancel.stderr.contains("needs a client key"), "cancel: \(cancel.stderr)")

        // With the sweep pending, a stranger's worker and a worker without any key connect.
        let stranger = try ChildProcess(
            ["worker", "--connect", cluster.endpoint, "--slots", "2",
             "--curve-server-key", serverKey, "--curve-secret-key", key("stranger", "secret.key")],
            in: cluster.directory, name: "stranger")
        let plain = try ChildProcess(["worker", "--connect", cluster.endpoint, "--slots", "2"], in: cluster.directory, name: "plain")
        defer {
            stranger.signal(SIGKILL)
            plain.signal(SIGKILL)
        }
        // First prove they tried: the coordinator refused the stranger's key (the first refusals
        // of this run, so the log's rate limit does not hide them), and the plain worker, whose
        // handshake cannot even start against a CURVE server, gave up on a silent coordinator.
        let strangerKey = try publicKey("stranger")
        try coordinator.waitForOutput(timeout: 20) { log in
            log.split(separator: "\n").contains { $0.contains("refused connection") && $0.contains(strangerKey) }
        }
        try plain.waitForOutput(timeout: 20) { $0.contains("coordinator silent") }
        // Only then: nothing ran while only unauthorized workers were connected, no one was welcomed.
        #expect(try cluster.jobRecords(sweep: sweep).allSatisfy { $0.status == .pending && $0.attempts.isEmpty })
        #expect(!stranger.stderr.contains("welcomed"), "the stranger must never be welcomed")
        #expect(!plain.stderr.contains("welcomed"), "the plain worker must never be welcomed")

        // A client with an unknown key hears nothing.
        let unknown = try runCommand(
            ["status", "--timeout", "1", "--curve-server-key", serverKey, "--curve-secret-key", key("stranger", "secret.key")],
            in: cluster.directory, environment: cluster.clientEnvironment)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no answer"))

        let worker = try ChildProcess(["worker", "--connect", cluster.endpoint, "--slots", "2"], in: cluster.directory,
                                      environment: workerKeyEnv, name: "authorized-worker")
        cluster.workers.append(worker)
        let records = try cluster.waitUntilFinished(sweep: sweep, timeout: 30)
        #expect(expectExactlyOnce(records, expectedJobs: 6, maxAttempts: 3) == [])
        let authorizedPid = "-\(worker.pid)-"
        #expect(records.allSatisfy { $0.attempts.allSatisfy { $0.worker.rawValue.contains(authorizedPid) } })

        let watch = try runCommand(["watch", sweep], in: cluster.directory, environment: clientEnv, timeout: 30)
        #expect(watch.status == 0)

        // SIGHUP re-reads the authorized keys: the stranger, now listed as a client, is let in.
        let handle = try FileHandle(forWritingTo: authorized)
        handle.seekToEndOfFile()
        handle.write(Data("client \(try publicKey("stranger")) now trusted\n".utf8))
        try handle.close()
        coordinator.signal(SIGHUP)
        let strangerClient = ["--curve-server-key", serverKey, "--curve-secret-key", key("stranger", "secret.key")]
        var admitted = false
        for _ in 0..<20 where !admitted {
            Thread.sleep(forTimeInterval: 0.1)
            let status = try runCommand(["status", "--timeout", "1"] + strangerClient, in: cluster.directory, environment: cluster.clientEnvironment)
            admitted = status.status == 0 && status.stdout.contains("secure")
        }
        #expect(admitted, "the reloaded key was not accepted")
    }

    @Test func publicBindWithoutCurve_isRefusedUnlessInsecure() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state.sqlite")
        let refused = try runCommand(["coordinator", "--bind", "tcp://0.0.0.0:\(try freeLoopbackPort())", "--state", state.path], in: dir)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("without CURVE"))
        #expect(!FileManager.default.fileExists(atPath: state.path))
    }
}
