import SweepModel
import SweepStore

/// The coordinator's scheduling logic as a pure value-type state machine: events in, actions out,
/// time injected, so every rule about leases, attempts and results is testable without sockets,
/// store or clock.
///
/// Each event method takes the current `MonotonicInstant` and returns the `SchedulerAction`s the
/// event loop performs in order (persistence first, then messages, then logs). Every event costs
/// O(1) or O(size of its batch) amortised: jobs live in an array indexed through a dictionary,
/// queues hold indices with lazy deletion, and only `tick`'s housekeeping pass (at most every
/// `housekeepingPeriod`) looks at all workers and leases. See `docs/SCHEDULING.md`.
public struct Scheduler: Sendable {
    public let configuration: SchedulerConfiguration
    /// The latest instant any event carried (time never runs backwards here).
    public internal(set) var now: MonotonicInstant

    var jobs: [ScheduledJob] = []
    var jobIndex: [JobID: Int] = [:]
    var sweeps: [ScheduledSweep] = []
    var sweepIndex: [SweepID: Int] = [:]
    var workers: [WorkerID: ConnectedWorker] = [:]
    var provisional: [WorkerID: ProvisionalHolder] = [:]
    /// Workers that may take more jobs, in the order they asked (entries may be stale).
    var workQueue: [WorkerID] = []
    var workQueueHead = 0
    /// No sweep before this index has anything queued.
    var dispatchCursor = 0
    /// Jobs with status `pending` (all of them queued in some live sweep).
    var pendingCount = 0
    var lastHousekeeping: MonotonicInstant?
    var lastRateSample: MonotonicInstant?
    /// Final jobs held in `jobs` (retired in bulk by `retireFinalJobsIfDue`).
    var finalJobsHeld = 0
    /// Counts of retired jobs not yet taken by `takeRetiredCounts`, per sweep index.
    var retiredCounts: [Int: JobStatusCounts] = [:]
    /// When each unknown worker was last told to reconnect (rate limit; purged by housekeeping).
    var reconnectRequested: [WorkerID: MonotonicInstant] = [:]

    /// An empty scheduler, as for a new state file.
    public init(configuration: SchedulerConfiguration = .init(), now: MonotonicInstant = .zero) {
        self.configuration = configuration
        self.now = now
    }

    /// A scheduler rebuilt from the store after a (re)start.
    ///
    /// `sweeps` come in submission order. Done stays done; an attempt still `running` in the store
    /// becomes a provisional lease of its worker that lasts `restoredLeaseGrace`: if the worker
    /// says hello listing it, the lease goes on, otherwise it expires and the job is queued again.
    /// The returned actions repair what the store left inconsistent (e.g. a sweep all final but not
    /// marked finished).
    public static func restored(
        from sweeps: [StoredSweep], configuration: SchedulerConfiguration = .init(), now: MonotonicInstant
    ) -> (scheduler: Scheduler, actions: [SchedulerAction]) {
        var scheduler = Scheduler(configuration: configuration, now: now)
        var out = ActionBuffer()
        for sweep in sweeps {
            scheduler.register(sweep, into: &out)
        }
        scheduler.cancelOrphanedJobs(into: &out)
        return (scheduler, out.actions())
    }

    // MARK: Sweeps

    /// A sweep was stored (by the loop, before this call) and its jobs join the queue after those
    /// of earlier sweeps. Jobs already known (shared with an earlier sweep) keep their state and
    /// run once; a cancelled one is reopened. Submitting a known sweep id again changes nothing.
    public mutating func sweepSubmitted(_ sweep: StoredSweep, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        var out = ActionBuffer()
        register(sweep, into: &out)
        dispatch(into: &out)
        return out.actions()
    }

    /// Stops handing out the sweep's jobs and aborts its running ones, except jobs that a live
    /// (not cancelled) sweep shares, which go on for that sweep.
    public mutating func cancel(_ sweepID: SweepID, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        guard let s = sweepIndex[sweepID], !sweeps[s].cancelled else { return [] }
        var out = ActionBuffer()
        sweeps[s].cancelled = true
        sweeps[s].requeueing = false  // the loop stops the sweep's retry too (`ResultStore.endRetry`)
        sweeps[s].awaitingRetry = JobStatusCounts()
        sweeps[s].counts[.pending] -= sweeps[s].unplanned
        sweeps[s].counts[.cancelled] += sweeps[s].unplanned
        var cancelledJobs: [JobID] = []
        for j in sweeps[s].jobs where !jobs[j].status.isFinal {
            if let live = earliestLiveSweep(of: j) {
                // Keep it reachable from a live queue: it may sit only in this sweep's queue.
                if jobs[j].status == .pending { enqueueRetry(j, in: live) }
                continue
            }
            if let lease = jobs[j].lease {
                endLease(of: j, outcome: .released, error: "sweep \(sweepID.short) cancelled", into: &out)
                if workers[lease.worker] != nil { out.abort(jobs[j].id, on: lease.worker) }
            }
            setStatus(of: j, to: .cancelled, into: &out)
            cancelledJobs.append(jobs[j].id)
        }
        out.persist(.sweepCancelled(sweepID))
        if !cancelledJobs.isEmpty { out.persist(.jobsCancelled(cancelledJobs)) }
        if !sweeps[s].finished {
            sweeps[s].finished = true
            out.persist(.sweepFinished(sweepID))
        }
        dispatch(into: &out)
        return out.actions()
    }

