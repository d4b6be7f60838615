import SweepModel
import TrainingCore

/// What a worker sends to the coordinator. Wire kinds are `worker.<case>`.
public enum WorkerMessage: Codable, Sendable, Equatable {
    /// First message on every (re)connection, and the answer to `reconnect`.
    case hello(Hello)
    /// Flow control: how many more jobs the worker wants now.
    case ready(Ready)
    /// "I am alive"; sent every heartbeat interval when nothing else was sent.
    case heartbeat
    /// A running job reached a check.
    case progress(Progress)
    /// Finished jobs, batched.
    case results(Results)
    /// Job attempts that errored, batched.
    case failures(Failures)
    /// Jobs handed back unfinished (graceful shutdown or abort acknowledged).
    case released(Released)
    /// The worker is leaving; the coordinator forgets it without waiting for heartbeats.
    case goodbye(Goodbye)

    /// The kind name on the wire.
    public var kind: String {
        switch self {
        case .hello: "worker.hello"
        case .ready: "worker.ready"
        case .heartbeat: "worker.heartbeat"
        case .progress: "worker.progress"
        case .results: "worker.results"
        case .failures: "worker.failures"
        case .released: "worker.released"
        case .goodbye: "worker.goodbye"
        }
    }

    /// A worker's introduction, with everything it still holds from an earlier connection.
    public struct Hello: Codable, Sendable, Equatable {
        public var worker: WorkerID
        public var host: String
        public var pid: Int
        /// Jobs it runs at once.
        public var slots: Int
        /// The worker's software version (e.g. `clustersweep 0.1.0`), for `workers` listings.
        public var softwareVersion: String
        /// The kernel family its jobs train with (`avx512`, `avx2`, `baseline`; `worker
        /// --kernels`), for `workers` listings; absent from workers that predate it.
        public var kernelFamily: String?
        /// Attempts still running from before a reconnect.
        public var running: [JobAttempt]
        /// Results finished but not yet acknowledged.
        public var finished: [CompletedJob]
        /// Failures reported but not yet acknowledged.
        public var failed: [FailedJob]

        public init(
            worker: WorkerID, host: String, pid: Int, slots: Int, softwareVersion: String, kernelFamily: String? = nil,
            running: [JobAttempt] = [], finished: [CompletedJob] = [], failed: [FailedJob] = []
        ) {
            self.worker = worker
            self.host = host
            self.pid = pid
            self.slots = slots
            self.softwareVersion = softwareVersion
            self.kernelFamily = kernelFamily
            self.running = running
            self.finished = finished
            self.failed = failed
        }
    }

    /// Credit-based flow control that survives message races: `wants` is how many jobs the worker
    /// would take now (slots + prefetch − jobs it holds), `received` counts the jobs it has
    /// received in `assign` messages since the last `welcome`. The coordinator may send
    /// `wants − (sent − received)` more jobs, where `sent` is its own count for the same session.
    public struct Ready: Codable, Sendable, Equatable {
        public var wants: Int
        public var received: Int

        public init(wants: Int, received: Int) {
            self.wants = wants
            self.received = received
        }
    }

    /// A training check of a running job.
    public struct Progress: Codable, Sendable, Equatable {
        public var job: JobID
        public var attempt: Int
        public var epoch: Int
        public var metrics: MetricValues

        public init(job: JobID, attempt: Int, epoch: Int, metrics: MetricValues) {
            self.job = job
            self.attempt = attempt
            self.epoch = epoch
            self.metrics = metrics
        }
    }

    /// Finished jobs; the worker keeps each until an `ack` names it.
    public struct Results: Codable, Sendable, Equatable {
        public var results: [CompletedJob]
        public init(_ results: [CompletedJob]) { self.results = results }
    }

    /// Failed attempts; kept by the worker until acknowledged, like results.
    public struct Failures: Codable, Sendable, Equatable {
        public var failures: [FailedJob]
        public init(_ failures: [FailedJob]) { self.failures = failures }
    }

    /// Attempts handed back without a result.
    public struct Released: Codable, Sendable, Equatable {
        public var jobs: [JobAttempt]
        public init(_ jobs: [JobAttempt]) { self.jobs = jobs }
    }

    /// Why the worker leaves (e.g. `SIGTERM`, `idle`, `max-jobs`).
    public struct Goodbye: Codable, Sendable, Equatable {
        public var reason: String
        public init(reason: String) { self.reason = reason }
    }
}
