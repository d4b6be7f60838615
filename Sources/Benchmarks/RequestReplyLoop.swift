import SweepModel
import ZeroMQ

/// A bare ZeroMQ request-reply loop: a ROUTER hands each connected DEALER one request at a time
/// and sends the next as soon as the reply is back, with nothing else on the path (no decoding, no
/// persistence, no scheduling). `clustersweep bench dispatch` runs it between as many processes as
/// its coordinator and workers, as the floor a dispatcher keeping one job in flight per process
/// would reach on the same machine (libzmq's own `local_lat`/`remote_lat`, made many-peer).
///
/// The DEALER side (`peer`) runs in its own process; the ROUTER side (`serve`) in the caller's.
/// Both are bounded in time: `serve` gives up after `timeout`, a peer after `idleSeconds` without
/// a request.
public enum RequestReplyLoop {
    /// What a peer sends first, so the ROUTER learns its routing id.
    static let hello: [UInt8] = Array("hello".utf8)

    /// What `serve` measured.
    public struct Figures: Sendable, Equatable {
        /// Round trips completed (requests answered).
        public var roundTrips: Int
        /// From the first request sent to the last reply received.
        public var seconds: Double
        public var roundTripsPerSecond: Double { seconds > 0 ? Double(roundTrips) / seconds : 0 }
    }

    /// Waits until `peers` DEALERs said hello on `router`, then keeps exactly one request of
    /// `payloadBytes` in flight to each, answering each reply with the next request, until
    /// `roundTrips` replies came back; then tells every peer to stop (an empty frame). `nil` if
    /// the peers did not all connect, or the round trips did not finish, within `timeout`.
    public static func serve(
        router: ZMQSocket, peers: Int, roundTrips: Int, payloadBytes: Int, timeout: Duration
    ) throws(ZMQError) -> Figures? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        let poller = ZMQPoller()
        try poller.register(router)
        var routes: [[UInt8]] = []
        while routes.count < max(1, peers) {
            guard clock.now < deadline else { return nil }
            guard try poller.poll(timeoutMilliseconds: 50).isReadable(0) else { continue }
            while let frames = try router.tryReceive(maxFrames: 2) {
                if frames.count == 2, frames[1] == hello, let route = frames.first, !routes.contains(route) {
                    routes.append(route)
                }
            }
        }
        let request = [UInt8](repeating: 0x2A, count: max(1, payloadBytes))
        let start = clock.now
        var sent = 0
        for route in routes where sent < roundTrips {
            try router.send([route, request])
            sent += 1
        }
        var answered = 0
        while answered < sent {
            // A blocking receive would wait forever for a peer that died: poll with the deadline.
            guard clock.now < deadline else { break }
            guard try poller.poll(timeoutMilliseconds: 100).isReadable(0) else { continue }
            while let frames = try router.tryReceive(maxFrames: 2), let route = frames.first {
                answered += 1
                if sent < roundTrips {
                    try router.send([route, request])
                    sent += 1
                }
            }
        }
        let seconds = (clock.now - start).seconds
        for route in routes { _ = try? router.trySend([route, []]) }
        return answered >= roundTrips ? Figures(roundTrips: answered, seconds: seconds) : nil
    }

    /// The DEALER side: connects to `endpoint`, says hello, and answers every request with a reply
    /// of the same size until an empty request (stop) arrives or none came for `idleSeconds`.
    /// Returns the requests answered.
    public static func peer(context: ZMQContext, endpoint: String, idleSeconds: Int = 30) throws(ZMQError) -> Int {
        let socket = try context.socket(.dealer, linger: 1000)
        defer { socket.close() }
        try socket.connect(endpoint)
        try socket.send([hello])
        let poller = ZMQPoller()
        try poller.register(socket)
        var answered = 0
        while try poller.poll(timeoutMilliseconds: max(1, idleSeconds) * 1000).isReadable(0) {
            while let frames = try socket.tryReceive(maxFrames: 1), let request = frames.first {
                if request.isEmpty { return answered }
                try socket.send([request])
                answered += 1
            }
        }
        return answered
    }
}
