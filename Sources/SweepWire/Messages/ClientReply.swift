import Foundation
import SweepModel

/// The coordinator's answer to a `ClientRequest`. Wire kinds are `reply.<case>`.
public enum ClientReply: Codable, Sendable, Equatable {
    case submitted(Submitted)
    case status(Status)
    case cancelled(Cancelled)
    case workers(Workers)
    case report(Report)
    case results(Results)
    case error(Failure)

    /// The kind name on the wire.
    public var kind: String {
        switch self {
        case .submitted: "reply.submitted"
        case .status: "reply.status"
        case .cancelled: "reply.cancelled"
        case .workers: "reply.workers"
        case .report: "reply.report"
        case .results: "reply.results"
        case .error: "reply.error"
        }
    }

    /// The accepted sweep: its id and how much of it is left to run.
    public struct Submitted: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var name: String
        public var totalJobs: Int
        /// Jobs already completed (by this or an earlier sweep with the same jobs).
        public var alreadyDone: Int
        /// Whether this exact sweep had been submitted before (idempotent resubmission).
        public var resubmitted: Bool

        public init(sweep: SweepID, name: String, totalJobs: Int, alreadyDone: Int, resubmitted: Bool) {
            self.sweep = sweep
            self.name = name
            self.totalJobs = totalJobs
            self.alreadyDone = alreadyDone
            self.resubmitted = resubmitted
        }
    }

    /// Jobs per status, one field per `JobStatus`.
    public struct JobCounts: Codable, Sendable, Equatable {
        public var pending = 0
        public var running = 0
        public var clustered = 0
        public var censored = 0
        public var diverged = 0
        public var failed = 0
        public var cancelled = 0

        public init() {}

        public var total: Int { pending + running + clustered + censored + diverged + failed + cancelled }
        /// Jobs that will not run again.
        public var finished: Int { total - pending - running }

        public subscript(status: JobStatus) -> Int {
            get {
                switch status {
                case .pending: pending
                case .running: running
                case .clustered: clustered
                case .censored: censored
                case .diverged: diverged
                case .failed: failed
                case .cancelled: cancelled
                }
            }
            set {
                switch status {
                case .pending: pending = newValue
                case .running: running = newValue
                case .clustered: clustered = newValue
                case .censored: censored = newValue
                case .diverged: diverged = newValue
                case .failed: failed = newValue
                case .cancelled: cancelled = newValue
                }
            }
        }
    }

    /// One sweep's progress.
    public struct SweepStatus: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var name: String
        public var counts: JobCounts
        public var cancelled: Bool
        public var createdAt: Date
        public var finishedAt: Date?
        /// Completed jobs per second over the recent window.
        public var jobsPerSecond: Double
        /// Estimated seconds until every job is final; `nil` when unknown.
        public var etaSeconds: Double?

        public init(
            sweep: SweepID, name: String, counts: JobCounts, cancelled: Bool, createdAt: Date,
            finishedAt: Date?, jobsPerSecond: Double, etaSeconds: Double?
        ) {
            self.sweep = sweep
            self.name = name
            self.counts = counts
            self.cancelled = cancelled
            self.createdAt = createdAt
            self.finishedAt = finishedAt
            self.jobsPerSecond = jobsPerSecond
            self.etaSeconds = etaSeconds
        }
    }

    public struct Status: Codable, Sendable, Equatable {
        /// The requested sweep, or every sweep in submission order.
        public var sweeps: [SweepStatus]
        public var workersAlive: Int
        public var slotsAlive: Int
        /// Completed jobs per second across all sweeps.
        public var jobsPerSecond: Double

        public init(sweeps: [SweepStatus], workersAlive: Int, slotsAlive: Int, jobsPerSecond: Double) {
            self.sweeps = sweeps
            self.workersAlive = workersAlive
            self.slotsAlive = slotsAlive
            self.jobsPerSecond = jobsPerSecond
        }
    }

    public struct Cancelled: Codable, Sendable, Equatable {
        public var sweep: SweepID
        /// Jobs that will no longer run.
        public var jobsCancelled: Int
        public init(sweep: SweepID, jobsCancelled: Int) {
            self.sweep = sweep
            self.jobsCancelled = jobsCancelled
        }
    }

    /// One connected worker as the coordinator sees it.
    public struct WorkerInfo: Codable, Sendable, Equatable {
        public var worker: WorkerID
        public var host: String
        public var pid: Int
        public var slots: Int
        public var softwareVersion: String
        public var connectedAt: Date
        public var lastSeen: Date
        /// Attempts currently leased to it.
        public var running: Int
        /// Results it delivered since it connected.
        public var completed: Int

        public init(
            worker: WorkerID, host: String, pid: Int, slots: Int, softwareVersion: String,
            connectedAt: Date, lastSeen: Date, running: Int, completed: Int
        ) {
            self.worker = worker
            self.host = host
            self.pid = pid
            self.slots = slots
            self.softwareVersion = softwareVersion
            self.connectedAt = connectedAt
            self.lastSeen = lastSeen
            self.running = running
            self.completed = completed
        }
    }

    public struct Workers: Codable, Sendable, Equatable {
        public var workers: [WorkerInfo]
        public init(_ workers: [WorkerInfo]) { self.workers = workers }
    }

    /// Everything a client needs to build report files locally.
    public struct Report: Codable, Sendable, Equatable {
        public var sweep: SweepRecord
        public var jobs: [JobRecord]
        public init(sweep: SweepRecord, jobs: [JobRecord]) {
            self.sweep = sweep
            self.jobs = jobs
        }
    }

    /// A refused request, with a machine-readable reason and text for the user.
    public struct Failure: Codable, Sendable, Equatable {
        public enum Code: String, Codable, Sendable, Hashable {
            /// The submitted sweep file is invalid (the message names file, line and key).
            case invalidSweep = "invalid_sweep"
            /// No sweep with that id.
            case unknownSweep = "unknown_sweep"
            /// The peer's key may not make this request.
            case forbidden
            /// The request could not be decoded or is not allowed in this state.
            case badRequest = "bad_request"
            /// The coordinator failed (e.g. its store); the request may be retried.
            case unavailable
        }

        public var code: Code
        public var message: String
        public init(code: Code, message: String) {
            self.code = code
            self.message = message
        }
    }
}
