import Foundation
import Logging
import Testing
import ZeroMQ
@testable import SweepWire

/// Real CURVE handshakes over tcp://127.0.0.1: a ROUTER set up the way the coordinator does it
/// (`CoordinatorSecurity` started before bind, its `serverSocketOptions`), and DEALER clients in
/// their own contexts, as separate processes would be.
@Suite(.serialized) struct CurveHandshakeTests {
    static let quiet = Logger(label: "curve-tests") { _ in SwiftLogNoOpLogHandler() }

    /// A CURVE coordinator socket with its security, plus the key files it was made from.
    final class Server {
        let directory: String
        let authorizedPath: String
        let transport: WireTransport
        var context: ZMQContext { transport.context }
        let security: CoordinatorSecurity
        let router: ZMQSocket
        let monitor: ZMQMonitor
        let endpoint: String
        let poller = ZMQPoller()

        init(authorized: String) throws {
            directory = try SecurityFixture.directory()
            let serverPair = try CurveKeyPair.generate()
            try KeyFile.writePair(serverPair, toDirectory: directory + "/server", force: false)
            authorizedPath = try SecurityFixture.write(authorized, to: "authorized_keys", in: directory)
            transport = try WireTransport()
            security = try CoordinatorSecurity(
                configuration: CoordinatorSecurityConfiguration(
                    serverSecretKeyPath: directory + "/server/secret.key", authorizedKeysPath: authorizedPath),
                transport: transport, logger: CurveHandshakeTests.quiet)
            router = try transport.context.socket(.router)
            try router.set(security.serverSocketOptions)
            monitor = try router.monitor([.handshakeSucceeded, .handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail])
            try router.bind("tcp://127.0.0.1:*")
            endpoint = try router.lastEndpoint()
            try poller.register(router)
            try poller.register(monitor.socket)
        }

        /// Closes the server socket, then the handler (the documented order), then the context.
        func close() {
            monitor.socket.close()
            router.close()
            security.stop()
            context.terminate()
            SecurityFixture.remove(directory)
        }

