import CZeroMQ

/// Waits on several sockets at once (`zmq_poll`): the heart of a single-threaded event loop.
///
/// Owned by one thread, like the sockets it holds. Call `poll` on a dedicated thread, never inside
/// a Swift-concurrency task (it blocks).
public final class ZMQPoller {
    private var sockets: [ZMQSocket] = []
    private var items: [zmq_pollitem_t] = []

    public init() {}

    /// Adds `socket` and returns its index in every `ZMQPollResult`.
    @discardableResult
    public func register(_ socket: ZMQSocket, for events: ZMQPollEvents = .readable) throws(ZMQError) -> Int {
        items.append(LibZMQ.pollItem(try socket.openHandle(), events: events.rawValue))
        sockets.append(socket)
        return items.count - 1
    }

    /// Waits until at least one socket is ready or `timeoutMilliseconds` passes (-1: forever, 0: just look).
    /// Fails with `.contextTerminated` when the context shuts down.
    public func poll(timeoutMilliseconds: Int) throws(ZMQError) -> ZMQPollResult {
        for index in items.indices { items[index].revents = 0 }
        let ready = try LibZMQ.poll(&items, timeoutMilliseconds: timeoutMilliseconds)
        return ZMQPollResult(readyCount: Int(ready), events: items.map { ZMQPollEvents(rawValue: $0.revents) })
    }
}
