import Foundation
import SweepModel
import SweepWire

/// Which ROUTER peer is which worker: a peer becomes a worker only through its `hello`, and a
/// worker's routing id changes with every reconnection (see docs/PROTOCOL.md, "Peers and routing
/// ids"), so both directions are kept and the newest hello wins.
///
/// Everything here is bounded: sessions of workers the scheduler no longer knows are forgotten
/// after `forgetAfter`, and the table of unknown peers told to reconnect is purged every
/// heartbeat interval and capped.
struct PeerTable {
    private var workerByRoute: [[UInt8]: WorkerID] = [:]
    private(set) var sessions: [WorkerID: WorkerConnection] = [:]
    private var reconnectToldAt: [[UInt8]: MonotonicInstant] = [:]
    /// The most unknown peers remembered for reconnect rate limiting (a flood beyond it is not answered).
    private let maxRemembered = 65_536

    /// The worker that said hello on this connection, if any.
    func worker(at route: [UInt8]) -> WorkerID? { workerByRoute[route] }

    /// The routing id of the worker's latest connection.
    func route(of worker: WorkerID) -> [UInt8]? { sessions[worker]?.route }

    func session(of worker: WorkerID) -> WorkerConnection? { sessions[worker] }

    /// Registers a hello: the connection now belongs to the worker (an older connection of the
    /// same worker no longer does) and its flow-control count restarts.
    mutating func hello(
        _ hello: WorkerMessage.Hello, route: [UInt8], at now: MonotonicInstant, date: Date
    ) {
        if let old = sessions[hello.worker], old.route != route {
            workerByRoute[old.route] = nil
        }
        if let previous = workerByRoute[route], previous != hello.worker {
            // One connection cannot be two workers: the newest claim wins.
            sessions[previous] = nil
        }
        workerByRoute[route] = hello.worker
        reconnectToldAt[route] = nil
        let connectedAt = sessions[hello.worker]?.connectedAt ?? date
        let completed = sessions[hello.worker]?.completed ?? 0
        sessions[hello.worker] = WorkerConnection(
            route: route, host: String(hello.host.prefix(256)), pid: hello.pid, slots: hello.slots,
            softwareVersion: String(hello.softwareVersion.prefix(256)),
            kernelFamily: hello.kernelFamily.map { String($0.prefix(32)) }, connectedAt: connectedAt, lastSeen: date,
            lastActivity: now, assigned: 0, completed: completed)
    }

    /// Notes a message from the worker.
    mutating func heard(from worker: WorkerID, at now: MonotonicInstant, date: Date) {
        sessions[worker]?.lastActivity = now
        sessions[worker]?.lastSeen = date
    }

    mutating func countAssigned(_ jobs: Int, to worker: WorkerID) { sessions[worker]?.assigned += jobs }

    mutating func countCompleted(_ results: Int, by worker: WorkerID) { sessions[worker]?.completed += results }

    /// Whether to answer an unknown peer with `reconnect` now: at most once per `interval` per
    /// peer, and not at all while more than `maxRemembered` unknown peers are remembered.
    mutating func mayAskToReconnect(_ route: [UInt8], at now: MonotonicInstant, interval: Duration) -> Bool {
        if let last = reconnectToldAt[route], now < last + interval { return false }
        guard reconnectToldAt.count < maxRemembered || reconnectToldAt[route] != nil else { return false }
        reconnectToldAt[route] = now
        return true
    }

    /// Forgets sessions of workers the scheduler no longer knows and that were silent for
    /// `forgetAfter`, and reconnect requests older than `interval`. O(peers).
    mutating func purge(
        at now: MonotonicInstant, interval: Duration, forgetAfter: Duration, isLive: (WorkerID) -> Bool
    ) {
        reconnectToldAt = reconnectToldAt.filter { now < $0.value + interval }
        for (worker, session) in sessions where !isLive(worker) && now >= session.lastActivity + forgetAfter {
            sessions[worker] = nil
            if workerByRoute[session.route] == worker { workerByRoute[session.route] = nil }
        }
    }
}
