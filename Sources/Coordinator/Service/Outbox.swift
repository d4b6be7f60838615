import SweepModel
import SweepWire

/// Messages held back until the iteration's commit, then sent in order.
///
/// Per worker, messages keep their order (an `abort` before the `assign` that re-leases the job,
/// a `welcome` before anything of the new session); consecutive `assign`s or `ack`s to the same
/// worker merge into one message of at most `WireProtocol.maxBatch` jobs, so one iteration sends
/// each worker few, large messages.
struct Outbox {
    private var messages: [WorkerID: [CoordinatorMessage]] = [:]
    private var order: [WorkerID] = []
    private(set) var replies: [(route: [UInt8], requestID: UInt64, reply: ClientReply)] = []
    private(set) var reconnects: [[UInt8]] = []

    var isEmpty: Bool { order.isEmpty && replies.isEmpty && reconnects.isEmpty }

    /// Queues `message` for `worker`, merging it into the previous one when both are assigns or acks.
    mutating func send(_ message: CoordinatorMessage, to worker: WorkerID) {
        if messages[worker] == nil { order.append(worker) }
        Self.append(message, to: &messages[worker, default: []])
    }

    /// Appends in place: a merged job list is uniquely referenced while it grows, so merging
    /// costs O(jobs added), not a copy of the list.
    private static func append(_ message: CoordinatorMessage, to queued: inout [CoordinatorMessage]) {
        let last = queued.count - 1
        guard last >= 0 else {
            queued.append(message)
            return
        }
        switch message {
        case .assign(let next):
            if case .assign(var merged) = queued[last], merged.jobs.count + next.jobs.count <= WireProtocol.maxBatch {
                queued[last] = .heartbeat  // drops the list's second reference
                merged.jobs += next.jobs
                queued[last] = .assign(merged)
                return
            }
        case .ack(let next):
            if case .ack(var merged) = queued[last], merged.jobs.count + next.jobs.count <= WireProtocol.maxBatch {
                queued[last] = .heartbeat
                merged.jobs += next.jobs
                queued[last] = .ack(merged)
                return
            }
        default:
            break
        }
        queued.append(message)
    }

    /// A new session of `worker` begins with `welcome`: whatever was queued for its previous
    /// session is dropped (the hello just handled superseded it).
    mutating func startSession(of worker: WorkerID, with welcome: CoordinatorMessage) {
        if messages[worker] == nil { order.append(worker) }
        messages[worker] = [welcome]
    }

    mutating func reply(_ reply: ClientReply, to route: [UInt8], requestID: UInt64) {
        replies.append((route, requestID, reply))
    }

    /// Tells a peer that never said hello to do so.
    mutating func askToReconnect(_ route: [UInt8]) { reconnects.append(route) }

    /// Every queued worker message, per worker in queueing order; empties the outbox.
    mutating func takeAll() -> (workers: [(WorkerID, [CoordinatorMessage])], replies: [(route: [UInt8], requestID: UInt64, reply: ClientReply)], reconnects: [[UInt8]]) {
        let workers = order.compactMap { worker in messages[worker].map { (worker, $0) } }
        let result = (workers, replies, reconnects)
        messages.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        replies.removeAll(keepingCapacity: true)
        reconnects.removeAll(keepingCapacity: true)
        return result
    }
}
