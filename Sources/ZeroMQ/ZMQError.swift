import CZeroMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error reported by libzmq, kept as its C error number so nothing of the cause is lost.
///
/// Compare against the named members (`error == .wouldBlock`) or ask the intent-revealing
/// properties (`isShutdown`). `description` is libzmq's own `zmq_strerror` text.
public struct ZMQError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The C error number (`errno` / `zmq_errno()`).
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// `EAGAIN`: a non-blocking call found nothing to do, or a timeout (`ZMQ_RCVTIMEO`/`ZMQ_SNDTIMEO`) expired.
    public static let wouldBlock = ZMQError(code: EAGAIN)
    /// `ETERM`: the context was shut down or terminated; the owning thread should close its socket and stop.
    public static let contextTerminated = ZMQError(code: ZMQ_HAUSNUMERO + 53)
    /// `EHOSTUNREACH`: a ROUTER with `ZMQ_ROUTER_MANDATORY` was asked to send to an unknown peer.
    public static let hostUnreachable = ZMQError(code: EHOSTUNREACH)
    /// `EINTR`: a signal interrupted the call (the wrapper retries it; seen only from `zmq_poll` callers that opt out).
    public static let interrupted = ZMQError(code: EINTR)
    /// `EINVAL`: an invalid argument, e.g. a malformed endpoint or option value.
    public static let invalidArgument = ZMQError(code: EINVAL)
    /// `EFSM`: the operation is not valid in the socket's current state.
    public static let invalidState = ZMQError(code: ZMQ_HAUSNUMERO + 51)
    /// `EMTHREAD`: no I/O thread is available.
    public static let noIOThread = ZMQError(code: ZMQ_HAUSNUMERO + 54)
    /// `ENOTSOCK`: the socket was already closed.
    public static let notASocket = ZMQError(code: ENOTSOCK)
    /// `EADDRINUSE`: the address is already bound.
    public static let addressInUse = ZMQError(code: EADDRINUSE)
    /// `ENOENT`: e.g. unbinding or disconnecting an endpoint that is not bound or connected.
    public static let noSuchEndpoint = ZMQError(code: ENOENT)
    /// `EPROTONOSUPPORT`: the transport of the endpoint is not supported.
    public static let protocolNotSupported = ZMQError(code: EPROTONOSUPPORT)
    /// `ENOTSUP`: the operation is not supported by this socket type.
    public static let notSupported = ZMQError(code: ENOTSUP)
    /// `EMSGSIZE`: a received message had more frames than the caller accepts (the wrapper's own limit).
    public static let messageTooLarge = ZMQError(code: EMSGSIZE)
    /// `EFAULT`: an invalid handle.
    public static let badAddress = ZMQError(code: EFAULT)

    /// Whether the context is going away: the normal way for a socket thread to end.
    public var isShutdown: Bool { self == .contextTerminated }

    /// libzmq's text for this error, e.g. "Resource temporarily unavailable".
    public var description: String { LibZMQ.errorText(code) }
}
