import SweepModel

/// What a client (`submit`, `status`, `cancel`, `workers`, `report`) asks the coordinator.
/// Wire kinds are `client.<case>`; each travels with a request id the reply repeats.
public enum ClientRequest: Codable, Sendable, Equatable {
    case submit(Submit)
    case status(Status)
    case cancel(Cancel)
    case workers
    case report(Report)
    case retry(Retry)
    case plan(Submit)
    case delete(Delete)
    case results(Results)
    case reportPage(ReportPage)

    /// The kind name on the wire.
    public var kind: String {
        switch self {
        case .submit: "client.submit"
        case .status: "client.status"
        case .cancel: "client.cancel"
        case .workers: "client.workers"
        case .report: "client.report"
        case .retry: "client.retry"
        case .plan: "client.plan"
        case .delete: "client.delete"
        case .results: "client.results"
        case .reportPage: "client.report_page"
        }
    }

    /// Whether the request changes the coordinator's state (submit, cancel). Under CURVE every
    /// client request needs a client key, reads included (see `PeerRole` in the Coordinator).
    public var changesState: Bool {
        switch self {
        case .submit, .cancel, .retry, .delete: true
        case .status, .workers, .report, .plan, .results, .reportPage: false
        }
    }

    /// A sweep file to validate and run; submitting the same text again is idempotent.
    public struct Submit: Codable, Sendable, Equatable {
        /// The sweep file's text exactly as read.
        public var sourceText: String
        /// Where it was read from, for error messages (e.g. `configs/paper.yaml`).
        public var sourceName: String
        public init(sourceText: String, sourceName: String) {
            self.sourceText = sourceText
            self.sourceName = sourceName
        }
    }

    /// Status of one sweep, or of all sweeps when `sweep` is `nil`.
    public struct Status: Codable, Sendable, Equatable {
        public var sweep: SweepID?
        public init(sweep: SweepID?) { self.sweep = sweep }
    }

    public struct Cancel: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public init(sweep: SweepID) { self.sweep = sweep }
    }

    /// Puts a sweep's failed and/or cancelled jobs back in the queue (each keeps its attempt
    /// history and gets a fresh attempt budget); `maxAttempts`, when given, becomes the sweep's.
    public struct Retry: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public var failed: Bool
        public var cancelled: Bool
        public var maxAttempts: Int?
        public init(sweep: SweepID, failed: Bool, cancelled: Bool, maxAttempts: Int?) {
            self.sweep = sweep
            self.failed = failed
            self.cancelled = cancelled
            self.maxAttempts = maxAttempts
        }
    }

    /// Removes an ended sweep and the results only it holds.
    public struct Delete: Codable, Sendable, Equatable {
        public var sweep: SweepID
        public init(sweep: SweepID) { self.sweep = sweep }
    }

    /// The sweep record and every job record of one sweep, at this moment, in one reply. Kept
    /// for clients that predate `report_page`; a coordinator answers it only for sweeps of at most
    /// `maxJobs` jobs (the reply is built inside its loop), and refuses larger ones.
    public struct Report: Codable, Sendable, Equatable {
        /// The largest sweep answered in one reply.
        public static let maxJobs = 500

        public var sweep: SweepID
        public init(sweep: SweepID) { self.sweep = sweep }
    }
}
