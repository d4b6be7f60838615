import SweepModel

extension Scheduler {
    /// Leased jobs that wait on their worker rather than run (prefetched beyond its slots), per
    /// sweep, so `status` can say `running` for what runs and `queued on workers` for the rest.
    ///
    /// Per worker: jobs whose progress showed them running count as running; of the others, the
    /// earliest leased fill the remaining slots (a worker runs its jobs in the order they came),
    /// and the rest are queued. O(leases), bounded by the workers' windows.
    public func queuedOnWorkers() -> [SweepID: Int] {
        var queued: [SweepID: Int] = [:]
        for worker in workers.values {
            for j in queuedLeases(of: worker) { queued[sweeps[jobs[j].primarySweep].id, default: 0] += 1 }
        }
        return queued
    }

    /// How many of `worker`'s leased jobs wait on it (see `queuedOnWorkers`).
    public func queuedCount(of worker: WorkerID) -> Int {
        workers[worker].map { queuedLeases(of: $0).count } ?? 0
    }

    private func queuedLeases(of worker: ConnectedWorker) -> [Int] {
        guard worker.leases.count > worker.slots else { return [] }
        var started = 0
        var waiting: [(at: MonotonicInstant, attempt: Int, job: Int)] = []
        for j in worker.leases {
            guard let lease = jobs[j].lease else { continue }
            if lease.running { started += 1 } else { waiting.append((lease.startedAt, lease.attempt, j)) }
        }
        let free = max(0, worker.slots - started)
        guard waiting.count > free else { return [] }
        waiting.sort { ($0.at, $0.job) < ($1.at, $1.job) }
        return waiting.dropFirst(free).map(\.job)
    }
}