    // MARK: Registration

    /// Adds a sweep and its planned jobs (new or shared) to memory; its unplanned positions
    /// (`jobCount - plannedJobs`) are counted until `jobsPlanned` brings them in.
    mutating func register(_ stored: StoredSweep, into out: inout ActionBuffer) {
        let record = stored.record
        guard sweepIndex[record.id] == nil else { return }
        let s = sweeps.count
        let maxAttempts = max(1, record.maxAttempts)
        let timeout = Duration.positiveSeconds(record.jobTimeoutSeconds)
        sweeps.append(
            ScheduledSweep(
                id: record.id, maxAttempts: maxAttempts, timeout: timeout, cancelled: record.cancelled,
                finished: record.finishedAt != nil || record.cancelled, submittedAt: now))
        sweepIndex[record.id] = s
        sweeps[s].requeueing = stored.awaitingRetry != nil
        sweeps[s].awaitingRetry = stored.awaitingRetry ?? JobStatusCounts()
        sweeps[s].jobCount = record.jobCount
        sweeps[s].nextPlanPosition = record.plannedJobs
        sweeps[s].counts[record.cancelled ? .cancelled : .pending] += record.unplannedJobs
        sweeps[s].jobs.reserveCapacity(stored.jobs.count)
        add(stored.jobs, to: s, into: &out)
        // A finished sweep holds an open job again when another sweep's retry re-queued a job
        // they share: it is unfinished until that job is final.
        if sweeps[s].finished && !sweeps[s].cancelled && sweeps[s].counts.unfinished > 0 { sweeps[s].finished = false }
        dispatchCursor = min(dispatchCursor, s)
    }

    /// The store created the job rows of the sweep's next plan positions
    /// (`ResultStore.planJobs`, asked for by `planningWanted`): they join the sweep's queue, as a
    /// submission's jobs do. Records that do not continue the plan are ignored.
    public mutating func jobsPlanned(
        _ records: [JobRecord], in sweepID: SweepID, at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        guard let s = sweepIndex[sweepID], let first = records.first, first.index == sweeps[s].nextPlanPosition,
            records.count <= sweeps[s].unplanned
        else { return [] }
        var out = ActionBuffer()
        sweeps[s].nextPlanPosition += records.count
        sweeps[s].counts[sweeps[s].cancelled ? .cancelled : .pending] -= records.count
        add(records, to: s, into: &out)
        dispatchCursor = min(dispatchCursor, s)
        dispatch(into: &out)
        return out.actions()
    }

    /// The next plan positions to turn into jobs: the earliest live sweep with unplanned
    /// positions, as many as the planning window has room for (at most `limit`); `nil` when the
    /// window is full, has room for fewer than `planningBatch` jobs (and the sweep has more left),
    /// or nothing is left to plan. O(sweeps).
    public func planningWanted(limit: Int) -> (sweep: SweepID, positions: Range<Int>)? {
        let room = configuration.planningWindow - pendingCount
        guard room > 0, limit > 0 else { return nil }
        let batch = max(1, min(configuration.planningBatch, configuration.planningWindow / 2))
        for sweep in sweeps where sweep.unplanned > 0 && !sweep.cancelled && !sweep.planningAbandoned {
            guard room >= min(batch, sweep.unplanned) else { return nil }
            let start = sweep.nextPlanPosition
            return (sweep.id, start..<(start + min(limit, room, sweep.unplanned)))
        }
        return nil
    }

    /// Stops planning a sweep whose file no longer expands (a binary with other rules): its
    /// unplanned positions stay pending, shown by `status`, until the sweep is cancelled.
    public mutating func abandonPlanning(of sweep: SweepID) {
        if let s = sweepIndex[sweep] { sweeps[s].planningAbandoned = true }
    }

    /// Plan positions of the sweep not yet turned into jobs (0 for an unknown sweep).
    public func unplannedJobs(of sweep: SweepID) -> Int { sweepIndex[sweep].map { sweeps[$0].unplanned } ?? 0 }

