/// The scheduler's tunables, each with the default the protocol documents (Paranoid Pirate
/// heartbeats: 1 s interval, dead after 3 missed).
public struct SchedulerConfiguration: Sendable, Equatable {
    /// How often each worker hears from the coordinator when nothing else is sent to it. Default 1 s.
    public var heartbeatInterval: Duration = .seconds(1)
    /// A worker that sent nothing for this many heartbeat intervals is dead. Default 3.
    public var missedHeartbeatsBeforeDead: Int = 3
    /// Jobs a worker may hold beyond its slots before it states its own credit (`ready`), so a
    /// slot never idles waiting for a round trip. Default 4: what a worker gets at `hello`, before
    /// anyone knows how long its jobs take.
    public var prefetchPerWorker: Int = 4
    /// The most jobs beyond its slots that a worker's credit may ask for. Default 64: workers ask
    /// for at most 4 beyond their slots, except for sub-millisecond jobs (32 per slot), where only a
    /// deep queue covers a round trip and keeps messages and group commits large
    /// (docs/COORDINATOR.md, "Batched dispatch"); it bounds what one worker can hoard.
    public var maxPrefetchPerWorker: Int = 64
    /// How long a lease restored from the store (a job that was running when the coordinator
    /// stopped) waits for its worker to say hello before it expires. Default 10 s.
    public var restoredLeaseGrace: Duration = .seconds(10)
    /// The least time between two housekeeping passes (liveness, job timeouts, heartbeats, rate
    /// samples) in `tick`, so the loop may call `tick` as often as it likes. Default 100 ms.
    public var housekeepingPeriod: Duration = .milliseconds(100)
    /// Upper bound on the slots a worker may announce (input from the network). Default 1024.
    public var maxSlotsPerWorker: Int = 1024
    /// Error texts from workers are cut to this many characters. Default 2000.
    public var maxErrorLength: Int = 2000
    /// The span over which `SweepProgress` measures the recent completion rate. Default 10 s.
    public var rateWindow: Duration = .seconds(10)

    /// Released attempts (handed back, or lost with a worker's connection) a job may have before
    /// further releases count against `max_attempts`, which bounds its attempt numbers. Default 10.
    public var maxFreeReleases: Int = 10
    /// Final jobs the scheduler holds before it forgets them in bulk (`Scheduler.takeRetiredCounts`),
    /// when they are at least half of what it holds. Default 8,192.
    public var retireFinalJobsAfter: Int = 8_192
    /// Pending jobs the scheduler keeps planned (with job rows and in memory) ahead of dispatch;
    /// the rest of a lazily planned sweep stays a count until the window has room. Default 10,000:
    /// a fifth of a second of dispatch at 50,000 jobs/s, a few MB of memory, and what bounds the
    /// work of a `cancel` (each planned job is cancelled by its row).
    public var planningWindow: Int = 10_000
    /// The window is refilled once it has room for this many jobs (or for what is left of the
    /// sweep), at most half the window: planning then writes its rows in a few large
    /// transactions instead of a small one after every dispatch, which cost as much per job as
    /// the rows themselves (docs/COORDINATOR.md, "Where the time goes"). Default 512.
    public var planningBatch: Int = 512

    public init() {}

    /// Silence after which a worker is dead: `heartbeatInterval × missedHeartbeatsBeforeDead`.
    public var livenessTimeout: Duration { heartbeatInterval * max(1, missedHeartbeatsBeforeDead) }
}
