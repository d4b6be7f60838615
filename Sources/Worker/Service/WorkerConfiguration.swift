import Foundation
import SweepModel
import SweepWire

/// Everything a worker process needs to know; every field but `endpoint` has a default.
public struct WorkerConfiguration: Sendable {
    /// The coordinator's ROUTER endpoint, e.g. `tcp://127.0.0.1:5555`.
    public var endpoint: String
    /// Jobs run at once, one thread each. Default: the number of active cores.
    public var slots: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Jobs queued beyond the slots, so a slot never waits for a round trip. Default: one per slot,
    /// two per slot while jobs take less than `shortJobSeconds` on average, at most 4 in both
    /// cases; `tinyJobPrefetchPerSlot` per slot while they take less than `tinyJobSeconds` (the
    /// coordinator caps it at its `maxPrefetchPerWorker`, default 64).
    public var prefetch: Int?
    /// Jobs shorter than this on average (50 ms) are prefetched deeper by default: dispatch, not
    /// the job, is then the cost, and a queued short job delays nobody.
    public var shortJobSeconds: Double = 0.05
    /// Jobs shorter than this on average (1 ms) are prefetched deeper still, by
    /// `tinyJobPrefetchPerSlot`: a round trip to the coordinator then lasts many jobs, and only a
    /// deep queue keeps the slots busy and the messages (and the coordinator's commits) large.
    public var tinyJobSeconds: Double = 0.001
    /// Jobs queued per slot for tiny jobs (default 32: at most ~32 ms of work queued per slot;
    /// the coordinator caps a worker's queue at its `maxPrefetchPerWorker`, 64).
    public var tinyJobPrefetchPerSlot = 32
    /// Jobs handed to a slot at once while jobs are tiny (default 16): the slot runs them back to
    /// back and reports them together, instead of two thread hand-offs per job.
    public var tinyJobSlotBatch = 16
    /// How long a finished job's result may wait for others, while more of the worker's jobs still
    /// run, so that one `worker.results` carries several (and the coordinator commits and
    /// acknowledges them together). Default 1 ms; a result never waits when nothing else runs.
    public var resultLinger: Duration = .milliseconds(1)
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
    /// Reported in `hello`: the kernel family the jobs train with (`worker --kernels`).
    public var kernelFamily: String?
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
    func capacity(averageJobSeconds: Double?) -> Int {
        let slots = max(1, self.slots)
        if let prefetch { return slots + max(0, prefetch) }
        guard let average = averageJobSeconds else { return slots + min(slots, Self.queuedJobsLimit) }
        if average < tinyJobSeconds { return slots + max(1, tinyJobPrefetchPerSlot) * slots }
        return slots + min((average < shortJobSeconds ? 2 : 1) * slots, Self.queuedJobsLimit)
    }

    /// The most jobs queued beyond the slots for jobs that are not tiny (4, which the
    /// coordinator's prefetch cap used to enforce): at a sweep's end, a queued job waits while
    /// another worker may idle.
    static let queuedJobsLimit = 4
}
