import SweepModel
import SweepWire

/// One thing the worker's loop must do because of an event, in the order returned.
enum WorkerSessionAction: Sendable, Equatable {
    /// Close the coordinator socket if there is one and open a new one (a new routing id,
    /// `<worker>#<connection number>`); a `send(.hello)` follows.
    case connect
    /// Close the coordinator socket (the coordinator went silent); a `connect` follows later.
    case disconnect
    /// Send a message on the coordinator socket.
    case send(WorkerMessage)
    /// Send `worker.results` made of results as their slots encoded them (at most
    /// `WireProtocol.maxBatch`).
    case sendResults([EncodedResult])
    /// Hand the job, in the coordinator's own bytes, to the idle slot `slot`.
    case run(EncodedAssignment, slot: Int)
    /// Tell slot `slot` to abort the attempt it runs (it answers `abandoned`).
    case abort(JobAttempt, slot: Int)
    /// Tell the idle slot `slot` to end its thread (the worker is exiting).
    case stop(slot: Int)
    /// Write a log line.
    case log(WorkerNotice)
    /// Leave the loop: the worker is done, for this reason.
    case exit(WorkerExit)
}
