import ZeroMQ
import SweepModel

/// A synchronous request/reply client of a coordinator, for the CLI's client commands.
///
/// It connects a DEALER socket to the coordinator's one endpoint and waits for each reply with a
/// deadline, so an unreachable coordinator is a clear `ClientError.unreachable` after the timeout,
/// never a hang. Replies are matched by request id; stale replies of an earlier timed-out request
/// are skipped. Not `Sendable`: use it from the thread that created it.
public final class CoordinatorClient {
    public let endpoint: String
    public let timeoutMilliseconds: Int
    private let context: ZMQContext
    private let socket: ZMQSocket
    private var nextRequestID: UInt64 = 1

    /// Connects (lazily, as ZeroMQ does) to `endpoint`; `timeoutSeconds` bounds every request.
    public init(endpoint: String, timeoutSeconds: Double = 10, curve: CurveClientKeys? = nil) throws(ClientError) {
        self.endpoint = endpoint
        self.timeoutMilliseconds = max(1, Int(timeoutSeconds * 1000))
        do {
            context = try ZMQContext()
            socket = try context.socket(.dealer, linger: 0)
            try socket.set(WireSocketOptions.client(curve: curve))
            try socket.connect(endpoint)
        } catch {
            throw ClientError.badEndpoint(endpoint, reason: error.description)
        }
    }

    deinit {
        socket.close()
        context.terminate()
    }

    /// Sends `request` and returns the coordinator's reply; an `error` reply is returned, not thrown.
    public func send(_ request: ClientRequest) throws(ClientError) -> ClientReply {
        let requestID = nextRequestID
        nextRequestID &+= 1
        do {
            let frames = try WireCodec.encode(request, requestID: requestID)
            guard try socket.trySend(frames) else {
                throw ClientError.unreachable(endpoint, seconds: Double(timeoutMilliseconds) / 1000)
            }
        } catch let error as ClientError {
            throw error
        } catch {
            throw ClientError.transport(String(describing: error))
        }
        let poller = ZMQPoller()
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        do {
            _ = try poller.register(socket)
            while true {
                let remaining = ContinuousClock.now.duration(to: deadline)
                guard remaining > .zero else {
                    throw ClientError.unreachable(endpoint, seconds: Double(timeoutMilliseconds) / 1000)
                }
                let ms = max(1, Int(remaining.milliseconds))
                let result = try poller.poll(timeoutMilliseconds: ms)
                guard result.isReadable(0), let frames = try socket.tryReceive(maxFrames: 3) else { continue }
                let (id, reply) = try WireCodec.decodeClientReply(frames, limit: WireProtocol.maxClientReplyBytes)
                if id == requestID { return reply }
            }
        } catch let error as ClientError {
            throw error
        } catch let error as WireError {
            throw ClientError.protocolError(error.description)
        } catch {
            throw ClientError.transport(String(describing: error))
        }
    }
}

/// Why a client request got no usable reply.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint does not parse or the transport is not supported.
    case badEndpoint(String, reason: String)
    /// No reply within the timeout: the coordinator is down, unreachable, or refused our key.
    case unreachable(String, seconds: Double)
    /// The reply did not decode (a different protocol version, or not a coordinator).
    case protocolError(String)
    /// A socket error.
    case transport(String)

    public var description: String {
        switch self {
        case .badEndpoint(let endpoint, let reason):
            "invalid coordinator endpoint '\(endpoint)': \(reason) (expected e.g. tcp://host:5555)"
        case .unreachable(let endpoint, let seconds):
            "no answer from the coordinator at \(endpoint) within \(Self.format(seconds)) s (is it running, and is the endpoint/key right?)"
        case .protocolError(let reason):
            "the coordinator's reply could not be read: \(reason)"
        case .transport(let reason):
            "socket error: \(reason)"
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
