import Foundation
import Testing

/// No silent failures for workers, with real processes: a worker whose key the coordinator
/// refuses (real CURVE) says so and, with --idle-exit, exits non-zero; a worker that never reaches
/// a coordinator exits non-zero with the reason instead of "idle".
@Suite(.serialized)
struct WorkerRefusalTests {
    @Test func workerWithARefusedKey_logsTheRefusal_andExitsNonZeroWithIdleExit() throws {
        let cluster = try LocalTestCluster()
        let keys = cluster.directory.appendingPathComponent("keys")
        for name in ["coordinator", "worker", "stranger"] {
            let made = try runCommand(["keygen", "--out", keys.appendingPathComponent(name).path], in: cluster.directory)
            #expect(made.status == 0, "keygen: \(made.stderr)")
        }
        func key(_ name: String, _ file: String) -> String { keys.appendingPathComponent(name).appendingPathComponent(file).path }
        let workerKey = try String(contentsOfFile: key("worker", "public.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let authorized = cluster.directory.appendingPathComponent("authorized")
        try "worker \(workerKey) the pool\n".write(to: authorized, atomically: true, encoding: .utf8)
        let coordinator = try ChildProcess(
            ["coordinator", "--bind", cluster.endpoint, "--state", cluster.statePath,
             "--curve-secret-key", key("coordinator", "secret.key"), "--authorized-keys", authorized.path],
            in: cluster.directory, name: "coordinator")
        try coordinator.waitForOutput(timeout: 20) { $0.contains("listening") }
        cluster.coordinator = coordinator

        let stranger = try ChildProcess(
            ["worker", "--connect", cluster.endpoint, "--idle-exit", "120",
             "--curve-server-key", key("coordinator", "public.key"), "--curve-secret-key", key("stranger", "secret.key")],
            in: cluster.directory, name: "stranger")
        let status = try stranger.wait(timeout: 60)
        #expect(status == 1, "stderr: \(stranger.stderr)")
        #expect(stranger.stderr.contains("the coordinator refused this worker's key (CURVE handshake failed)"), "stderr: \(stranger.stderr)")
        #expect(stranger.stderr.contains("refused this worker's key 3 times"), "stderr: \(stranger.stderr)")
        // The refusal the worker saw is the coordinator's own.
        #expect(coordinator.stderr.contains("refused connection"))
    }

    @Test func workerThatNeverReachesACoordinator_exitsNonZeroWithTheReason() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let port = try freeLoopbackPort()
        let result = try runCommand(["worker", "--connect", "tcp://127.0.0.1:\(port)", "--idle-exit", "1"], in: dir, timeout: 30)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("never reached a coordinator at tcp://127.0.0.1:\(port) within 1.0 s"), "stderr: \(result.stderr)")
    }
}
