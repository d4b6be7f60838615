import Foundation
import SweepModel

/// The coordinator's answer to a `ClientRequest`. Wire kinds are `reply.<case>`.
public enum ClientReply: Codable, Sendable, Equatable {
    case submitted(Submitted)
    case status(Status)
    case cancelled(Cancelled)
    case workers(Workers)
    case report(Report)
    case retried(Retried)
    case planned(Planned)
    case deleted(Deleted)
    case results(Results)
    case reportPage(ReportPage)
    case error(Failure)

    /// The kind name on the wire.
    public var kind: String {
        switch self {
        case .submitted: "reply.submitted"
        case .status: "reply.status"
        case .cancelled: "reply.cancelled"
        case .workers: "reply.workers"
        case .report: "reply.report"
        case .retried: "reply.retried"
        case .planned: "reply.planned"
        case .deleted: "reply.deleted"
        case .results: "reply.results"
        case .reportPage: "reply.report_page"
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
        /// `noop` and `sleep` jobs done (training jobs end `clustered`, `censored` or `diverged`).
        public var completed = 0
        public var failed = 0
        public var cancelled = 0

        public init() {}

        public var total: Int { pending + running + clustered + censored + diverged + completed + failed + cancelled }
        /// Jobs that will not run again (completed, failed or cancelled).
        public var finished: Int { total - pending - running }
        /// Jobs that ran to a result (clustered, censored, diverged or completed).
        public var done: Int { clustered + censored + diverged + completed }

        enum CodingKeys: String, CodingKey {
            case pending, running, clustered, censored, diverged, completed, failed, cancelled
        }

        /// `completed` is optional on decoding: older coordinators count no-op jobs as `clustered`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            pending = try c.decode(Int.self, forKey: .pending)
            running = try c.decode(Int.self, forKey: .running)
            clustered = try c.decode(Int.self, forKey: .clustered)
            censored = try c.decode(Int.self, forKey: .censored)
            diverged = try c.decode(Int.self, forKey: .diverged)
            completed = try c.decodeIfPresent(Int.self, forKey: .completed) ?? 0
            failed = try c.decode(Int.self, forKey: .failed)
            cancelled = try c.decode(Int.self, forKey: .cancelled)
        }

        public subscript(status: JobStatus) -> Int {
            get {
                switch status {
                case .pending: pending
                case .running: running
                case .clustered: clustered
                case .censored: censored
                case .diverged: diverged
                case .completed: completed
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
                case .completed: completed = newValue
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
        /// Of the `running` jobs, those leased to a worker that has not started them yet
        /// (prefetched beyond its slots).
        public var queuedOnWorkers: Int
        /// The sweep file's `description:` (empty when none).
        public var description: String

        public init(
            sweep: SweepID, name: String, counts: JobCounts, cancelled: Bool, createdAt: Date,
            finishedAt: Date?, jobsPerSecond: Double, etaSeconds: Double?, queuedOnWorkers: Int = 0,
            description: String = ""
        ) {
            self.sweep = sweep
            self.name = name
            self.counts = counts
            self.cancelled = cancelled
            self.createdAt = createdAt
            self.finishedAt = finishedAt
            self.jobsPerSecond = jobsPerSecond
            self.etaSeconds = etaSeconds
            self.queuedOnWorkers = queuedOnWorkers
            self.description = description
        }

        enum CodingKeys: String, CodingKey {
            case sweep, name, counts, cancelled, createdAt, finishedAt, jobsPerSecond, etaSeconds, queuedOnWorkers, description
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sweep = try c.decode(SweepID.self, forKey: .sweep)
            name = try c.decode(String.self, forKey: .name)
            counts = try c.decode(JobCounts.self, forKey: .counts)
            cancelled = try c.decode(Bool.self, forKey: .cancelled)
            createdAt = try c.decode(Date.self, forKey: .createdAt)
            finishedAt = try c.decodeIfPresent(Date.self, forKey: .finishedAt)
            jobsPerSecond = try c.decode(Double.self, forKey: .jobsPerSecond)
            etaSeconds = try c.decodeIfPresent(Double.self, forKey: .etaSeconds)
            queuedOnWorkers = try c.decodeIfPresent(Int.self, forKey: .queuedOnWorkers) ?? 0
            description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        }

        /// Running jobs that a worker has started.
        public var runningOnWorkers: Int { max(0, counts.running - queuedOnWorkers) }
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
        /// The sweep had already ended (finished or cancelled before): nothing was cancelled.
        public var alreadyEnded: Bool
        public init(sweep: SweepID, jobsCancelled: Int, alreadyEnded: Bool = false) {
            self.sweep = sweep
            self.jobsCancelled = jobsCancelled
            self.alreadyEnded = alreadyEnded
        }

        enum CodingKeys: String, CodingKey { case sweep, jobsCancelled, alreadyEnded }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            sweep = try c.decode(SweepID.self, forKey: .sweep)
            jobsCancelled = try c.decode(Int.self, forKey: .jobsCancelled)
            alreadyEnded = try c.decodeIfPresent(Bool.self, forKey: .alreadyEnded) ?? false
        }
    }

    /// What submitting a sweep file would do (a dry run: nothing stored).
    public struct Planned: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var name: String
        public var totalJobs: Int
        /// Jobs of the plan the store already holds with a result (shared with earlier sweeps).
        public var alreadyDone: Int
        /// Jobs of the plan the store holds that failed or were cancelled (`retry` re-runs them).
        public var alreadyFailed: Int
        /// Whether this exact sweep was submitted before.
        public var alreadySubmitted: Bool

        public init(sweep: SweepID, name: String, totalJobs: Int, alreadyDone: Int, alreadyFailed: Int, alreadySubmitted: Bool) {
            self.sweep = sweep
            self.name = name
            self.totalJobs = totalJobs
            self.alreadyDone = alreadyDone
            self.alreadyFailed = alreadyFailed
            self.alreadySubmitted = alreadySubmitted
        }
    }

    /// What a `delete` removed.
    public struct Deleted: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var name: String
        /// Jobs removed with their attempts and results.
        public var jobsRemoved: Int
        /// Jobs kept, with their results, because another sweep holds them too.
        public var jobsKept: Int
        public init(sweep: SweepID, name: String, jobsRemoved: Int, jobsKept: Int) {
            self.sweep = sweep
            self.name = name
            self.jobsRemoved = jobsRemoved
            self.jobsKept = jobsKept
        }
    }

