/// One event reported by a socket monitor.
public struct ZMQMonitorEvent: Sendable, Hashable {
    /// The event (a single flag).
    public let event: ZMQMonitorEvents
    /// The event's value: a file descriptor, an errno, or a ZMTP error code, depending on the event.
    public let value: UInt32
    /// The endpoint the event concerns.
    public let endpoint: String
}
