import SweepWire

/// Everything a coordinator process needs to know; every field but the endpoint and the state
/// file has a default.
public struct CoordinatorConfiguration: Sendable {
    /// Where the ROUTER socket listens, e.g. `tcp://127.0.0.1:5555`; a port of `0` or `*` binds a
    /// free port (`CoordinatorService.run` reports the actual one).
    public var bind: String
    /// The SQLite state file (created if missing).
    public var statePath: String
    /// Heartbeats, prefetch, lease grace: see `SchedulerConfiguration`.
    public var scheduler: SchedulerConfiguration = .init()
    /// Sent to workers in `welcome`, e.g. `clustersweep 0.1.0`.
    public var softwareVersion: String = "clustersweep"
    /// How long workers told to shut down (`requestStop(shutdownWorkers: true)`) may finish their
    /// running jobs before handing them back. Default 5 s.
    public var shutdownGrace: Duration = .seconds(5)
    /// How long `run()` waits for those workers' goodbyes beyond `shutdownGrace`. Default 2 s.
    public var shutdownLinger: Duration = .seconds(2)
    /// The most inbound messages one loop iteration handles before it commits, sends and looks at
    /// timers, so `status` is answered promptly under load. Default 256.
    public var maxMessagesPerIteration: Int = 256
    /// Loop time per iteration for background work: hashing submitted plans into sweep ids and
    /// creating the jobs of lazily planned sweeps. Default 15 ms, so any request waits at most
    /// that long behind it.
    public var backgroundBudget: Duration = .milliseconds(15)
    /// Jobs created per store transaction when a sweep's plan is expanded. Default 512 (a few
    /// ms); several slices fit in one iteration's `backgroundBudget`.
    public var planningSlice: Int = 512
    /// Rows of a sweep's deletion done per transaction (`ResultStore.deleteStep`); a few slices
    /// fit in half an iteration's `backgroundBudget`, so deleting a million-job sweep never
    /// stalls the loop.
    public var deletionSlice: Int = 2048
    /// Plan positions a retry looks at per store transaction (`ResultStore.retryStep`), when the
    /// planning window has room for that many jobs: re-queueing reads each job back with its
    /// attempts, so a slice costs a few ms and `retry` of a million failed jobs neither stalls
    /// the loop nor holds them all in memory.
    public var retrySlice: Int = 256
    /// CURVE: the coordinator's secret key and the authorized keys (`nil`: plain TCP).
    public var security: CoordinatorSecurityConfiguration?
    /// Allow binding a non-loopback address without CURVE (`--insecure`).
    public var allowInsecureBind = false
    /// What the state file's lock record calls this owner (`coordinator`, `run`).
    public var ownerName = "coordinator"

    public init(bind: String, statePath: String) {
        self.bind = bind
        self.statePath = statePath
    }
}
