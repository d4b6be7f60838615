import Logging
import SweepModel
import SweepWire

/// A log line the worker writes, as a value, so tests can check what the worker said and the
/// loop only prints it. The texts are the ones operators and end-to-end tests read (for example
/// "coordinator silent").
enum WorkerNotice: Sendable, Equatable {
    case starting(worker: WorkerID, endpoint: String, slots: Int)
    case jobFailed(FailedJob)
    /// A result held for redelivery no longer decodes, so it cannot travel in a `hello`.
    case heldResultUndecodable(job: JobID, error: WireError)
    case droppedMessage(WireError)
    case welcomed(worker: WorkerID, kept: Int)
    case assignmentNotReencodable(WireError)
    case reconnectRequested
    case reconnecting(endpoint: String)
    case coordinatorSilent(backoff: Duration)
    case handshakeRefused(endpoint: String, reason: String, refusals: Int)
    case failing(WorkerExit)
    case idle(after: Duration)
    case draining(exit: WorkerExit, running: Int, queued: Int)
    case exiting(exit: WorkerExit, unacknowledged: Int)

    var level: Logger.Level {
        switch self {
        case .starting, .welcomed, .reconnectRequested, .reconnecting, .idle, .draining, .exiting: .info
        case .jobFailed, .droppedMessage, .coordinatorSilent: .warning
        case .handshakeRefused, .failing: .error
        case .heldResultUndecodable, .assignmentNotReencodable: .error
        }
    }

    var message: Logger.Message {
        switch self {
        case .starting: "worker starting"
        case .jobFailed: "job failed"
        case .heldResultUndecodable: "a held result does not decode; dropped"
        case .droppedMessage: "dropped message from coordinator"
        case .welcomed: "welcomed by coordinator"
        case .assignmentNotReencodable: "could not re-encode assigned jobs"
        case .reconnectRequested: "coordinator asked for a new hello"
        case .reconnecting: "reconnecting"
        case .coordinatorSilent: "coordinator silent; reconnecting after backoff"
        case .handshakeRefused: "the coordinator refused this worker's key (CURVE handshake failed)"
        case .failing(let exit): "\(exit)"
        case .idle: "idle; exiting"
        case .draining: "draining"
        case .exiting: "worker exiting"
        }
    }

    var metadata: Logger.Metadata {
        switch self {
        case .starting(let worker, let endpoint, let slots):
            ["worker": "\(worker)", "endpoint": "\(endpoint)", "slots": "\(slots)"]
        case .jobFailed(let failed):
            ["job": "\(failed.job.short)", "attempt": "\(failed.attempt)", "error": "\(failed.error)"]
        case .heldResultUndecodable(let job, let error): ["job": "\(job.short)", "error": "\(error)"]
        case .droppedMessage(let error), .assignmentNotReencodable(let error): ["error": "\(error)"]
        case .welcomed(let worker, let kept): ["worker": "\(worker)", "kept": "\(kept)"]
        case .reconnectRequested: [:]
        case .reconnecting(let endpoint): ["endpoint": "\(endpoint)"]
        case .coordinatorSilent(let backoff): ["backoff": "\(backoff)"]
        case .handshakeRefused(let endpoint, let reason, let refusals):
            ["endpoint": "\(endpoint)", "reason": "\(reason)", "refusals": "\(refusals)"]
        case .failing: [:]
        case .idle(let after): ["idle": "\(after)"]
        case .draining(let exit, let running, let queued): ["reason": "\(exit)", "running": "\(running)", "queued": "\(queued)"]
        case .exiting(let exit, let unacknowledged): ["reason": "\(exit)", "unacknowledged": "\(unacknowledged)"]
        }
    }
}
