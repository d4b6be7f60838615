import ZeroMQ

/// One end of a line of the protocol: multipart messages in and out, without blocking unless
/// asked to. Made by `WireTransport`; owned and used by one thread; `close` it when done.
public final class WireChannel {
    let socket: ZMQSocket

    init(_ socket: ZMQSocket) { self.socket = socket }

    /// Sends one multipart message, waiting while the channel cannot take it.
    public func send(_ frames: [[UInt8]]) throws(TransportError) {
        do { try socket.send(frames) } catch { throw TransportError(error) }
    }

    /// Sends one multipart message if the channel can take it now; `false` if it cannot.
    public func trySend(_ frames: [[UInt8]]) throws(TransportError) -> Bool {
        do { return try socket.trySend(frames) } catch { throw TransportError(error) }
    }

    /// The next message, waiting for it. Frames past `maxFrames` are read and dropped, so a
    /// peer cannot make the reader hold more than it expects.
    public func receive(maxFrames: Int) throws(TransportError) -> [[UInt8]] {
        do { return try socket.receive(maxFrames: maxFrames) } catch { throw TransportError(error) }
    }

    /// The next message if one is waiting.
    public func tryReceive(maxFrames: Int) throws(TransportError) -> [[UInt8]]? {
        do { return try socket.tryReceive(maxFrames: maxFrames) } catch { throw TransportError(error) }
    }

    /// The next message if one is waiting, with the role CURVE authentication gave the
    /// connection it came from (`nil` without CURVE, or for a key without a role).
    public func tryReceiveWithRole(maxFrames: Int) throws(TransportError) -> (frames: [[UInt8]], role: PeerRole?)? {
        do {
            guard let received = try socket.tryReceiveWithUserID(maxFrames: maxFrames) else { return nil }
            return (received.frames, PeerRole(userID: received.userID))
        } catch {
            throw TransportError(error)
        }
    }

    /// Connects to `endpoint` (in the background for tcp; peers come and go by themselves).
    public func connect(_ endpoint: String) throws(TransportError) {
        do { try socket.connect(endpoint) } catch { throw TransportError(error) }
    }

    /// Watches this channel's security handshakes: a refused CURVE key shows only there.
    public func handshakeMonitor() throws(TransportError) -> HandshakeMonitor {
        do {
            return HandshakeMonitor(try socket.monitor([.handshakeFailedAuth, .handshakeFailedProtocol, .handshakeFailedNoDetail]))
        } catch {
            throw TransportError(error)
        }
    }

    /// Closes the channel (messages still queued are flushed for its linger time). Idempotent.
    public func close() { socket.close() }

    func bind(_ endpoint: String) throws(TransportError) {
        do { try socket.bind(endpoint) } catch { throw TransportError(error) }
    }

    func boundEndpoint() throws(TransportError) -> String {
        do { return try socket.lastEndpoint() } catch { throw TransportError(error) }
    }
}
