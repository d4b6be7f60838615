import SweepModel
import SweepWire

/// Messages held back until the iteration's commit, then sent in order.
///
/// Per worker, messages keep their order where it matters (an `abort` before the `assign` that
/// re-leases the job, a `welcome` before anything of the new session) and merge where it does
/// not: every `ack` of an iteration joins the worker's first queued `ack`, and an `assign` joins
/// the last queued `assign` unless an `abort` (or anything but acks and heartbeats) came after
/// it, each merged message holding at most `WireProtocol.maxBatch` jobs. A worker reporting in
/// several messages per iteration (results, then `ready`) thus gets one `ack` and one `assign`,
/// not one pair per message.
struct Outbox {
    private var messages: [WorkerID: [CoordinatorMessage]] = [:]
    private var order: [WorkerID] = []
    private(set) var replies: [(route: [UInt8], requestID: UInt64, reply: ClientReply)] = []
    private(set) var reconnects: [[UInt8]] = []

    var isEmpty: Bool { order.isEmpty && replies.isEmpty && reconnects.isEmpty }

    /// Queues `message` for `worker`, merging acks and assigns into earlier ones (see above).
    mutating func send(_ message: CoordinatorMessage, to worker: WorkerID) {
        if messages[worker] == nil { order.append(worker) }
        Self.append(message, to: &messages[worker, default: []])
    }

    /// Appends or merges in place: a merged job list is uniquely referenced while it grows, so
    /// merging costs O(jobs added), not a copy of the list.
    private static func append(_ message: CoordinatorMessage, to queued: inout [CoordinatorMessage]) {
        switch message {
        case .ack(let next):
            // Acknowledgements commute with every other message of a session.
            if let i = queued.firstIndex(where: { if case .ack = $0 { true } else { false } }),
                case .ack(var merged) = queued[i], merged.jobs.count + next.jobs.count <= WireProtocol.maxBatch
            {
                queued[i] = .heartbeat  // drops the list's second reference
                merged.jobs += next.jobs
                queued[i] = .ack(merged)
                return
            }
        case .assign(let next):
            // Only past acks and heartbeats: an abort must keep preceding a later assignment.
            var i = queued.count - 1
            while i >= 0 {
                switch queued[i] {
                case .ack, .heartbeat:
                    i -= 1
                    continue
                case .assign(var merged) where merged.jobs.count + next.jobs.count <= WireProtocol.maxBatch:
                    queued[i] = .heartbeat
                    merged.jobs += next.jobs
                    queued[i] = .assign(merged)
                    return
                default:
                    break
                }
                break
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
