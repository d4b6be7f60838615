/// What one `ZMQPoller.poll` found, by registration index.
public struct ZMQPollResult: Sendable, Hashable {
    /// How many sockets are ready (0 after a timeout).
    public let readyCount: Int
    /// The events found per socket, in registration order.
    public let events: [ZMQPollEvents]

    /// Whether the socket registered at `index` has a message waiting.
    public func isReadable(_ index: Int) -> Bool {
        events.indices.contains(index) && events[index].contains(.readable)
    }

    /// Whether the socket registered at `index` can send without blocking.
    public func isWritable(_ index: Int) -> Bool {
        events.indices.contains(index) && events[index].contains(.writable)
    }
}
