import ZeroMQ

/// The security handshake failures of one channel (`WireChannel.handshakeMonitor()`): the only
/// sign, on a connecting side, that the other side refused its key (the connection itself just
/// retries). Poll it with the channel's owner's `ChannelPoller`; close it before the channel.
public final class HandshakeMonitor {
    let monitor: ZMQMonitor

    init(_ monitor: ZMQMonitor) { self.monitor = monitor }

    /// The next failure if one is waiting, in words for the log.
    public func nextFailure() throws(TransportError) -> String? {
        while true {
            let event: ZMQMonitorEvent?
            do { event = try monitor.next(timeoutMilliseconds: 0) } catch { throw TransportError(error) }
            guard let event else { return nil }
            switch event.event {
            case .handshakeFailedAuth: return "authentication refused (ZAP status \(event.value))"
            case .handshakeFailedProtocol: return "security handshake protocol error (\(event.value))"
            case .handshakeFailedNoDetail: return "security handshake failed"
            default: continue
            }
        }
    }

    public func close() { monitor.socket.close() }
}
