import Foundation
import SweepModel
import SweepWire

/// What the page shows at one moment: the coordinator's status, every sweep with its live
/// statistics and charts, the workers. The feed publishes a new one after every poll; HTTP
/// handlers only read the latest.
public struct LiveSnapshot: Codable, Sendable, Equatable {
    /// Grows by one with every published snapshot; Server-Sent Events send it as the event id.
    public var version = 0
    public var generatedAt = Date(timeIntervalSince1970: 0)
    public var coordinator = ""
    /// Whether the last poll got an answer.
    public var coordinatorUp = false
    /// Why the last poll failed, when it did.
    public var problem: String?
    /// The coordinator's own status reply (what `status --json` prints); `nil` before the first.
    public var status: ClientReply.Status?
    public var sweeps: [LiveSweep] = []
    public var workers: [LiveWorker] = []

    public init() {}

    /// The same snapshot with charts only for `selected` (pages ask for their sweep's charts).
    public func keepingCharts(of selected: SweepID?) -> LiveSnapshot {
        var copy = self
        for i in copy.sweeps.indices where copy.sweeps[i].id != selected {
            copy.sweeps[i].headlineSVG = nil
            copy.sweeps[i].kaplanMeierSVG = []
        }
        return copy
    }

    /// The sweep `reference` names: full id, unique id prefix or name.
    public func sweep(_ reference: String) -> LiveSweep? {
        if let exact = sweeps.first(where: { $0.id.rawValue == reference }) { return exact }
        let byPrefix = sweeps.filter { $0.id.rawValue.hasPrefix(reference.lowercased()) }
        if byPrefix.count == 1 { return byPrefix[0] }
        let byName = sweeps.filter { $0.name == reference }
        return byName.count == 1 ? byName[0] : nil
    }
}

/// One sweep on the page.
public struct LiveSweep: Codable, Sendable, Equatable {
    public var id: SweepID
    public var name: String
    public var counts: ClientReply.JobCounts
    public var jobsPerSecond: Double
    public var etaSeconds: Double?
    public var cancelled: Bool
    public var ended: Bool
    /// Jobs with a result the statistics are computed from.
    public var observed: Int
    /// The verdict sentences, as in the report.
    public var verdicts: [String]
    /// The headline chart (SVG), once a result arrived.
    public var headlineSVG: String?
    /// Kaplan–Meier curves (SVG), one per series.
    public var kaplanMeierSVG: [String]
    /// The most recent failures, newest first.
    public var failures: [LiveFailure]
}

/// A failed job, as the page lists it.
public struct LiveFailure: Codable, Sendable, Equatable {
    public var job: String
    public var parameters: String
    public var error: String
    public var at: Date?
}

/// A worker, as the page lists it.
public struct LiveWorker: Codable, Sendable, Equatable {
    public var host: String
    public var pid: Int
    public var slots: Int
    /// The kernel family its jobs train with; nil for a worker that did not say.
    public var kernelFamily: String?
    public var running: Int
    public var completed: Int
    public var lastSeen: Date

    public init(
        host: String, pid: Int, slots: Int, kernelFamily: String? = nil, running: Int, completed: Int, lastSeen: Date
    ) {
        self.host = host
        self.pid = pid
        self.slots = slots
        self.kernelFamily = kernelFamily
        self.running = running
        self.completed = completed
        self.lastSeen = lastSeen
    }
}
