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

/// One event reported by a socket monitor.
public struct ZMQMonitorEvent: Sendable, Hashable {
    /// The event (a single flag).
    public let event: ZMQMonitorEvents
    /// The event's value: a file descriptor, an errno, or a ZMTP error code, depending on the event.
    public let value: UInt32
    /// The endpoint the event concerns.
    public let endpoint: String
}

/// The receiving end of `ZMQSocket.monitor(_:)`: a PAIR socket that reads monitor events.
///
/// Owned by the thread that owns the monitored socket.
public final class ZMQMonitor {
    /// The PAIR socket the events arrive on (register it in a `ZMQPoller` to wait on it).
    public let socket: ZMQSocket

    init(socket: ZMQSocket) { self.socket = socket }

    /// The next event, waiting up to `timeoutMilliseconds` (-1: forever); `nil` on timeout.
    public func next(timeoutMilliseconds: Int32) throws(ZMQError) -> ZMQMonitorEvent? {
        try socket.set(.receiveTimeout(milliseconds: timeoutMilliseconds))
        let frames: [[UInt8]]
        do throws(ZMQError) {
            frames = try socket.receive(maxFrames: 2)
        } catch {
            if error == .wouldBlock { return nil }
            throw error
        }
        // Frame 1: a 16-bit event number then a 32-bit value, native byte order; frame 2: the endpoint.
        guard frames.count == 2, frames[0].count == 6 else { throw .invalidState }
        let head = frames[0]
        let event = UInt16(head[0]) | UInt16(head[1]) << 8
        let value = UInt32(head[2]) | UInt32(head[3]) << 8 | UInt32(head[4]) << 16 | UInt32(head[5]) << 24
        return ZMQMonitorEvent(
            event: ZMQMonitorEvents(rawValue: Int32(event)), value: value,
            endpoint: String(decoding: frames[1], as: UTF8.self))
    }

    /// Waits up to `timeoutMilliseconds` in total for an event in `events`, skipping others.
    public func waitFor(_ events: ZMQMonitorEvents, timeoutMilliseconds: Int) throws(ZMQError) -> ZMQMonitorEvent? {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMilliseconds)
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return nil }
            let millis = Int32(clamping: remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
            guard let next = try next(timeoutMilliseconds: millis) else { return nil }
            if !next.event.isDisjoint(with: events) { return next }
        }
    }
}
