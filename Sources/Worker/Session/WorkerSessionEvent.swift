import SweepModel
import SweepWire

/// Something that happened to a worker, as its loop turns it into an input of `WorkerSession`:
/// a coordinator message, a slot's outcome, a stop request, or the end of a loop iteration.
enum WorkerSessionEvent: Sendable, Equatable {
    /// The loop is up (slot threads starting): connect and say hello.
    case start
    /// A decoded message from the coordinator (any kind but the `assign` fast path below).
    case received(CoordinatorMessage)
    /// The jobs of a `coordinator.assign`, still in the coordinator's encoding.
    case assigned([EncodedAssignment])
    /// A message from the coordinator that did not decode: dropped, but a sign of life.
    case unreadable(WireError)
    /// A slot thread is up and waiting for work.
    case slotStarted(slot: Int)
    /// A running job reached a training check.
    case slotProgress(WorkerMessage.Progress)
    /// A slot finished its job with a result, encoded by the slot.
    case slotFinished(slot: Int, EncodedResult)
    /// A slot's job ended in an error.
    case slotFailed(slot: Int, FailedJob)
    /// A slot stopped its job without a result (aborted).
    case slotAbandoned(slot: Int, JobAttempt)
    /// The coordinator's end refused the connection's security handshake (CURVE: our key is not
    /// authorized, or the server key is wrong), as the socket monitor reported it.
    case handshakeRefused(reason: String)
    /// `requestStop()`: SIGTERM or SIGINT.
    case stopRequested
    /// The end of a loop iteration (at least every 100 ms): dispatch queued jobs, run the timers
    /// (liveness, reconnect, heartbeat, redelivery, idle and `--max-jobs` exits, draining), then
    /// send what the iteration gathered, batched.
    case tick
}
