import Foundation
import SweepModel
import SweepWire
import Testing
import ZeroMQ
@testable import Coordinator

/// The role rules as the running coordinator applies them, over real CURVE connections: a client
/// key cannot act as a worker, a worker key cannot drive or read sweeps. Each refusal is checked
/// next to the same message from the right key, so a test cannot pass because nothing was heard.
@Suite(.serialized) struct RoleEnforcementTests {
    /// A `CoordinatorService` with CURVE on, one worker key and one client key authorized.
    final class SecureCoordinator {
        let directory: String
        let server: CurveKeyPair
        let worker: CurveKeyPair
        let client: CurveKeyPair
        let running: RunningCoordinator

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("roles-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            server = try CurveKeyPair.generate()
            worker = try CurveKeyPair.generate()
            client = try CurveKeyPair.generate()
            try KeyFile.writePair(server, toDirectory: directory + "/server", force: false)
            let authorized = directory + "/authorized_keys"
            try Data("worker \(worker.publicKey.z85) pool\nclient \(client.publicKey.z85) laptop\n".utf8)
                .write(to: URL(fileURLWithPath: authorized))
            let security = CoordinatorSecurityConfiguration(
                serverSecretKeyPath: directory + "/server/secret.key", authorizedKeysPath: authorized)
            running = try RunningCoordinator(statePath: directory + "/state.sqlite") { $0.security = security }
        }

        /// A client of the coordinator using `keys` (any role: the library client does not check).
        func client(keys: CurveKeyPair) throws -> CoordinatorClient {
            try CoordinatorClient(
                endpoint: running.endpoint, timeoutSeconds: 10, curve: CurveClientKeys(serverPublicKey: server.publicKey, keyPair: keys))
        }

        deinit {
            running.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    /// A raw CURVE DEALER with `keys`, in a context of its own as another process would have.
    final class Peer {
        let context: ZMQContext
        let socket: ZMQSocket

        init(_ coordinator: SecureCoordinator, keys: CurveKeyPair, routingID: String) throws {
            context = try ZMQContext()
            socket = try context.socket(.dealer)
            try socket.set(CurveClientKeys(serverPublicKey: coordinator.server.publicKey, keyPair: keys).socketOptions)
            try socket.set(.routingID(Array(routingID.utf8)))
            try socket.set(.receiveTimeout(milliseconds: 10_000))  // hang guard only
            try socket.connect(coordinator.running.endpoint)
        }

        func send(_ message: WorkerMessage) throws { try socket.send(try WireCodec.encode(message)) }
        func send(_ request: ClientRequest, id: UInt64) throws { try socket.send(try WireCodec.encode(request, requestID: id)) }

        /// The next frames as a coordinator message (`nil` if they are a client reply instead).
        func receive() throws -> (message: CoordinatorMessage?, reply: (UInt64, ClientReply)?) {
            let frames = try socket.receive(maxFrames: 3)
            do throws(WireError) {
                return (try WireCodec.decodeCoordinatorMessage(frames), nil)
            } catch {
                return (nil, try WireCodec.decodeClientReply(frames))
            }
        }

        deinit {
            socket.close()
            context.terminate()
        }
    }

    static func hello(_ worker: WorkerID) -> WorkerMessage {
        .hello(.init(worker: worker, host: "test-host", pid: 1, slots: 2, softwareVersion: "test", finished: []))
    }

    @Test func clientKey_sendingWorkerMessages_isNeitherWelcomedNorRegistered() throws {
        let coordinator = try SecureCoordinator()
        // The control: a worker key's hello is welcomed, so the message itself is fine.
        let realWorker = try Peer(coordinator, keys: coordinator.worker, routingID: "real-worker")
        try realWorker.send(Self.hello(WorkerID(rawValue: "real-worker")))
        let welcome = try realWorker.receive()
        guard case .welcome(let welcomed)? = welcome.message else {
            Issue.record("the worker key's hello was not welcomed: \(welcome)")
            return
        }
        #expect(welcomed.worker == WorkerID(rawValue: "real-worker"))

        // The same hello from a client key, then heartbeats, then a request the client key may
        // make. The coordinator handles one connection's messages in order, so the answer to the
        // request proves it has handled the worker messages before it: they must have left no
        // trace, and no coordinator message may come back for them.
        let posing = try Peer(coordinator, keys: coordinator.client, routingID: "posing-worker")
        try posing.send(Self.hello(WorkerID(rawValue: "posing-worker")))
        try posing.send(.heartbeat)
        try posing.send(.workers, id: 41)
        let answer = try posing.receive()
        #expect(answer.message == nil, "a client key's worker message was answered: \(String(describing: answer.message))")
        let (id, reply) = try #require(answer.reply)
        #expect(id == 41)
        guard case .workers(let list) = reply else {
            Issue.record("workers answered \(reply)")
            return
        }
        #expect(list.workers.map(\.worker) == [WorkerID(rawValue: "real-worker")], "only the worker key's hello registers a worker")
    }

    @Test func workerKey_askingForStatusOrReport_isForbidden() throws {
        let coordinator = try SecureCoordinator()
        // The control: a client key submits a sweep and reads its status and report.
        let laptop = try coordinator.client(keys: coordinator.client)
        let submitted = try laptop.submit(noopSweep(name: "roles", jobs: 2))
        #expect(try laptop.status(of: submitted.sweep).counts.pending == 2)
        guard case .report(let report) = try laptop.send(.report(.init(sweep: submitted.sweep))) else {
            Issue.record("a client key could not read the report")
            return
        }
        #expect(report.jobs.count == 2)

        // The same requests (and the other client requests) with the worker key.
        let node = try coordinator.client(keys: coordinator.worker)
        let requests: [ClientRequest] = [
            .status(.init(sweep: submitted.sweep)), .status(.init(sweep: nil)), .report(.init(sweep: submitted.sweep)),
            .workers, .cancel(.init(sweep: submitted.sweep)), .submit(.init(sourceText: noopSweep(name: "other", jobs: 1), sourceName: "x.yaml")),
        ]
        for request in requests {
            let reply = try node.send(request)
            guard case .error(let failure) = reply else {
                Issue.record("a worker key's \(request.kind) was answered with \(reply)")
                continue
            }
            #expect(failure.code == .forbidden, "\(request.kind)")
            #expect(failure.message.contains("needs a client key"), "\(request.kind): \(failure.message)")
        }
        // Nothing the worker key asked for happened: still two pending jobs, one sweep, not cancelled.
        let status = try laptop.status(of: submitted.sweep)
        #expect(status.counts.pending == 2)
        #expect(!status.cancelled)
        guard case .status(let all) = try laptop.send(.status(.init(sweep: nil))) else {
            Issue.record("status of all sweeps failed")
            return
        }
        #expect(all.sweeps.map(\.sweep) == [submitted.sweep])
    }
}
