import SweepModel

// MARK: Worker events

extension Scheduler {
    /// A worker announced itself (first contact, reconnect, or after a coordinator restart).
    ///
    /// `running` lists the attempts it still holds; a listed attempt that is the job's current
    /// lease (provisional or not) continues, any other is aborted. Leases the coordinator had for
    /// it that it does not list (nor report in `finished`) are released and the jobs queued again,
    /// uncharged: the assignment was lost in transit. `finished` are the reports it still holds
    /// unacknowledged, handled as by `workerReported`.
    public mutating func workerHello(
        _ worker: WorkerID, slots: Int, running: [JobAttempt], finished: [WorkerReport], at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        var out = ActionBuffer()
        let slots = min(max(0, slots), configuration.maxSlotsPerWorker)
        reconnectRequested[worker] = nil
        if workers[worker] == nil {
            workers[worker] = ConnectedWorker(slots: slots, connectedAt: now, lastHeard: now, lastSent: now)
        } else {
            workers[worker]?.slots = slots
            workers[worker]?.lastHeard = now
        }
        // Leases the coordinator believes this worker holds, provisional ones adopted first.
        var believed = workers[worker]?.leases ?? []
        if let holder = provisional.removeValue(forKey: worker) {
            for j in holder.jobs.sorted() {
                jobs[j].lease?.provisional = false
                let timeout = jobs[j].timeout
                jobs[j].lease?.deadline = timeout.map { now + $0 }
                workers[worker]?.leases.insert(j)
                believed.insert(j)
            }
        }
        var confirmed: Set<Int> = []
        for held in running {
            if let j = jobIndex[held.job], let lease = jobs[j].lease, lease.worker == worker,
                lease.attempt == held.attempt
            {
                confirmed.insert(j)
            } else {
                out.abort(held.job, on: worker)
            }
        }
        for report in finished {
            if let j = jobIndex[report.job] { confirmed.insert(j) }
        }
        for j in believed.subtracting(confirmed).sorted() {
            endLease(of: j, outcome: .released, error: "worker \(worker) no longer held it", into: &out)
            settleUnsuccessfulAttempt(of: j, charged: false, error: nil, into: &out)
        }
        handle(finished, from: worker, into: &out)
        markWantsWork(worker)
        dispatch(into: &out)
        touchSent(worker, out)
        return out.actions()
    }

    /// The worker caps how many jobs it wants to hold at once (0 while draining for shutdown,
    /// its remaining `--max-jobs`, or more again).
    public mutating func workerCredit(_ worker: WorkerID, window: Int, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        guard heard(from: worker) else { return reconnect(worker) }
        workers[worker]?.credit = max(0, window)
        var out = ActionBuffer()
        markWantsWork(worker)
        dispatch(into: &out)
        touchSent(worker, out)
        return out.actions()
    }

    /// A heartbeat (or any other message that only shows the worker is alive).
    public mutating func workerHeartbeat(_ worker: WorkerID, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        guard heard(from: worker) else { return reconnect(worker) }
        return []
    }

    /// Progress of a job (epoch, metrics): liveness, and the first one for an attempt restarts its
    /// timeout, so time spent prefetched does not count.
    public mutating func jobProgress(
        _ worker: WorkerID, job: JobID, attempt: Int, at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        guard heard(from: worker) else { return reconnect(worker) }
        if let j = jobIndex[job], let lease = jobs[j].lease, lease.worker == worker, lease.attempt == attempt,
            !lease.running
        {
            let timeout = jobs[j].timeout
            jobs[j].lease?.running = true
            jobs[j].lease?.deadline = timeout.map { now + $0 }
        }
        return []
    }

    /// The worker leaves: every job it still holds is released (uncharged) and queued again.
    public mutating func workerGoodbye(_ worker: WorkerID, at now: MonotonicInstant) -> [SchedulerAction] {
        advance(to: now)
        guard let w = workers.removeValue(forKey: worker) else { return [] }
        var out = ActionBuffer()
        for j in w.leases.sorted() {
            endLease(of: j, outcome: .released, error: "worker \(worker) left", into: &out)
            settleUnsuccessfulAttempt(of: j, charged: false, error: nil, into: &out)
        }
        dispatch(into: &out)
        return out.actions()
    }

    /// Results, failures and hand-backs from a worker, in one batch so they share one ack.
    public mutating func workerReported(
        _ worker: WorkerID, _ reports: [WorkerReport], at now: MonotonicInstant
    ) -> [SchedulerAction] {
        advance(to: now)
        guard heard(from: worker) else { return reconnect(worker) }
        var out = ActionBuffer()
        handle(reports, from: worker, into: &out)
        dispatch(into: &out)
        touchSent(worker, out)
        return out.actions()
    }

    /// One result; see `workerReported`.
    public mutating func jobResult(
        _ worker: WorkerID, job: JobID, attempt: Int, result: JobResult, at now: MonotonicInstant
    ) -> [SchedulerAction] {
        workerReported(worker, [.completed(CompletedJob(job: job, attempt: attempt, result: result))], at: now)
    }

    /// One failure; see `workerReported`.
    public mutating func jobFailure(
        _ worker: WorkerID, job: JobID, attempt: Int, error: String, at now: MonotonicInstant
    ) -> [SchedulerAction] {
        workerReported(worker, [.failed(FailedJob(job: job, attempt: attempt, error: error))], at: now)
    }

    // MARK: Helpers

    /// Records liveness of a known worker; `false` for an unknown one.
    mutating func heard(from worker: WorkerID) -> Bool {
        guard workers[worker] != nil else { return false }
        workers[worker]?.lastHeard = now
        return true
    }

    /// Asks an unknown worker to say hello, at most once per heartbeat interval.
    mutating func reconnect(_ worker: WorkerID) -> [SchedulerAction] {
        if let last = reconnectRequested[worker], now < last + configuration.heartbeatInterval { return [] }
        reconnectRequested[worker] = now
        return [.sendReconnect(worker: worker)]
    }

    /// Notes that something is being sent to the worker (heartbeats are only for silence).
    mutating func touchSent(_ worker: WorkerID, _ out: ActionBuffer) {
        if out.hasMessages(for: worker) { workers[worker]?.lastSent = now }
    }
}
