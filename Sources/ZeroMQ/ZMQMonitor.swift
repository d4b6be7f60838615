import CZeroMQ

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
