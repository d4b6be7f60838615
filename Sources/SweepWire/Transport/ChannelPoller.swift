import ZeroMQ

/// Waits until one of several channels (or handshake monitors) has a message: the one blocking
/// call of a loop. Owned by one thread.
public final class ChannelPoller {
    private let poller = ZMQPoller()

    public init() {}

    /// Watches `channel` for messages; returns its index in `Ready`.
    public func register(_ channel: WireChannel) throws(TransportError) -> Int {
        do { return try poller.register(channel.socket) } catch { throw TransportError(error) }
    }

    /// Watches `monitor` for failures; returns its index in `Ready`.
    public func register(_ monitor: HandshakeMonitor) throws(TransportError) -> Int {
        do { return try poller.register(monitor.monitor.socket) } catch { throw TransportError(error) }
    }

    /// Waits up to `timeoutMilliseconds` (0: just look; negative: for ever).
    public func poll(timeoutMilliseconds: Int) throws(TransportError) -> Ready {
        do { return Ready(result: try poller.poll(timeoutMilliseconds: timeoutMilliseconds)) } catch { throw TransportError(error) }
    }

    /// Which registered channels have a message.
    public struct Ready: Sendable {
        let result: ZMQPollResult
        public func isReadable(_ index: Int) -> Bool { result.isReadable(index) }
    }
}
