import Dispatch
import Foundation
import Logging
import Synchronization
import ZeroMQ

/// The coordinator's ZAP handler: a thread that owns a REP socket on `inproc://zeromq.zap.01`
/// of one `ZMQContext` and decides, for every CURVE handshake on that context's server sockets,
/// whether the client's key is authorized and with which role.
///
/// An authorized key is answered `200` with the role's name as user id, which libzmq attaches
/// to every message of that connection (`ZMQSocket.receiveWithUserID`). Anything else is
/// answered `400` (logged, at most `RejectionLogLimiter.burst` lines a minute), and the server
/// never sees a message from that peer.
///
/// Start it before the CURVE server socket binds: libzmq consults the handler at each handshake
/// and, if none is bound, lets every CURVE client in. For the same reason stop it only after
/// the server socket is closed. The key set lives on the handler's thread alone; `reload`
/// sends a new set over an inproc socket and returns once the thread has switched to it, so it
/// is safe from any thread (e.g. a SIGHUP handler).
public final class ZAPAuthenticator: Sendable {
    /// The endpoint libzmq sends ZAP requests to (RFC 27).
    public static let zapEndpoint = "inproc://zeromq.zap.01"

    private let context: ZMQContext
    /// Where the handler thread takes `reload` and `stop` requests (REQ -> REP).
    private let controlEndpoint: String
    private let finished = DispatchSemaphore(value: 0)
    private let stopped = Mutex(false)
    private let controlTimeoutMilliseconds: Int32 = 5000

    /// Binds the ZAP endpoint on `context` and starts answering with `keys`. Returns once the
    /// handler is bound, so the caller may bind its CURVE server socket next. Fails with
    /// `.addressInUse` if the context already has a ZAP handler.
    public init(context: ZMQContext, keys: AuthorizedKeys, logger: Logger) throws(ZMQError) {
        self.context = context
        self.controlEndpoint = "inproc://clustersweep-zap-control-\(UInt64.random(in: 0...UInt64.max))"
        let startup = StartupSignal()
        let handler = Handler(context: context, controlEndpoint: controlEndpoint, keys: keys, logger: logger)
        let finished = self.finished
        let thread = Thread {
            handler.run(startup: startup)
            finished.signal()
        }
        thread.name = "clustersweep-zap"
        thread.start()
        if let failure = startup.wait() {
            stopped.withLock { $0 = true }
            throw failure
        }
    }

    deinit { stop() }

    /// Replaces the authorized key set; when it returns, new handshakes use `keys` (connections
    /// already established keep their role until they reconnect).
    public func reload(_ keys: AuthorizedKeys) throws(ZMQError) {
        let reply = try control([Array("keys".utf8), ControlCoding.encode(keys)])
        guard reply.first == Array("ok".utf8) else { throw .invalidState }
    }

    /// Reads `path` and, if it parses, makes it the authorized key set; on any error the old set
    /// stays in force. Returns the new set (e.g. to log its size).
    @discardableResult
    public func reload(from path: String) throws(SecurityError) -> AuthorizedKeys {
        let keys: AuthorizedKeys
        do {
            keys = try AuthorizedKeys.read(from: path)
        } catch {
            throw .authorizedKeys(error)
        }
        do {
            try reload(keys)
        } catch {
            throw .authenticator("could not hand the new keys to the ZAP handler: \(error)")
        }
        return keys
    }

    /// Stops the handler thread and waits for it to close its sockets. Idempotent. Close the
    /// CURVE server socket first (see the type's documentation). libzmq frees the ZAP endpoint
    /// asynchronously, so a new handler on the same context right after may fail with
    /// `.addressInUse`; one handler per context for its whole life is the intended use.
    public func stop() {
        let wasStopped = stopped.withLock { value in
            defer { value = true }
            return value
        }
        guard !wasStopped else { return }
        // If the context is shutting down the handler ends on its own; the request then fails.
        _ = try? control([Array("stop".utf8)])
        _ = finished.wait(timeout: .now() + .seconds(5))
    }

    /// Sends one control request from a socket of the calling thread and waits for the answer.
    private func control(_ frames: [[UInt8]]) throws(ZMQError) -> [[UInt8]] {
        let socket = try context.socket(.req)
        defer { socket.close() }
        try socket.set([
            .sendTimeout(milliseconds: controlTimeoutMilliseconds),
            .receiveTimeout(milliseconds: controlTimeoutMilliseconds),
        ])
        try socket.connect(controlEndpoint)
        try socket.send(frames)
        return try socket.receive(maxFrames: 4)
    }
}

// MARK: - The handler thread

extension ZAPAuthenticator {
    /// What runs on the handler thread; owns its sockets and the key set.
    private struct Handler: Sendable {
        let context: ZMQContext
        let controlEndpoint: String
        let keys: AuthorizedKeys
        let logger: Logger