    /// Adds jobs of sweep `s` (new to memory, or shared with an earlier sweep) and marks the
    /// sweep finished if that leaves nothing unfinished.
    private mutating func add(_ records: [JobRecord], to s: Int, into out: inout ActionBuffer) {
        let maxAttempts = sweeps[s].maxAttempts
        let timeout = sweeps[s].timeout
        let cancelled = sweeps[s].cancelled
        for jobRecord in records {
            if let j = jobIndex[jobRecord.id] {
                guard !jobs[j].belongs(to: s) else { continue }
                jobs[j].otherSweeps.append(s)
                jobs[j].maxAttempts = max(jobs[j].maxAttempts, maxAttempts)
                jobs[j].timeout = Self.moreLenient(jobs[j].timeout, timeout)
                sweeps[s].jobs.append(j)
                sweeps[s].counts[jobs[j].status] += 1
                if jobs[j].status == .cancelled && !cancelled {
                    setStatus(of: j, to: .pending, into: &out)  // the store reopened it on submit
                }
            } else {
                let j = jobs.count
                var jobRecord = jobRecord
                if jobRecord.status == .cancelled && !cancelled {
                    // Cancelled with an earlier sweep that the scheduler no longer holds (a
                    // restart, or retired): this live sweep reopens it, as the store does.
                    jobRecord.status = .pending
                }
                jobs.append(makeJob(from: jobRecord, sweep: s, maxAttempts: maxAttempts, timeout: timeout, into: &out))
                jobIndex[jobRecord.id] = j
                sweeps[s].jobs.append(j)
                sweeps[s].counts[jobs[j].status] += 1
                if jobs[j].status == .pending { pendingCount += 1 }
                if jobs[j].status.isFinal { finalJobsHeld += 1 }
            }
        }
        finishIfDone(s, into: &out)
    }

    /// Marks sweep `s` finished (and persists it) when nothing of it is unfinished, unless a
    /// retry is still re-queueing its jobs.
    mutating func finishIfDone(_ s: Int, into out: inout ActionBuffer) {
        if !sweeps[s].finished && !sweeps[s].requeueing && sweeps[s].counts.unfinished == 0 {
            sweeps[s].finished = true
            out.persist(.sweepFinished(sweeps[s].id))
        }
    }

    /// A job first seen in a sweep, with its stored history; a `running` attempt becomes a
    /// provisional lease of its worker.
    mutating func makeJob(
        from record: JobRecord, sweep: Int, maxAttempts: Int, timeout: Duration?, into out: inout ActionBuffer
    ) -> ScheduledJob {
        var job = ScheduledJob(
            id: record.id, parameters: record.parameters, status: record.status, primarySweep: sweep,
            maxAttempts: maxAttempts, timeout: timeout)
        let numbered = record.attempts.filter { $0.number >= 1 && $0.number <= 100_000 }
        let highest = numbered.map(\.number).max() ?? 0
        job.issuedTo = Array(repeating: nil, count: highest)
        for attempt in numbered { job.issuedTo[attempt.number - 1] = attempt.worker }
        job.chargedAttempts = record.chargedAttempts
        job.lastError = record.lastError
        guard !record.status.isFinal else { return job }

        let running = numbered.filter { $0.outcome == .running }.sorted { $0.number < $1.number }
        for stale in running.dropLast() {
            out.persist(.attemptEnded(
                job: record.id, number: stale.number, outcome: .released,
                error: "superseded by a later attempt (found on restart)"))
        }
        if let current = running.last {
            job.status = .running
            job.lease = Lease(
                worker: current.worker, attempt: current.number, startedAt: now,
                deadline: timeout.map { now + $0 }, running: false, provisional: true)
            provisional[current.worker, default: ProvisionalHolder(jobs: [], deadline: now + configuration.restoredLeaseGrace)]
                .jobs.insert(jobs.count)
        } else {
            job.status = .pending
            if job.chargedAttempts >= job.maxAttempts {
                let error = job.lastError ?? "max_attempts (\(job.maxAttempts)) reached"
                job.status = .failed
                out.persist(.jobFailed(job: record.id, error: error))
            }
        }
        return job
    }

    /// After a restore: jobs left unfinished although every sweep containing them is cancelled.
    mutating func cancelOrphanedJobs(into out: inout ActionBuffer) {
        var bySweep: [Int: [JobID]] = [:]
        for j in jobs.indices where !jobs[j].status.isFinal && earliestLiveSweep(of: j) == nil {
            if jobs[j].lease != nil {
                endLease(of: j, outcome: .released, error: "sweep cancelled", into: &out)
            }
            setStatus(of: j, to: .cancelled, into: &out)
            bySweep[jobs[j].primarySweep, default: []].append(jobs[j].id)
        }
        for s in bySweep.keys.sorted() {
            out.persist(.jobsCancelled(bySweep[s] ?? []))
        }
    }

    /// The later of two optional timeouts, where `nil` (none) is the latest.
    static func moreLenient(_ a: Duration?, _ b: Duration?) -> Duration? {
        guard let a, let b else { return nil }
        return max(a, b)
    }

    /// Moves the clock forward (never back).
    mutating func advance(to instant: MonotonicInstant) {
        if instant > now { now = instant }
    }
}
