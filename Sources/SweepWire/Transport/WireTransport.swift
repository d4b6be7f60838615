import ZeroMQ

/// One process's transport: every channel of the process lives in it, and shutting it down
/// wakes every thread blocked on one of them (their operations then fail with
/// `TransportError.isShutdown`).
///
/// The channels are made by role, so the socket type and the options of each side of the
/// protocol (`WireSocketOptions`, CURVE) are chosen here and nowhere else.
public final class WireTransport: Sendable {
    let context: ZMQContext

    public init() throws(TransportError) {
        do { context = try ZMQContext() } catch { throw TransportError(error) }
    }

    /// Makes every blocking operation on the transport's channels fail; channels must still be
    /// closed. Idempotent, callable from any thread.
    public func shutdown() { context.shutdown() }

    /// Shuts down and waits until every channel is closed.
    public func terminate() { context.terminate() }

    // MARK: Channels by role

    /// The coordinator's listening channel (a ROUTER): one route per peer connection, transport
    /// limits of `WireProtocol`, sends to a vanished peer fail (`isUnreachablePeer`), and CURVE
    /// when `security` is given. Returns the endpoint actually bound (a port of `*` resolved).
    public func coordinatorListener(
        bind endpoint: String, security: CoordinatorSecurity?, linger: Int32
    ) throws(TransportError) -> (channel: WireChannel, endpoint: String) {
        var bound = ""
        let options = WireSocketOptions.coordinator + (security?.serverSocketOptions ?? [])
        let channel = try make(.router, linger: linger, options: options) { channel throws(TransportError) in
            try channel.bind(endpoint)
            bound = try channel.boundEndpoint()
        }
        return (channel, bound)
    }

    /// A worker's connection to the coordinator (a DEALER with `routingID`), connecting in the
    /// background and reconnecting by itself.
    public func workerConnection(
        to endpoint: String, routingID: [UInt8], curve: CurveClientKeys?, linger: Int32
    ) throws(TransportError) -> WireChannel {
        let options = [.routingID(Array(routingID.prefix(255)))] + WireSocketOptions.worker(curve: curve)
        return try make(.dealer, linger: linger, options: options) { channel throws(TransportError) in
            try channel.connect(endpoint)
        }
    }

    /// The receiving end of a wake-up line (a PULL bound to an in-process `endpoint`): other
    /// threads send it a frame to interrupt the owner's poll (stop requests, signals).
    public func wakeUpReceiver(bind endpoint: String) throws(TransportError) -> WireChannel {
        try make(.pull, linger: 0, options: []) { channel throws(TransportError) in try channel.bind(endpoint) }
    }

    /// The sending end of a wake-up line (a PUSH; connect it to the receiver's endpoint).
    public func wakeUpSender(linger: Int32 = 0) throws(TransportError) -> WireChannel {
        try make(.push, linger: linger, options: [])
    }

    /// A hub that addresses many in-process peers by their routing ids (a ROUTER): the worker's
    /// socket thread to its slot threads.
    public func hub(bind endpoint: String) throws(TransportError) -> WireChannel {
        try make(.router, linger: 0, options: []) { channel throws(TransportError) in try channel.bind(endpoint) }
    }

    /// A peer of a `hub`, known to it as `routingID` (a DEALER).
    public func hubPeer(connect endpoint: String, routingID: [UInt8]) throws(TransportError) -> WireChannel {
        try make(.dealer, linger: 0, options: [.routingID(routingID)]) { channel throws(TransportError) in try channel.connect(endpoint) }
    }

    /// A channel of `type` with `options`, then `attach`ed (bound or connected); closed again if
    /// any step fails, so a failed start leaves no socket behind.
    private func make(
        _ type: ZMQSocketType, linger: Int32, options: [ZMQSocketOption],
        attach: (WireChannel) throws(TransportError) -> Void = { _ in }
    ) throws(TransportError) -> WireChannel {
        let socket: ZMQSocket
        do {
            socket = try context.socket(type, linger: linger)
        } catch {
            throw TransportError(error)
        }
        do {
            try socket.set(options)
        } catch {
            socket.close()
            throw TransportError(error)
        }
        let channel = WireChannel(socket)
        do {
            try attach(channel)
        } catch {
            channel.close()
            throw error
        }
        return channel
    }
}