        func run(startup: StartupSignal) {
            let zap: ZMQSocket
            let control: ZMQSocket
            do {
                zap = try context.socket(.rep)
                try zap.bind(ZAPAuthenticator.zapEndpoint)
                control = try context.socket(.rep)
                try control.bind(controlEndpoint)
            } catch {
                startup.finish(error)
                return
            }
            startup.finish(nil)
            defer {
                zap.close()
                control.close()
            }
            var keys = self.keys
            var limiter = RejectionLogLimiter()
            let poller = ZMQPoller()
            do {
                try poller.register(zap)
                try poller.register(control)
            } catch {
                logger.critical("ZAP handler cannot poll its sockets", metadata: ["error": "\(error)"])
                return
            }
            logger.info("CURVE authentication on", metadata: [
                "workerKeys": "\(keys.count(of: .worker))", "clientKeys": "\(keys.count(of: .client))",
            ])
            while true {
                do {
                    let ready = try poller.poll(timeoutMilliseconds: -1)
                    if ready.isReadable(0) { try answerZAP(zap, keys: keys, limiter: &limiter) }
                    if ready.isReadable(1), try !answerControl(control, keys: &keys) { return }
                } catch {
                    if error.isShutdown { return }
                    // Keep serving: while this thread lives no unauthenticated peer gets in.
                    logger.error("ZAP handler error", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
        }

        private func answerZAP(_ zap: ZMQSocket, keys: AuthorizedKeys, limiter: inout RejectionLogLimiter) throws(ZMQError) {
            let frames: [[UInt8]]
            do throws(ZMQError) {
                guard let received = try zap.tryReceive(maxFrames: 16) else { return }
                frames = received
            } catch {
                // A REP that received something must answer before it can receive again.
                if error == .messageTooLarge { try zap.send(ZAPRequest.malformedReply(to: [])) }
                throw error
            }
            guard let request = ZAPRequest(frames: frames) else {
                try zap.send(ZAPRequest.malformedReply(to: frames))
                return
            }
            let decision = request.decide(with: keys)
            try zap.send(request.reply(decision))
            switch decision {
            case .allow(let role):
                logger.debug("CURVE peer authenticated", metadata: [
                    "role": "\(role)", "address": "\(request.address)", "key": "\(request.curveKey?.z85 ?? "")",
                ])
            case .refuse(_, let reason):
                let (shouldLog, suppressed) = limiter.shouldLog(at: .now)
                guard shouldLog else { return }
                var metadata: Logger.Metadata = [
                    "address": "\(request.address)", "mechanism": "\(request.mechanism)", "reason": "\(reason)",
                ]
                if let key = request.curveKey { metadata["key"] = "\(key.z85)" }
                if suppressed > 0 { metadata["suppressedSinceLastLine"] = "\(suppressed)" }
                logger.warning("refused connection", metadata: metadata)
            }
        }

        /// Handles one control request; `false` when asked to stop.
        private func answerControl(_ control: ZMQSocket, keys: inout AuthorizedKeys) throws(ZMQError) -> Bool {
            guard let frames = try control.tryReceive(maxFrames: 2) else { return true }
            switch frames.first.map({ String(decoding: $0, as: UTF8.self) }) {
            case "keys":
                guard frames.count == 2, let decoded = ControlCoding.decode(frames[1]) else {
                    try control.send([Array("error".utf8)])
                    return true
                }
                keys = decoded
                try control.send([Array("ok".utf8), Array(String(keys.count).utf8)])
                logger.notice("authorized keys reloaded", metadata: [
                    "workerKeys": "\(keys.count(of: .worker))", "clientKeys": "\(keys.count(of: .client))",
                ])
                return true
            case "stop":
                try control.send([Array("ok".utf8)])
                return false
            default:
                try control.send([Array("error".utf8)])
                return true
            }
        }
    }

    /// The key set on the control socket: 33 bytes per key, a role byte (`w`/`c`) and the key.
    enum ControlCoding {
        static func encode(_ keys: AuthorizedKeys) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(keys.count * 33)
            for (key, role) in keys.roles {
                bytes.append(role == .worker ? UInt8(ascii: "w") : UInt8(ascii: "c"))
                bytes.append(contentsOf: key.bytes)
            }
            return bytes
        }

        static func decode(_ bytes: [UInt8]) -> AuthorizedKeys? {
            guard bytes.count % 33 == 0 else { return nil }
            var roles: [CurveKey: PeerRole] = [:]
            for start in stride(from: 0, to: bytes.count, by: 33) {
                let role: PeerRole
                switch bytes[start] {
                case UInt8(ascii: "w"): role = .worker
                case UInt8(ascii: "c"): role = .client
                default: return nil
                }
                guard let key = CurveKey(bytes: Array(bytes[start + 1..<start + 33])) else { return nil }
                roles[key] = role
            }
            return AuthorizedKeys(roles)
        }
    }

    /// Hands the handler thread's bind result to the thread that started it.
    private final class StartupSignal: Sendable {
        private let outcome = Mutex<ZMQError??>(nil)
        private let ready = DispatchSemaphore(value: 0)

        func finish(_ failure: ZMQError?) {
            outcome.withLock { $0 = .some(failure) }
            ready.signal()
        }

        /// Waits for `finish`; the bind error, or `nil` when the handler is serving.
        func wait() -> ZMQError? {
            ready.wait()
            return outcome.withLock { $0 ?? nil }
        }
    }
}
