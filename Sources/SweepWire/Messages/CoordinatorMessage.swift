import SweepModel

/// What the coordinator sends to a worker. Wire kinds are `coordinator.<case>`.
public enum CoordinatorMessage: Codable, Sendable, Equatable {
    /// The answer to `hello`: the worker is registered; counters of `ready` restart at 0.
    case welcome(Welcome)
    /// Jobs to run, batched.
    case assign(Assign)
    /// Results and failures durably stored: the worker may forget them.
    case ack(Ack)
    /// Jobs to stop at once (cancelled sweep, lease given to someone else); the worker answers
    /// with `released` for those it still held.
    case abort(Abort)
    /// "I am alive"; sent to each worker every heartbeat interval when nothing else was sent.
    case heartbeat
    /// The coordinator does not know this worker (e.g. it restarted): say `hello` again.
    case reconnect
    /// Finish or hand back running jobs, send `goodbye` and exit.
    case shutdown(Shutdown)

    /// The kind name on the wire.
    public var kind: String {
        switch self {
        case .welcome: "coordinator.welcome"
        case .assign: "coordinator.assign"
        case .ack: "coordinator.ack"
        case .abort: "coordinator.abort"
        case .heartbeat: "coordinator.heartbeat"
        case .reconnect: "coordinator.reconnect"
        case .shutdown: "coordinator.shutdown"
        }
    }

    public struct Welcome: Codable, Sendable, Equatable {
        public var worker: WorkerID
        /// Milliseconds between heartbeats both ways.
        public var heartbeatIntervalMs: Int
        /// Missed intervals after which a peer counts as dead.
        public var heartbeatLiveness: Int
        /// Of the attempts the worker said it was running, those still leased to it; it should
        /// abandon the others (the coordinator also sends `abort` for them).
        public var keep: [JobAttempt]
        /// The coordinator's software version.
        public var softwareVersion: String

        public init(
            worker: WorkerID, heartbeatIntervalMs: Int = 1000, heartbeatLiveness: Int = 3,
            keep: [JobAttempt] = [], softwareVersion: String
        ) {
            self.worker = worker
            self.heartbeatIntervalMs = heartbeatIntervalMs
            self.heartbeatLiveness = heartbeatLiveness
            self.keep = keep
            self.softwareVersion = softwareVersion
        }
    }

    public struct Assign: Codable, Sendable, Equatable {
        public var jobs: [JobAssignment]
        public init(_ jobs: [JobAssignment]) { self.jobs = jobs }
    }

    public struct Ack: Codable, Sendable, Equatable {
        public var jobs: [JobAttempt]
        public init(_ jobs: [JobAttempt]) { self.jobs = jobs }
    }

    public struct Abort: Codable, Sendable, Equatable {
        public var jobs: [JobAttempt]
        /// Why, for the worker's log (e.g. `sweep cancelled`, `lease expired`).
        public var reason: String
        public init(_ jobs: [JobAttempt], reason: String) {
            self.jobs = jobs
            self.reason = reason
        }
    }

    public struct Shutdown: Codable, Sendable, Equatable {
        public var reason: String
        /// Seconds the worker has to finish running jobs before handing them back.
        public var graceSeconds: Double
        public init(reason: String, graceSeconds: Double) {
            self.reason = reason
            self.graceSeconds = graceSeconds
        }
    }
}
