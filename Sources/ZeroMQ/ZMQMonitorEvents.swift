import CZeroMQ

/// Socket lifecycle events a monitor can report (`ZMQ_EVENT_*`).
public struct ZMQMonitorEvents: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let connected = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECTED)
    public static let connectDelayed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECT_DELAYED)
    public static let connectRetried = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CONNECT_RETRIED)
    public static let listening = ZMQMonitorEvents(rawValue: ZMQ_EVENT_LISTENING)
    public static let bindFailed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_BIND_FAILED)
    public static let accepted = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ACCEPTED)
    public static let acceptFailed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ACCEPT_FAILED)
    public static let closed = ZMQMonitorEvents(rawValue: ZMQ_EVENT_CLOSED)
    public static let disconnected = ZMQMonitorEvents(rawValue: ZMQ_EVENT_DISCONNECTED)
    public static let monitorStopped = ZMQMonitorEvents(rawValue: ZMQ_EVENT_MONITOR_STOPPED)
    public static let handshakeFailedNoDetail = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    public static let handshakeSucceeded = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
    public static let handshakeFailedProtocol = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL)
    public static let handshakeFailedAuth = ZMQMonitorEvents(rawValue: ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    public static let all = ZMQMonitorEvents(rawValue: ZMQ_EVENT_ALL)

    public var description: String {
        let names: [(ZMQMonitorEvents, String)] = [
            (.connected, "connected"), (.connectDelayed, "connectDelayed"), (.connectRetried, "connectRetried"),
            (.listening, "listening"), (.bindFailed, "bindFailed"), (.accepted, "accepted"),
            (.acceptFailed, "acceptFailed"), (.closed, "closed"), (.disconnected, "disconnected"),
            (.monitorStopped, "monitorStopped"), (.handshakeFailedNoDetail, "handshakeFailedNoDetail"),
            (.handshakeSucceeded, "handshakeSucceeded"), (.handshakeFailedProtocol, "handshakeFailedProtocol"),
            (.handshakeFailedAuth, "handshakeFailedAuth"),
        ]
        let found = names.filter { contains($0.0) }.map(\.1)
        return found.isEmpty ? "0x\(String(rawValue, radix: 16))" : found.joined(separator: "|")
    }
}
