import CZeroMQ

/// A ZeroMQ socket, owned by the one thread that uses it; it closes itself in `deinit`.
///
/// Not `Sendable` on purpose: libzmq sockets must not be used from two threads. Create it on the
/// thread that will use it (or hand it over before first use) and talk to other threads over
/// `inproc://` sockets. `ZMQ_LINGER` is set at creation (default 0) so closing never waits for an
/// absent peer; note that with linger 0 a message still queued at close is dropped.
public final class ZMQSocket {
    /// The socket pattern.
    public let type: ZMQSocketType
    /// The context stays alive at least as long as its sockets, so terminating it never blocks.
    private let context: ZMQContext
    private var handle: UnsafeMutableRawPointer?

    init(context: ZMQContext, type: ZMQSocketType, linger: Int32) throws(ZMQError) {
        self.context = context
        self.type = type
        let handle = try LibZMQ.socketNew(context.handle, type: type.rawValue)
        self.handle = handle
        do throws(ZMQError) {
            try LibZMQ.setOption(handle, name: ZMQ_LINGER, value: .int32(linger))
        } catch {
            LibZMQ.socketClose(handle)
            self.handle = nil
            throw error
        }
    }

    deinit { close() }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { handle != nil }

    /// Closes the socket (`zmq_close`); later calls fail with `.notASocket`. Idempotent.
    public func close() {
        guard let handle else { return }
        LibZMQ.socketClose(handle)
        self.handle = nil
    }

    /// The open handle, for the module's own poller and monitor.
    func openHandle() throws(ZMQError) -> UnsafeMutableRawPointer {
        guard let handle else { throw .notASocket }
        return handle
    }

    // MARK: - Options

    /// Sets one option (`zmq_setsockopt`).
    public func set(_ option: ZMQSocketOption) throws(ZMQError) {
        let (name, value) = option.encoded
        try LibZMQ.setOption(try openHandle(), name: name, value: value)
    }

    /// Sets several options in order.
    public func set(_ options: [ZMQSocketOption]) throws(ZMQError) {
        for option in options { try set(option) }
    }

    /// The endpoint last bound or connected, with the actual port after binding `tcp://host:*`
    /// (`ZMQ_LAST_ENDPOINT`).
    public func lastEndpoint() throws(ZMQError) -> String {
        try LibZMQ.lastEndpoint(try openHandle())
    }

    /// The socket's routing id (`ZMQ_ROUTING_ID`), empty if none was set.
    public func routingID() throws(ZMQError) -> [UInt8] {
        try LibZMQ.getBytes(try openHandle(), name: ZMQ_ROUTING_ID, capacity: 256)
    }

    /// The current `ZMQ_LINGER` in milliseconds.
    public func linger() throws(ZMQError) -> Int32 {
        try LibZMQ.getInt32(try openHandle(), name: ZMQ_LINGER)
    }

    /// The current `ZMQ_MAXMSGSIZE` in bytes (-1: unlimited).
    public func maxMessageSize() throws(ZMQError) -> Int64 {
        try LibZMQ.getInt64(try openHandle(), name: ZMQ_MAXMSGSIZE)
    }

    // MARK: - Endpoints

    /// Accepts connections on `endpoint`, e.g. `tcp://127.0.0.1:*` or `inproc://name` (`zmq_bind`).
    public func bind(_ endpoint: String) throws(ZMQError) {
        try LibZMQ.bind(try openHandle(), endpoint)
    }

    /// Stops accepting on `endpoint` (`zmq_unbind`); pass the endpoint as `lastEndpoint()` names it.
    public func unbind(_ endpoint: String) throws(ZMQError) {
        try LibZMQ.unbind(try openHandle(), endpoint)
    }

    /// Connects to `endpoint` in the background, reconnecting as needed (`zmq_connect`).
    public func connect(_ endpoint: String) throws(ZMQError) {
        try LibZMQ.connect(try openHandle(), endpoint)
    }

    /// Drops the connection to `endpoint` (`zmq_disconnect`).
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        try LibZMQ.disconnect(try openHandle(), endpoint)
    }

    // MARK: - Messages

    /// Sends one multipart message (all frames or none). Blocks while the peer's queue is full,
    /// up to `ZMQ_SNDTIMEO` (then `.wouldBlock`). A ROUTER's first frame is the peer's routing id.
    public func send(_ frames: [[UInt8]]) throws(ZMQError) {
        _ = try LibZMQ.send(try openHandle(), frames: frames, dontWait: false)
    }

    /// Sends one multipart message if it can be queued now; `false` if it would block.
    public func trySend(_ frames: [[UInt8]]) throws(ZMQError) -> Bool {
        try LibZMQ.send(try openHandle(), frames: frames, dontWait: true)
    }

    /// Receives one whole multipart message, blocking up to `ZMQ_RCVTIMEO` (then `.wouldBlock`).
    /// A message of more than `maxFrames` frames is discarded and reported as `.messageTooLarge`.
    public func receive(maxFrames: Int = 64) throws(ZMQError) -> [[UInt8]] {
        guard let frames = try LibZMQ.receive(try openHandle(), dontWait: false, maxFrames: maxFrames) else {
            throw .wouldBlock
        }
        return frames
    }

    /// Receives one whole multipart message if one is waiting; `nil` otherwise.
    public func tryReceive(maxFrames: Int = 64) throws(ZMQError) -> [[UInt8]]? {
        try LibZMQ.receive(try openHandle(), dontWait: true, maxFrames: maxFrames)
    }

    /// Receives one whole multipart message like `receive(maxFrames:)`, together with the user id
    /// the ZAP handler gave the sending connection (`zmq_msg_gets(msg, "User-Id")`). `userID` is
    /// `nil` when no ZAP handler authenticated the connection or it answered an empty user id.
    public func receiveWithUserID(maxFrames: Int = 64) throws(ZMQError) -> (frames: [[UInt8]], userID: String?) {
        guard let message = try LibZMQ.receive(try openHandle(), dontWait: false, maxFrames: maxFrames, readUserID: true) else {
            throw .wouldBlock
        }
        return message
    }

    /// `receiveWithUserID(maxFrames:)` if a message is waiting; `nil` otherwise.
    public func tryReceiveWithUserID(maxFrames: Int = 64) throws(ZMQError) -> (frames: [[UInt8]], userID: String?)? {
        try LibZMQ.receive(try openHandle(), dontWait: true, maxFrames: maxFrames, readUserID: true)
    }

    // MARK: - Monitoring

    /// Starts reporting `events` of this socket to a new PAIR socket (`zmq_socket_monitor`). The
    /// monitor is owned by the calling thread, like this socket.
    public func monitor(_ events: ZMQMonitorEvents = .all) throws(ZMQError) -> ZMQMonitor {
        let endpoint = "inproc://zeromq-monitor-\(UInt64.random(in: 0...UInt64.max))"
        try LibZMQ.socketMonitor(try openHandle(), endpoint: endpoint, events: events.rawValue)
        let pair = try context.socket(.pair)
        try pair.connect(endpoint)
        return ZMQMonitor(socket: pair)
    }
}
