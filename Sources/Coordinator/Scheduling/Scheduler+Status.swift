import SweepModel

// MARK: Queries for status, watch and workers

extension Scheduler {
    /// One sweep's progress; `nil` for an unknown sweep.
    public func progress(of sweep: SweepID) -> SweepProgress? {
        sweepIndex[sweep].map(progress(at:))
    }

    /// Every sweep's progress, in submission order.
    public var allProgress: [SweepProgress] { sweeps.indices.map(progress(at:)) }

    private func progress(at s: Int) -> SweepProgress {
        let sweep = sweeps[s]
        // Jobs a retry has yet to reach are pending already as far as anyone asking can tell.
        var counts = sweep.counts
        for status in [JobStatus.failed, .cancelled] {
            counts[status] -= sweep.awaitingRetry[status]
            counts[.pending] += sweep.awaitingRetry[status]
        }
        return SweepProgress(
            sweep: sweep.id, counts: counts, cancelled: sweep.cancelled, finished: sweep.finished,
            submittedAt: sweep.submittedAt, firstAssignedAt: sweep.firstAssignedAt, lastFinalAt: sweep.lastFinalAt,
            recentSamples: sweep.rateSamples, finalEvents: sweep.finalEvents)
    }

    /// The live workers with their leases, sorted by worker id (O(workers + leases)).
    public var liveWorkers: [WorkerSummary] {
        workers.keys.sorted().compactMap { id in
            guard let w = workers[id] else { return nil }
            let leases = w.leases.compactMap { j -> WorkerSummary.HeldLease? in
                guard let lease = jobs[j].lease else { return nil }
                return .init(job: jobs[j].id, attempt: lease.attempt, since: lease.startedAt, running: lease.running)
            }.sorted { $0.job < $1.job }
            return WorkerSummary(
                worker: id, slots: w.slots, window: w.window(prefetch: configuration.prefetchPerWorker, maxPrefetch: configuration.maxPrefetchPerWorker),
                connectedAt: w.connectedAt, lastHeard: w.lastHeard, leases: leases)
        }
    }

    /// A job's status, `nil` for an unknown job.
    public func status(of job: JobID) -> JobStatus? { jobIndex[job].map { jobs[$0].status } }

    /// Which worker holds the job's lease and for which attempt (`nil`: not leased).
    public func leaseHolder(of job: JobID) -> (worker: WorkerID, attempt: Int, provisional: Bool)? {
        guard let j = jobIndex[job], let lease = jobs[j].lease else { return nil }
        return (lease.worker, lease.attempt, lease.provisional)
    }

    /// How many attempts of the job were issued (numbers `1...n`).
    public func attemptsIssued(for job: JobID) -> Int { jobIndex[job].map { jobs[$0].attemptsIssued } ?? 0 }

    /// Whether the worker is live (known and not declared dead).
    public func isLive(_ worker: WorkerID) -> Bool { workers[worker] != nil }

    /// Jobs waiting to be handed out, over all sweeps.
    public var pendingJobs: Int { pendingCount }

    /// Jobs a retry may re-queue now: the planning window's room (`planningWindow` less the
    /// pending jobs held), so a retry of a million failed jobs holds no more in memory than a
    /// sweep being planned.
    public var requeueRoom: Int { max(0, configuration.planningWindow - pendingCount) }
}
