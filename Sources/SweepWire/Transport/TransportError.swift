import ZeroMQ

/// Why a channel operation failed, in the words the coordinator and the worker act on; the
/// transport's own error text is in `description`.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    let underlying: ZMQError

    init(_ underlying: ZMQError) { self.underlying = underlying }

    /// The process's transport was shut down (a normal stop): end the loop quietly.
    public var isShutdown: Bool { underlying.isShutdown }
    /// The peer addressed by a route is not connected (any more).
    public var isUnreachablePeer: Bool { underlying == .hostUnreachable }
    /// An endpoint the transport cannot use: bad syntax for it, or an unsupported transport.
    public var isInvalidEndpoint: Bool { underlying == .invalidArgument || underlying == .protocolNotSupported }
    /// A message with more frames than the reader accepts (it was read and dropped).
    public var isOversizedMessage: Bool { underlying == .messageTooLarge }
    /// The address (or, in process, the name) is taken.
    public var isAddressInUse: Bool { underlying == .addressInUse }

    public var description: String { underlying.description }
}
