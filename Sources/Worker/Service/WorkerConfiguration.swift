import Foundation
import SweepModel
import SweepWire

/// Everything a worker process needs to know; every field but `endpoint` has a default.
public struct WorkerConfiguration: Sendable {
    /// The coordinator's ROUTER endpoint, e.g. `tcp://127.0.0.1:5555`.
    public var endpoint: String
    /// Jobs run at once, one thread each. Default: the number of active cores.
    public var slots: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Jobs queued beyond the slots, so a slot never waits for a round trip. Default: two per slot
    /// (the coordinator caps it at its `prefetchPerWorker`, default 4).
    public var prefetch: Int?
    /// Heartbeat interval both ways (the coordinator's `welcome` may override it).
    public var heartbeatInterval: Duration = .seconds(1)
    /// Missed intervals after which the coordinator counts as dead.
    public var heartbeatLiveness: Int = 3
    /// First reconnect delay; doubles up to `reconnectMax`.
    public var reconnectInitial: Duration = .seconds(1)
    public var reconnectMax: Duration = .seconds(32)
    /// Stop taking jobs after starting this many; exit once they are delivered. `nil`: no limit.
    public var maxJobs: Int?
    /// Exit after this long with no job to run. `nil`: never.
    public var idleExit: Duration?
    /// On `requestStop()`: how long running jobs may finish before they are aborted and handed back.
    public var gracePeriod: Duration = .seconds(30)
    /// The worker's id; default `host-pid-random`.
    public var workerID: WorkerID
    public var host: String
    public var pid: Int
    /// Reported in `hello`, e.g. `clustersweep 0.1.0`.
    public var softwareVersion: String = "clustersweep"
    /// CURVE: the coordinator's public key and this worker's key pair; `nil` for plain TCP.
    public var curve: CurveClientKeys?

    public init(endpoint: String) {
        self.endpoint = endpoint
        let host = ProcessInfo.processInfo.hostName
        let pid = Int(ProcessInfo.processInfo.processIdentifier)
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 36)
        self.host = host
        self.pid = pid
        self.workerID = WorkerID(rawValue: "\(host)-\(pid)-\(suffix)")
    }

    /// Jobs the worker wants to hold at most (running + queued).
    var capacity: Int { max(1, slots) + max(0, prefetch ?? 2 * max(1, slots)) }
}