    /// What a `retry` put back in the queue.
    public struct Retried: Codable, Sendable, Equatable {
        public var sweep: SweepID
        /// Failed jobs re-queued.
        public var failed: Int
        /// Cancelled jobs re-queued.
        public var cancelled: Int
        /// The sweep's `max_attempts` now.
        public var maxAttempts: Int
        public init(sweep: SweepID, failed: Int, cancelled: Int, maxAttempts: Int) {
            self.sweep = sweep
            self.failed = failed
            self.cancelled = cancelled
            self.maxAttempts = maxAttempts
        }

        public var requeued: Int { failed + cancelled }
    }

    /// One connected worker as the coordinator sees it.
    public struct WorkerInfo: Codable, Sendable, Equatable {
        public var worker: WorkerID
        public var host: String
        public var pid: Int
        public var slots: Int
        public var softwareVersion: String
        /// The kernel family its jobs train with; nil for a worker that did not say.
        public var kernelFamily: String?
        public var connectedAt: Date
        public var lastSeen: Date
        /// Attempts it is running (leased and started, at most its slots).
        public var running: Int
        /// Attempts leased to it that wait for a free slot (prefetched).
        public var queued: Int
        /// Results it delivered since it connected.
        public var completed: Int

        enum CodingKeys: String, CodingKey {
            case worker, host, pid, slots, softwareVersion, kernelFamily, connectedAt, lastSeen, running, queued, completed
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            worker = try c.decode(WorkerID.self, forKey: .worker)
            host = try c.decode(String.self, forKey: .host)
            pid = try c.decode(Int.self, forKey: .pid)
            slots = try c.decode(Int.self, forKey: .slots)
            softwareVersion = try c.decode(String.self, forKey: .softwareVersion)
            kernelFamily = try c.decodeIfPresent(String.self, forKey: .kernelFamily)
            connectedAt = try c.decode(Date.self, forKey: .connectedAt)
            lastSeen = try c.decode(Date.self, forKey: .lastSeen)
            running = try c.decode(Int.self, forKey: .running)
            queued = try c.decodeIfPresent(Int.self, forKey: .queued) ?? 0
            completed = try c.decode(Int.self, forKey: .completed)
        }

        public init(
            worker: WorkerID, host: String, pid: Int, slots: Int, softwareVersion: String, kernelFamily: String? = nil,
            connectedAt: Date, lastSeen: Date, running: Int, queued: Int = 0, completed: Int
        ) {
            self.worker = worker
            self.host = host
            self.pid = pid
            self.slots = slots
            self.softwareVersion = softwareVersion
            self.kernelFamily = kernelFamily
            self.connectedAt = connectedAt
            self.lastSeen = lastSeen
            self.running = running
            self.queued = queued
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