        /// Connects a DEALER with `keys` (nil: plain, no CURVE) that sends one message, and
        /// returns what the server received from it (`nil`: the handshake failed and nothing arrived).
        func exchange(_ keys: CurveKeyPair?, text: String = "hello") throws -> (frames: [[UInt8]], userID: String?)? {
            while try monitor.next(timeoutMilliseconds: 0) != nil {}  // events of earlier clients
            let clientContext = try ZMQContext()
            let dealer = try clientContext.socket(.dealer)
            defer {
                dealer.close()
                clientContext.terminate()
            }
            if let keys {
                try dealer.set([.curveServerKey(security.serverKeyPair.publicKey), .curvePublicKey(keys.publicKey), .curveSecretKey(keys.secretKey)])
            }
            try dealer.connect(endpoint)
            try dealer.send([Array(text.utf8)])
            var failedAt: ContinuousClock.Instant?
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                // After a failed handshake, keep listening a little: nothing may arrive.
                if let failedAt, ContinuousClock.now - failedAt > .milliseconds(150) { return nil }
                let ready = try poller.poll(timeoutMilliseconds: 20)
                if ready.isReadable(0), let message = try router.tryReceiveWithUserID(maxFrames: 3) {
                    return message
                }
                if ready.isReadable(1), let event = try monitor.next(timeoutMilliseconds: 0),
                    event.event != .handshakeSucceeded, failedAt == nil
                {
                    failedAt = .now
                }
            }
            Issue.record("neither a message nor a handshake failure within 5 s")
            return nil
        }
    }

    @Test func authorizedKeys_getTheirRoleAsUserID() throws {
        let worker = try CurveKeyPair.generate()
        let client = try CurveKeyPair.generate()
        let server = try Server(authorized: "worker \(worker.publicKey.z85) node\nclient \(client.publicKey.z85) me\n")
        defer { server.close() }

        let fromWorker = try #require(try server.exchange(worker, text: "from worker"))
        #expect(fromWorker.frames.last == Array("from worker".utf8))
        #expect(fromWorker.userID == "worker")
        let workerRole = PeerRole(userID: fromWorker.userID)
        #expect(server.security.allowsWorkerMessages(role: workerRole))
        #expect(!server.security.allows(.workers, role: workerRole))

        let fromClient = try #require(try server.exchange(client, text: "from client"))
        #expect(fromClient.frames.last == Array("from client".utf8))
        #expect(fromClient.userID == "client")
        let clientRole = PeerRole(userID: fromClient.userID)
        #expect(server.security.allows(.workers, role: clientRole))
        #expect(!server.security.allowsWorkerMessages(role: clientRole))
    }

    @Test func unknownKeyAndPlainClient_areNeverHeard() throws {
        let worker = try CurveKeyPair.generate()
        let server = try Server(authorized: "worker \(worker.publicKey.z85)\n")
        defer { server.close() }
        #expect(try server.exchange(try CurveKeyPair.generate()) == nil, "unknown key")
        #expect(try server.exchange(nil) == nil, "no key at all")
        // The server still serves authorized peers afterwards.
        #expect(try server.exchange(worker)?.userID == "worker")
    }

    @Test func reload_appliesTheEditedFileToNewConnections() throws {
        let first = try CurveKeyPair.generate()
        let second = try CurveKeyPair.generate()
        let server = try Server(authorized: "worker \(first.publicKey.z85)\n")
        defer { server.close() }
        #expect(try server.exchange(first)?.userID == "worker")
        #expect(try server.exchange(second) == nil)

        // Revoke the first key, authorize the second as a client.
        try SecurityFixture.write("client \(second.publicKey.z85)\n", to: "authorized_keys", in: server.directory)
        let reloaded = try server.security.reloadAuthorizedKeys()
        #expect(reloaded.count == 1)
        #expect(try server.exchange(second)?.userID == "client")
        #expect(try server.exchange(first) == nil)

        // A broken file is refused with its line, and the keys in force stay.
        try SecurityFixture.write("client \(second.publicKey.z85)\nwokrer \(first.publicKey.z85)\n", to: "authorized_keys", in: server.directory)
        #expect(throws: SecurityError.self) { try server.security.reloadAuthorizedKeys() }
        do {
            try server.security.reloadAuthorizedKeys()
        } catch {
            #expect(error.description.hasPrefix("\(server.authorizedPath):2: unknown role 'wokrer'"))
        }
        #expect(try server.exchange(second)?.userID == "client")
    }

    @Test func reload_isSafeFromOtherThreads() async throws {
        let key = try CurveKeyPair.generate()
        let server = try Server(authorized: "")
        defer { server.close() }
        #expect(try server.exchange(key) == nil, "refused before the reload")

        // Several threads reload the edited file at once; each reload answers with the file's keys.
        try SecurityFixture.write("worker \(key.publicKey.z85)\n", to: "authorized_keys", in: server.directory)
        let security = server.security
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try security.reloadAuthorizedKeys().count }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [1, 1, 1, 1])
        // The handler survived them and serves the new keys.
        #expect(try server.exchange(key)?.userID == "worker")
        #expect(try server.exchange(try CurveKeyPair.generate()) == nil)
    }

    @Test func secondHandlerOnOneContext_isRefused() throws {
        let context = try ZMQContext()
        let first = try ZAPAuthenticator(context: context, keys: AuthorizedKeys(), logger: Self.quiet)
        #expect(throws: ZMQError.addressInUse) {
            _ = try ZAPAuthenticator(context: context, keys: AuthorizedKeys(), logger: Self.quiet)
        }
        first.stop()
        context.terminate()
    }

    @Test func coordinatorSecurity_reportsBadKeyFiles() throws {
        let directory = try SecurityFixture.directory()
        defer { SecurityFixture.remove(directory) }
        let transport = try WireTransport()
        defer { transport.terminate() }
        try KeyFile.writePair(try CurveKeyPair.generate(), toDirectory: directory, force: false)
        let authorized = try SecurityFixture.write("client abc\n", to: "authorized_keys", in: directory)
        func failure(secret: String, authorized: String) -> SecurityError? {
            do {
                let security = try CoordinatorSecurity(
                    configuration: .init(serverSecretKeyPath: secret, authorizedKeysPath: authorized), transport: transport, logger: Self.quiet)
                security.stop()
                return nil
            } catch {
                return error
            }
        }
        #expect(failure(secret: directory + "/nope", authorized: authorized) == .keyFile(.missing(path: directory + "/nope")))
        let badLine = failure(secret: directory + "/secret.key", authorized: authorized)
        #expect(badLine?.description.hasPrefix("\(authorized):1: key 'abc' has 3 characters") == true)
    }
}
